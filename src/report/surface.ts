import type { Report } from '../model/report.js';
import type { CrawlSummary } from '../surface/routes.js';

/**
 * The "API surface" section of the report: how many routes each source gave (OpenAPI, config, HAR,
 * front-end scripts, the Chromium crawl), what the crawl did (pages, requests, seconds, what it
 * refused to click or send), and the routes the app calls that its OpenAPI document does not list.
 * Read from the `surface` facts the surface gatherer contributes; one call per renderer.
 */

export interface SurfaceFacts {
  routes: number;
  bySource: Record<string, number>;
  sources: string[];
  undocumented?: string[];
  /** What the crawl did (its notes stay with the surface gatherer's evidence). */
  crawl?: Omit<CrawlSummary, 'notes'>;
}

const SOURCE_WORDS: Record<string, string> = { openapi: 'OpenAPI', config: 'config', har: 'HAR', bundle: 'front-end scripts', crawl: 'crawl' };

export function surfaceOf(report: Report): SurfaceFacts | undefined {
  const s = report.facts?.['surface'] as SurfaceFacts | undefined;
  return s && typeof s === 'object' && typeof s.routes === 'number' ? s : undefined;
}

function summaryLines(s: SurfaceFacts): string[] {
  const per = Object.entries(s.bySource)
    .map(([k, n]) => `${SOURCE_WORDS[k] ?? k} ${n}`)
    .join(', ');
  const lines = [`${s.routes} route(s)${per ? ` — by source: ${per}` : ''}`];
  const c = s.crawl;
  if (c) {
    const who = Object.entries(c.pagesBy)
      .map(([k, n]) => `${n} as ${k}`)
      .join(', ');
    const refused = [c.refused.writes ? `${c.refused.writes} write(s) learnt but not sent` : '', c.refused.destructiveClicks ? `${c.refused.destructiveClicks} destructive control(s) not clicked` : '', c.refused.destructiveLinks ? `${c.refused.destructiveLinks} logout/action link(s) not followed` : '', c.refused.excluded ? `${c.refused.excluded} excluded request(s) refused` : '']
      .filter(Boolean)
      .join('; ');
    lines.push(`Crawl: ${c.pages} page(s) (${who || 'none'}), ${c.calls} API call(s) recorded, ${c.requests} of ${c.allowance} reserved request(s), ${(c.ms / 1000).toFixed(1)} s${c.stoppedBy.length ? `, stopped by ${c.stoppedBy.join(', ')}` : ''}${refused ? `; ${refused}` : ''}`);
    for (const [id, how] of Object.entries(c.logins)) lines.push(`Crawl as ${id}: ${how}`);
  }
  if (s.undocumented) lines.push(s.undocumented.length ? `${s.undocumented.length} route(s) the app calls are not in the OpenAPI document` : 'Every route the app was seen calling is in the OpenAPI document');
  return lines;
}

/** Lines for the terminal report (the undocumented routes only with -v). */
export function surfaceText(report: Report, verbose = false): string[] {
  const s = surfaceOf(report);
  if (!s) return [];
  const out = ['', 'API surface:', ...summaryLines(s).map((l) => `  ${l}`)];
  if (verbose && s.undocumented?.length) out.push(...s.undocumented.map((u) => `    - ${u}`));
  return out;
}

const mdEsc = (s: string): string => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);

export function surfaceMarkdown(report: Report): string[] {
  const s = surfaceOf(report);
  if (!s) return [];
  const out = ['', '## API surface', '', ...summaryLines(s).map((l) => `- ${mdEsc(l)}`)];
  if (s.sources.length) out.push('', 'Sources:', '', ...s.sources.map((x) => `- ${mdEsc(x)}`));
  if (s.undocumented?.length) out.push('', 'Not in the OpenAPI document:', '', ...s.undocumented.map((u) => `- \`${u.replace(/`/g, "'")}\``));
  return out;
}

const htmlEsc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The HTML section as [id, label, body] for the report's section list (none without surface facts). */
export function surfaceSections(report: Report): Array<[string, string, string]> {
  const s = surfaceOf(report);
  if (!s) return [];
  const body = [
    '<h2 id="surface-h">API surface</h2>',
    `<ul>${summaryLines(s)
      .map((l) => `<li>${htmlEsc(l)}</li>`)
      .join('')}</ul>`,
    ...(s.sources.length ? [`<p>Sources:</p><ul>${s.sources.map((x) => `<li>${htmlEsc(x)}</li>`).join('')}</ul>`] : []),
    ...(s.undocumented?.length ? [`<p>Not in the OpenAPI document:</p><ul>${s.undocumented.map((u) => `<li><code>${htmlEsc(u)}</code></li>`).join('')}</ul>`] : []),
  ].join('\n');
  return [['surface', 'API surface', body]];
}
