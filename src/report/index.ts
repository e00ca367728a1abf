import type { Config } from '../config/schema.js';
import type { CheckMeta } from '../engine/check.js';
import type { Report } from '../model/report.js';
import { renderHandover } from './handover.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export const FORMATS = ['text', 'json', 'md', 'html', 'sarif', 'junit', 'handover'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color?: boolean;
  verbose?: boolean;
  /** Rule metadata (SARIF rules, JUnit, HTML "why it matters"). */
  checksMeta?: readonly CheckMeta[];
  /** The config, for the handover's owners and rollback. */
  config?: Partial<Config>;
}

/** Every format is a pure function of the one report model (plus the check metadata it cites). */
export function render(report: Report, format: Format, opts: RenderOptions = {}): string {
  const meta = opts.checksMeta ?? [];
  switch (format) {
    case 'text':
      return renderText(report, { color: opts.color ?? false, verbose: opts.verbose ?? false });
    case 'json':
      return renderJson(report);
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report, meta);
    case 'sarif':
      return renderSarif(report, meta);
    case 'junit':
      return renderJunit(report, meta);
    case 'handover':
      return renderHandover(report, opts.config ?? {});
  }
}
