import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, stringify, type Node as YamlNode } from 'yaml';
import type { Finding } from './finding.js';
import { judge, scorecardOf, type Report } from './report.js';
import type { FailOn } from './severity.js';

/**
 * Baselines and suppressions: accepted findings stop showing up in every format without being
 * forgotten — each carries a reason, may carry an expiry date, and is listed in `report.suppressed`.
 *
 * A baseline file (YAML or JSON) is a list:
 *
 *   - id: 3f9a0c2b7d1e4a56          # the finding's fingerprint (`id` in --format json)
 *     reason: Test fixture key, revoked in the provider console
 *     expires: 2026-12-31            # optional; suppresses through that day (UTC)
 *
 * An inline suppression is a comment on the finding's line, or on the line above with `-next-line`:
 *
 *   const key = 'sk_test_…'; // launchready-ignore -- documented test key
 *   # launchready-ignore-next-line secrets/committed-secret expires=2026-12-31 -- rotating this week
 */
export interface BaselineEntry {
  /** The finding's stable fingerprint. */
  id: string;
  reason: string;
  /** `YYYY-MM-DD`: the entry suppresses through the end of that day (UTC), then stops. */
  expires?: string;
  /** Where the entry came from, for notes: `baseline.yml:4:3` or `inline src/app.ts:12`. */
  source?: string;
}

/** A malformed baseline: names the file, the entry and, when known, line and column. */
export class BaselineError extends Error {
  constructor(
    message: string,
    public readonly file: string,
    public readonly line?: number,
    public readonly column?: number,
    /** 1-based position of the entry in the list, when the problem is inside one entry. */
    public readonly entry?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}: ${message}`);
    this.name = 'BaselineError';
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ENTRY_KEYS = new Set(['id', 'reason', 'expires']);

export function isValidDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** An entry suppresses through the whole of its expiry day (UTC). */
export function isExpired(entry: Pick<BaselineEntry, 'expires'>, now: Date): boolean {
  if (entry.expires === undefined) return false;
  const m = DATE.exec(entry.expires);
  if (!m) return true;
  const endOfDay = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
  return now.getTime() >= endOfDay;
}

/**
 * Parse baseline text (YAML or JSON — JSON is read by the YAML parser too, so errors get line:col).
 * Throws `BaselineError` naming the file, the entry and its line:col.
 */
export function parseBaseline(text: string, file: string): BaselineEntry[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = err.linePos?.[0];
    const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new BaselineError(`not valid YAML or JSON: ${message}`, file, pos?.line, pos?.col);
  }
  const at = (node: YamlNode | null | undefined): { line?: number; col?: number } =>
    node?.range ? lines.linePos(node.range[0]) : {};
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return [];
  if (!isSeq(root)) {
    const p = at(root);
    throw new BaselineError('expected a list of entries like "- id: <finding id>\\n  reason: <why it is accepted>"', file, p.line, p.col);
  }
  const entries: BaselineEntry[] = [];
  const seen = new Map<string, number>();
  root.items.forEach((item, index) => {
    const n = index + 1;
    const p = at(item as YamlNode);
    const fail = (message: string, node?: YamlNode | null): never => {
      const q = node ? at(node) : p;
      throw new BaselineError(`entry ${n}: ${message}`, file, q.line ?? p.line, q.col ?? p.col, n);
    };
    if (!isMap(item)) fail('expected a mapping with `id` and `reason`');
    const map = item as import('yaml').YAMLMap;
    const values: Record<string, { value: unknown; node: YamlNode | null }> = {};
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!ENTRY_KEYS.has(key)) fail(`unknown key \`${key}\` (allowed: id, reason, expires)`, pair.key as YamlNode);
      const valueNode = (pair.value ?? null) as YamlNode | null;
      values[key] = { value: isScalar(valueNode) ? valueNode.value : valueNode, node: valueNode };
    }
    const id = values.id;
    if (!id || typeof id.value !== 'string' || id.value.trim() === '') fail('`id` is missing: give the finding id (its fingerprint) as a string', id?.node);
    const reason = values.reason;
    if (!reason || typeof reason.value !== 'string' || reason.value.trim() === '')
      fail('`reason` is missing: say why this finding is accepted', reason?.node);
    const entry: BaselineEntry = { id: (id!.value as string).trim(), reason: (reason!.value as string).trim(), source: `${file}:${p.line ?? '?'}:${p.col ?? '?'}` };
    const expires = values.expires;
    if (expires) {
      const v = expires.value instanceof Date ? expires.value.toISOString().slice(0, 10) : expires.value;
      if (typeof v !== 'string' || !isValidDate(v)) fail(`\`expires\` must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`, expires.node);
      entry.expires = v as string;
    }
    const before = seen.get(entry.id);
    if (before !== undefined) fail(`id ${entry.id} is already listed in entry ${before}`, id!.node);
    seen.set(entry.id, n);
    entries.push(entry);
  });
  return entries;
}

