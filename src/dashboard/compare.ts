import type { Finding, Status } from '../model/finding.js';
import type { Report } from '../model/report.js';
import { SEVERITY_RANK } from '../model/severity.js';

/**
 * What changed between two runs, by finding id (the stable fingerprint: the same problem at the same
 * place has the same id in every run). A "problem" is a finding that fails or warns.
 *
 * - new: a problem in the later run that was not a problem in the earlier one;
 * - fixed: a problem in the earlier run that the later run tested and found passing;
 * - unverified: a problem in the earlier run that the later run did not confirm either way (not
 *   reported, skipped or errored) — it is not called fixed, because nobody looked;
 * - unchanged: a problem in both.
 */
export interface RunComparison {
  newProblems: Finding[];
  fixed: Array<{ before: Finding; after: Finding }>;
  unverified: Array<{ before: Finding; after?: Finding }>;
  unchanged: Array<{ before: Finding; after: Finding }>;
  /** null when either run has no score (its target could not be tested). */
  scoreDelta: number | null;
}

const PROBLEM: ReadonlySet<Status> = new Set<Status>(['fail', 'warn']);

export function isProblem(f: Finding): boolean {
  return PROBLEM.has(f.status);
}

const bySeverity = (a: Finding, b: Finding): number =>
  (a.status === b.status ? 0 : a.status === 'fail' ? -1 : b.status === 'fail' ? 1 : 0) || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.title.localeCompare(b.title);

export function compareRuns(before: Report, after: Report): RunComparison {
  const prev = new Map(before.findings.map((f) => [f.id, f]));
  const next = new Map(after.findings.map((f) => [f.id, f]));
  const out: RunComparison = { newProblems: [], fixed: [], unverified: [], unchanged: [], scoreDelta: after.score === null || before.score === null ? null : after.score - before.score };
  for (const f of after.findings) {
    if (!isProblem(f)) continue;
    const was = prev.get(f.id);
    if (!was || !isProblem(was)) out.newProblems.push(f);
  }
  for (const b of before.findings) {
    if (!isProblem(b)) continue;
    const a = next.get(b.id);
    if (a && isProblem(a)) out.unchanged.push({ before: b, after: a });
    else if (a && a.status === 'pass') out.fixed.push({ before: b, after: a });
    else out.unverified.push(a ? { before: b, after: a } : { before: b });
  }
  out.newProblems.sort(bySeverity);
  out.fixed.sort((x, y) => bySeverity(x.before, y.before));
  out.unverified.sort((x, y) => bySeverity(x.before, y.before));
  out.unchanged.sort((x, y) => bySeverity(x.after, y.after));
  return out;
}
