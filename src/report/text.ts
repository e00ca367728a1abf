import { AREA_TITLES } from '../model/area.js';
import type { Finding, Location, Status } from '../model/finding.js';
import type { Report } from '../model/report.js';
import { surfaceText } from './surface.js';

export interface TextOptions {
  color: boolean;
  /** How many blockers to list (default 5). */
  blockers?: number;
  /** List every failing and warning finding after the blockers. */
  verbose?: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
type Paint = (color: keyof typeof CODES, s: string) => string;

const STATUS_COLOR: Record<Status, keyof typeof CODES> = { fail: 'red', error: 'magenta', warn: 'yellow', pass: 'green', skip: 'gray' };

export function describeLocation(l: Location): string {
  const parts: string[] = [];
  if (l.url) parts.push(`${l.method ? `${l.method} ` : ''}${l.url}`);
  if (l.file) parts.push(`${l.file}${l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : ''}${l.commit ? ` @ ${l.commit.slice(0, 10)}` : ''}`);
  if (l.domain) parts.push(`${l.record ? `${l.record} ` : ''}${l.domain}`);
  else if (l.record) parts.push(l.record);
  if (l.detail && !parts.some((p) => p.includes(l.detail!))) parts.push(l.detail);
  return parts.join(' · ');
}

/** Notes on expired or unmatched baseline entries (set by applyBaseline). */
export function baselineNotes(report: Report): string[] {
  const b = report.facts?.['baseline'] as { notes?: unknown } | undefined;
  return Array.isArray(b?.notes) ? b.notes.filter((n): n is string => typeof n === 'string') : [];
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function lpad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

/** The terminal scorecard: verdict, one row per area, the top blockers in fix order with their fix. */
export function renderText(report: Report, opts: TextOptions): string {
  const paint: Paint = (c, s) => (opts.color ? `\u001b[${CODES[c]}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  const verdictColor = report.verdict === 'ready' ? 'green' : report.verdict === 'not-ready' ? 'red' : 'yellow';
  lines.push(`${paint('bold', `${report.tool.name} ${report.tool.version}`)} — ${report.target}`);
  lines.push(
    `Verdict: ${paint(verdictColor, paint('bold', report.verdict.toUpperCase().replace('-', ' ')))}   Score: ${paint('bold', `${report.score}/100`)}   ${paint('gray', `(${report.stats.requests} requests, ${(report.durationMs / 1000).toFixed(1)} s)`)}`,
  );
  lines.push('');
  lines.push(paint('bold', `${pad('Area', 30)}${pad('Status', 8)}${lpad('fail', 5)}${lpad('warn', 5)}${lpad('pass', 5)}${lpad('skip', 5)}${lpad('error', 6)}`));
  for (const row of report.scorecard) {
    const c = row.counts;
    const total = c.fail + c.warn + c.pass + c.skip + c.error;
    const status = total === 0 ? 'n/a' : row.status;
    lines.push(
      `${pad(AREA_TITLES[row.area], 30)}${paint(total === 0 ? 'gray' : STATUS_COLOR[row.status], pad(status.toUpperCase(), 8))}${lpad(String(c.fail), 5)}${lpad(String(c.warn), 5)}${lpad(String(c.pass), 5)}${lpad(String(c.skip), 5)}${lpad(String(c.error), 6)}`,
    );
  }
  const byId = new Map(report.findings.map((f) => [f.id, f]));
  const top = report.blockers.slice(0, opts.blockers ?? 5).map((id) => byId.get(id)).filter((f): f is Finding => !!f);
  lines.push('');
  if (top.length === 0) lines.push(paint('green', 'No blockers at medium severity or above.'));
  else {
    lines.push(paint('bold', `Top blockers, in fix order (${report.blockers.length} in all):`));
    top.forEach((f, i) => {
      lines.push(`${lpad(String(i + 1), 2)}. ${paint('red', `[${f.severity.toUpperCase()}]`)} ${f.title}`);
      const where = describeLocation(f.location);
      if (where) lines.push(`    ${paint('gray', `${f.area} · ${where}`)}`);
      lines.push(`    Fix: ${f.fix}`);
    });
  }
  if (opts.verbose) {
    const rest = report.findings.filter((f) => (f.status === 'fail' || f.status === 'warn' || f.status === 'error') && !top.includes(f));
    if (rest.length) {
      lines.push('', paint('bold', 'Other findings:'));
      for (const f of rest) lines.push(`  ${paint(STATUS_COLOR[f.status], f.status.toUpperCase())} [${f.severity}] ${f.title}${f.reason ? ` — ${f.reason}` : ''}${describeLocation(f.location) ? paint('gray', ` (${describeLocation(f.location)})`) : ''}`);
    }
  }
  if (report.incomplete.length) {
    lines.push('', paint('yellow', paint('bold', 'Incomplete:')));
    for (const r of report.incomplete) lines.push(`  - ${r}`);
  }
  if (report.accessMatrix.length && opts.verbose) {
    lines.push('', paint('bold', 'Access matrix:'));
    for (const r of report.accessMatrix) lines.push(`  ${pad(`${r.method} ${r.path}`, 44)} ${pad(r.identity, 10)} expected ${pad(r.expected, 8)} observed ${pad(r.observed, 8)} ${r.verdict}`);
  }
  const lat = Object.entries(report.latency);
  if (lat.length) {
    lines.push('', paint('bold', `${pad('Latency (ms)', 44)}${lpad('p50', 7)}${lpad('p95', 7)}${lpad('p99', 7)}${lpad('max', 7)}${lpad('n', 7)}${lpad('err', 5)}`));
    for (const [action, l] of lat) lines.push(`${pad(action, 44)}${lpad(l.p50.toFixed(0), 7)}${lpad(l.p95.toFixed(0), 7)}${lpad(l.p99.toFixed(0), 7)}${lpad(l.max.toFixed(0), 7)}${lpad(String(l.count), 7)}${lpad(String(l.errors), 5)}`);
  }
  if (report.suppressed?.length) lines.push('', paint('gray', `${report.suppressed.length} finding(s) accepted by the baseline (see --format md for the reasons).`));
  for (const note of baselineNotes(report)) lines.push(paint('yellow', `Baseline: ${note}`));
  lines.push(...surfaceText(report, opts.verbose));
  lines.push('', paint('gray', 'Details: --format md|json|html, or -v for every finding.'));
  return lines.join('\n') + '\n';
}