/** Read and parse a baseline file. Throws `BaselineError` (the CLI exits 2 with its message). */
export async function loadBaseline(path: string): Promise<BaselineEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BaselineError(code === 'ENOENT' ? 'baseline file not found' : `cannot read the baseline file (${code ?? String(err)})`, path);
  }
  return parseBaseline(text, path);
}

export interface ApplyBaselineOptions {
  /** The run's `--fail-on`, needed to recompute the verdict (default `high`). */
  failOn?: FailOn;
}

function formatEntryRef(e: BaselineEntry): string {
  return e.source ? ` (${e.source})` : '';
}

/**
 * A new report with every finding whose id a live entry names removed from findings, blockers, score,
 * scorecard and verdict, and listed in `report.suppressed` with its reason. Expired entries stop
 * suppressing: the finding shows again with a note saying so, and `facts.baseline` lists them.
 * Entries that matched nothing are listed too (the problem was fixed or moved: delete the entry).
 */
export function applyBaseline(report: Report, entries: readonly BaselineEntry[], now: Date, options: ApplyBaselineOptions = {}): Report {
  // No baseline, no change: the report (and its JSON) stays exactly as the run produced it.
  if (entries.length === 0) return report;
  const failOn = options.failOn ?? 'high';
  const live = new Map<string, BaselineEntry>();
  const expired: BaselineEntry[] = [];
  for (const e of entries) {
    if (isExpired(e, now)) expired.push(e);
    else if (!live.has(e.id)) live.set(e.id, e);
  }
  const expiredById = new Map(expired.map((e) => [e.id, e]));
  const suppressed = [...(report.suppressed ?? [])];
  const alreadySuppressed = new Set(suppressed.map((s) => s.id));
  const matched = new Set<string>();
  const kept: Finding[] = [];
  for (const f of report.findings) {
    const entry = live.get(f.id);
    if (entry) {
      matched.add(f.id);
      if (!alreadySuppressed.has(f.id)) {
        suppressed.push(entry.expires ? { id: f.id, reason: entry.reason, expires: entry.expires } : { id: f.id, reason: entry.reason });
        alreadySuppressed.add(f.id);
      }
      continue;
    }
    const gone = expiredById.get(f.id);
    if (gone) {
      const note = `Baseline entry expired on ${gone.expires}${formatEntryRef(gone)} — it was accepted because: ${gone.reason}. It counts again.`;
      kept.push({ ...f, evidence: { ...f.evidence, notes: [...(f.evidence.notes ?? []), note] } });
    } else kept.push(f);
  }
  const notes: string[] = [];
  for (const e of expired) notes.push(`Baseline entry ${e.id}${formatEntryRef(e)} expired on ${e.expires} and no longer suppresses (reason was: ${e.reason}).`);
  const unmatched = [...live.values()].filter((e) => !matched.has(e.id) && !alreadySuppressed.has(e.id));
  for (const e of unmatched) notes.push(`Baseline entry ${e.id}${formatEntryRef(e)} matched no finding in this run: if the problem is fixed, delete the entry.`);

  const previous = report.facts && typeof report.facts.baseline === 'object' && report.facts.baseline !== null ? (report.facts.baseline as { notes?: string[] }) : undefined;
  const facts = {
    ...(report.facts ?? {}),
    baseline: {
      expired: expired.map((e) => ({ id: e.id, reason: e.reason, expires: e.expires!, ...(e.source ? { source: e.source } : {}) })),
      unmatched: unmatched.map((e) => ({ id: e.id, reason: e.reason, ...(e.source ? { source: e.source } : {}) })),
      notes: [...(previous?.notes ?? []), ...notes],
    },
  };
  return {
    ...report,
    findings: kept,
    ...judge({
      findings: kept,
      failOn,
      incomplete: report.incomplete,
      // An ungraded run stays ungraded: accepting findings does not make the target tested.
      ...(report.score === null ? { targetProblem: 'the target could not be tested' } : {}),
      checkTitles: new Map((report.blockerGroups ?? []).filter((g) => g.checkTitle).map((g) => [g.check, g.checkTitle!])),
    }),
    ...(report.score === null && report.scoreNote ? { scoreNote: report.scoreNote } : {}),
    scorecard: scorecardOf(
      kept,
      report.scorecard.map((row) => row.area),
    ),
    suppressed,
    facts,
  };
}

// ── Inline suppressions ────────────────────────────────────────────────────────────────────────────

export const INLINE_MARKER = 'launchready-ignore';
const INLINE = /launchready-ignore(-next-line)?\b([^\n]*)/;

