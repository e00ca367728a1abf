import type { Report } from '../model/report.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export const FORMATS = ['text', 'json', 'md'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color?: boolean;
  verbose?: boolean;
}

/** Every format is a pure function of the one report model. */
export function render(report: Report, format: Format, opts: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(report, { color: opts.color ?? false, verbose: opts.verbose ?? false });
    case 'json':
      return renderJson(report);
    case 'md':
      return renderMarkdown(report);
  }
}
