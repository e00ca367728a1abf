import { AREA_TITLES } from '../model/area.js';
import type { Location, Status } from '../model/finding.js';
import { groupsOf, type AccessMatrixRow, type Report } from '../model/report.js';
import { stripControl } from './describe.js';
import { gapsOf, hours, notSelected, otherIncomplete, placesText, scoreLine, sprintRows, verdictHeadline } from './verdict-words.js';
import { surfaceText } from './surface.js';

export interface TextOptions {
  color: boolean;
  /** How many blocker groups to list (default 5). */
  blockers?: number;
  /** Every blocker group, every finding and every skip with its reason. */
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

/**
 * The terminal scorecard. It opens with the verdict and — when the run is incomplete — what was not
 * tested and the exact config to add; then the scorecard, the blocker groups (root causes, severity
 * first), the 48-hour sprint plan, and the waivers. `-v` adds every finding and every skip with its reason.
 */
export function renderText(report: Report, opts: TextOptions): string {
  const paint: Paint = (c, s) => (opts.color ? `\u001b[${CODES[c]}m${s}\u001b[0m` : s);
  const clean = (s: string): string => stripControl(s).replace(/[\r\n]+/g, ' ');
  const lines: string[] = [];
  const verdictColor = report.verdict === 'ready' ? 'green' : report.verdict === 'not-ready' ? 'red' : 'yellow';
  lines.push(`${paint('bold', `${report.tool.name} ${report.tool.version}`)} — ${clean(report.target)}`);
  lines.push(
    `Verdict: ${paint(verdictColor, paint('bold', report.verdict.toUpperCase().replace('-', ' ')))}   ${report.score === null ? paint('yellow', clean(scoreLine(report))) : `Score: ${paint('bold', clean(scoreLine(report)))}`}   ${paint('gray', `(${report.stats.requests} requests, ${(report.durationMs / 1000).toFixed(1)} s)`)}`,
  );
  lines.push(verdictHeadline(report));

  // What was not tested comes first: it is why the verdict is not "ready".
  const gaps = gapsOf(report);
  const other = otherIncomplete(report);
  // An untested target comes before everything it made untested.
  if (report.score === null && other.length) {
    lines.push('', paint('yellow', paint('bold', 'Incomplete:')));
    for (const r of other) lines.push(`  - ${clean(r)}`);
  }
  if (gaps.length) {
    lines.push('', paint('yellow', paint('bold', `Not tested (${gaps.length}) — add to launchready.yml:`)));
    for (const g of gaps) {
      lines.push(`  - ${paint('bold', clean(g.what))}: ${clean(g.hint)}`);
      if (g.why) lines.push(`    ${paint('gray', `why: ${clean(g.why)}`)}`);
    }
  }
  if (other.length && report.score !== null) {
    lines.push('', paint('yellow', paint('bold', 'Incomplete:')));
    for (const r of other) lines.push(`  - ${clean(r)}`);
  }
  const skipped = notSelected(report);
  if (skipped.length) lines.push('', paint('gray', `Not selected in this run (--only/--skip): ${skipped.join(', ')} — the verdict speaks for the selected areas only.`));

  lines.push('');
  lines.push(paint('bold', `${pad('Area', 30)}${pad('Status', 8)}${lpad('fail', 5)}${lpad('warn', 5)}${lpad('pass', 5)}${lpad('skip', 5)}${lpad('error', 6)}`));
  const coverage = new Map((report.coverage ?? []).map((c) => [c.area, c]));
  for (const row of report.scorecard) {
    const c = row.counts;
    const total = c.fail + c.warn + c.pass + c.skip + c.error;
    const cov = coverage.get(row.area);
    const status = cov?.state === 'waived' ? 'waived' : cov?.state === 'not-selected' ? '—' : total === 0 ? 'n/a' : row.status;
    lines.push(
      `${pad(AREA_TITLES[row.area], 30)}${paint(total === 0 || cov?.state === 'waived' ? 'gray' : STATUS_COLOR[row.status], pad(status.toUpperCase(), 8))}${lpad(String(c.fail), 5)}${lpad(String(c.warn), 5)}${lpad(String(c.pass), 5)}${lpad(String(c.skip), 5)}${lpad(String(c.error), 6)}`,
    );
  }

  const groups = groupsOf(report);
  const shown = opts.verbose ? groups : groups.slice(0, opts.blockers ?? 5);
  lines.push('');
  if (groups.length === 0) lines.push(paint('green', 'No blockers at medium severity or above.'));
  else {
    lines.push(paint('bold', `Top blockers by root cause, severity first, then fix order (${shown.length} of ${groups.length}; ${report.blockers.length} failing findings):`));
    shown.forEach((g, i) => {
      lines.push(`${lpad(String(i + 1), 2)}. ${paint('red', `[${g.severity.toUpperCase()}]`)} ${clean(g.title)}`);
      const where = g.places.length > 1 ? `${g.places.length} places: ${placesText(g.places.map(clean), opts.verbose ? g.places.length : 3)}` : clean(g.places[0] ?? '');
      lines.push(`    ${paint('gray', `${g.area} · ${where}`)}`);
      lines.push(`    Fix (~${hours(g.effort.hours)}): ${clean(g.fix)}`);
    });
    if (groups.length > shown.length) lines.push(paint('gray', `    … and ${groups.length - shown.length} more (-v lists them all).`));
  }

  const sprint = sprintRows(report);
  if (sprint.rows.length) {
    lines.push('', paint('bold', '48-hour rescue sprint (one engineer):'), `  ${sprint.plan.fits ? paint('green', sprint.verdict) : paint('red', sprint.verdict)}`);
    for (const r of sprint.rows) lines.push(`  ${lpad(`h${fmtHour(r.from)}–${fmtHour(r.to)}`, 12)}  ${pad(r.title, 46)} ${plural(r.groups.length, 'blocker')}, ~${hours(r.hours)}`);
    lines.push(paint('gray', `  Estimates: ${sprint.plan.basis}.`));
  }

  if (report.waivers?.length) {
    lines.push('', paint('bold', 'Waived in launchready.yml:'));
    for (const w of report.waivers) lines.push(`  - ${AREA_TITLES[w.area]}: ${clean(w.reason)}`);
  }

  if (opts.verbose) {
    lines.push('', paint('bold', 'Every finding (and every skip, with its reason):'));
    const order: Status[] = ['fail', 'error', 'warn', 'skip', 'pass'];
    const all = [...report.findings].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status) || a.area.localeCompare(b.area) || a.check.localeCompare(b.check));
    for (const f of all) {
      const where = describeLocation(f.location);
      lines.push(`  ${paint(STATUS_COLOR[f.status], pad(f.status.toUpperCase(), 5))} [${f.severity}] ${f.check}: ${clean(f.title)}${where ? paint('gray', ` (${clean(where)})`) : ''}`);
      if (f.reason) lines.push(`        ${paint('gray', `reason: ${clean(f.reason)}`)}`);
    }
  }
  if (report.accessMatrix.length && opts.verbose) {
    lines.push('', paint('bold', 'Access matrix (leaks first):'));
    for (const r of sortMatrix(report.accessMatrix)) lines.push(`  ${pad(clean(`${r.method} ${r.path}`), 44)} ${pad(clean(r.identity), 10)} expected ${pad(clean(r.expected), 8)} observed ${pad(clean(r.observed), 8)} ${r.verdict}`);
  }
  const lat = Object.entries(report.latency);
  if (lat.length) {
    lines.push('', paint('bold', `${pad('Latency (ms)', 44)}${lpad('p50', 7)}${lpad('p95', 7)}${lpad('p99', 7)}${lpad('max', 7)}${lpad('n', 7)}${lpad('err', 5)}`));
    for (const [action, l] of lat) lines.push(`${pad(clean(action), 44)}${lpad(l.p50.toFixed(0), 7)}${lpad(l.p95.toFixed(0), 7)}${lpad(l.p99.toFixed(0), 7)}${lpad(l.max.toFixed(0), 7)}${lpad(String(l.count), 7)}${lpad(String(l.errors), 5)}`);
  }
  if (report.suppressed?.length) lines.push('', paint('gray', `${report.suppressed.length} finding(s) accepted by the baseline (see --format md for the reasons).`));
  for (const note of baselineNotes(report)) lines.push(paint('yellow', `Baseline: ${clean(note)}`));
  lines.push(...surfaceText(report, opts.verbose));
  lines.push('', paint('gray', opts.verbose ? 'Details: --format md|json|html.' : 'Details: --format md|json|html, or -v for every finding and every skip with its reason.'));
  return lines.join('\n') + '\n';
}

function fmtHour(h: number): string {
  return String(Math.round(h * 100) / 100);
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

const MATRIX_ORDER: AccessMatrixRow['verdict'][] = ['leak', 'error', 'not-tested', 'ok'];

/** Leaks first, then errors, not tested, ok; the given order within each. */
export function sortMatrix(rows: readonly AccessMatrixRow[]): AccessMatrixRow[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => MATRIX_ORDER.indexOf(a.r.verdict) - MATRIX_ORDER.indexOf(b.r.verdict) || a.i - b.i)
    .map(({ r }) => r);
}