export interface InlineSuppression {
  /** The marker is on the line above the finding. */
  nextLine: boolean;
  /** Check ids it is limited to; empty means every check. */
  checks: string[];
  reason?: string;
  expires?: string;
}

/** Parse `launchready-ignore[-next-line] [check/id,…] [expires=YYYY-MM-DD] [-- reason]` out of a source line. */
export function parseInlineSuppression(lineText: string): InlineSuppression | undefined {
  const m = INLINE.exec(lineText);
  if (!m) return undefined;
  let rest = m[2] ?? '';
  let reason: string | undefined;
  const sep = rest.search(/\s--\s|\s--$|^--\s|:\s/);
  if (sep >= 0) {
    reason = rest
      .slice(sep)
      .replace(/^\s*(--|:)\s*/, '')
      .replace(/\s*(\*\/|-->|%>|\}\}|#\})\s*$/, '')
      .trim();
    rest = rest.slice(0, sep);
  }
  const checks: string[] = [];
  let expires: string | undefined;
  for (const word of rest.trim().split(/[\s,]+/).filter(Boolean)) {
    const exp = /^(?:expires|until)=(\S+)$/.exec(word);
    if (exp) expires = exp[1];
    else if (/^[a-z0-9-]+\/[a-z0-9-]+$/.test(word)) checks.push(word);
  }
  return { nextLine: m[1] !== undefined, checks, ...(reason ? { reason } : {}), ...(expires ? { expires } : {}) };
}

/**
 * Baseline entries for file-located findings whose line (or the line above, with `-next-line`) carries
 * an inline suppression. `readLines(file)` returns the file's lines, or undefined when unreadable.
 * Findings located in git history (with a commit) are not matched: the working tree may differ.
 */
export function inlineSuppressions(findings: readonly Finding[], readLines: (file: string) => readonly string[] | undefined): BaselineEntry[] {
  const entries: BaselineEntry[] = [];
  for (const f of findings) {
    const { file, line, commit } = f.location;
    if (!file || !line || commit) continue;
    const lines = readLines(file);
    if (!lines) continue;
    const candidates: Array<[number, boolean]> = [
      [line, false],
      [line - 1, true],
    ];
    for (const [n, needsNextLine] of candidates) {
      const s = parseInlineSuppression(lines[n - 1] ?? '');
      if (!s || s.nextLine !== needsNextLine) continue;
      if (s.checks.length > 0 && !s.checks.includes(f.check)) continue;
      const entry: BaselineEntry = {
        id: f.id,
        reason: s.reason ?? 'inline suppression without a reason',
        source: `inline ${file}:${n}`,
      };
      // A malformed date never suppresses: isExpired treats it as past, and the note shows the typo.
      if (s.expires) entry.expires = s.expires;
      entries.push(entry);
      break;
    }
  }
  return entries;
}

/** `inlineSuppressions` over files on disk under `rootDir` (never outside it; files over 2 MB are skipped). */
export function loadInlineSuppressions(findings: readonly Finding[], rootDir: string): BaselineEntry[] {
  const cache = new Map<string, readonly string[] | undefined>();
  const root = resolve(rootDir);
  return inlineSuppressions(findings, (file) => {
    if (cache.has(file)) return cache.get(file);
    let lines: readonly string[] | undefined;
    const full = resolve(root, file);
    const rel = relative(root, full);
    if (!rel.startsWith('..') && !isAbsolute(rel)) {
      try {
        if (statSync(full).size <= 2 * 1024 * 1024) lines = readFileSync(full, 'utf8').split(/\r?\n/);
      } catch {
        lines = undefined;
      }
    }
    cache.set(file, lines);
    return lines;
  });
}

// ── Writing a baseline ────────────────────────────────────────────────────────────────────────────

/** Entries accepting every failing or warning finding of a report (`launchready … --write-baseline`). */
export function baselineFromReport(report: Report, reason: string, expires?: string): BaselineEntry[] {
  return report.findings
    .filter((f) => f.status === 'fail' || f.status === 'warn')
    .map((f) => (expires ? { id: f.id, reason, expires } : { id: f.id, reason }));
}

/** YAML text of a baseline, with each finding's title as a comment so a reviewer knows what is accepted. */
export function formatBaseline(entries: readonly BaselineEntry[], findings: readonly Finding[] = []): string {
  const titles = new Map(findings.map((f) => [f.id, `${f.check}: ${f.title}`]));
  return entries
    .map((e) => {
      const body = stringify([{ id: e.id, reason: e.reason, ...(e.expires ? { expires: e.expires } : {}) }]);
      const title = titles.get(e.id);
      return (title ? `# ${title.replace(/[\r\n]+/g, ' ')}\n` : '') + body;
    })
    .join('');
}
