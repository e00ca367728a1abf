import { AREAS, type Area } from './area.js';
import { blockerGroupsOf, type BlockerGroup } from './blockers.js';
import type { AreaCoverage, Waiver } from './coverage.js';
import type { Finding, Status } from './finding.js';
import { SEVERITY_WEIGHT, atLeast, type FailOn } from './severity.js';
import { sprintPlanOf, type SprintPlan } from './sprint.js';

export type { AreaCoverage, Waiver } from './coverage.js';
export type { BlockerGroup } from './blockers.js';
export type { SprintPlan, SprintSlot } from './sprint.js';

export type Verdict = 'ready' | 'not-ready' | 'incomplete';

export interface ScorecardRow {
  area: Area;
  /** The row's status: fail > error > warn > pass > skip ("not tested" is never "pass"). */
  status: Status;
  counts: Record<Status, number>;
}

export interface AccessMatrixRow {
  method: string;
  path: string;
  identity: string;
  expected: string;
  observed: string;
  verdict: 'ok' | 'leak' | 'not-tested' | 'error';
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
  errors: number;
  /** Optional distribution for charts: [upper bound ms, count] buckets. */
  histogram?: Array<[number, number]>;
}

export interface RunStats {
  requests: number;
  bytes: number;
  /** Wall time spent per area, ms. */
  areaDurationsMs: Partial<Record<Area, number>>;
}

/** The one report model every renderer is a pure function of. */
export interface Report {
  tool: { name: string; version: string };
  target: string;
  startedAt: string;
  durationMs: number;
  verdict: Verdict;
  incomplete: string[];
  /**
   * 100 minus the weights of failing findings; `null` when the target could not be tested (it was
   * unreachable, hung, or answered more than the size cap): an untested target is never graded.
   */
  score: number | null;
  scorecard: ScorecardRow[];
  findings: Finding[];
  /** Ids of the failing findings at medium or above, in blocker-group order (see blockerGroups). */
  blockers: string[];
  accessMatrix: AccessMatrixRow[];
  latency: Record<string, LatencySummary>;
  stats: RunStats;
  /** Extra facts for the handover (DNS records, certificates, env inventory …), keyed by topic. */
  facts?: Record<string, unknown>;
  /** Findings hidden by a baseline or suppression, with the reason (counted, never judged). */
  suppressed?: Array<{ id: string; reason: string; expires?: string }>;
  /** Why there is no score ("no score: target not tested — …"); present exactly when score is null. */
  scoreNote?: string;
  /** Per checklist area: tested, partial, untested (with the config to add), waived or not selected. */
  coverage?: AreaCoverage[];
  /** Areas launchready.yml waives (`waive:`), with the reason: listed like accepted findings. */
  waivers?: Waiver[];
  /** Blockers grouped by root cause (check + fix), severity first, then fix order. */
  blockerGroups?: BlockerGroup[];
  /** The 48-hour rescue sprint: the blocker groups on the checklist's timeline, with effort estimates. */
  sprint?: SprintPlan;
}

const STATUS_PRECEDENCE: Status[] = ['fail', 'error', 'warn', 'pass', 'skip'];

export function scorecardOf(findings: Finding[], areas: readonly Area[] = AREAS): ScorecardRow[] {
  return areas.map((area) => {
    const counts: Record<Status, number> = { fail: 0, warn: 0, pass: 0, skip: 0, error: 0 };
    for (const f of findings) if (f.area === area) counts[f.status] += 1;
    const status = STATUS_PRECEDENCE.find((s) => counts[s] > 0) ?? 'skip';
    return { area, status, counts };
  });
}

/** 100 minus the weights of failing findings, floored at 0. Warnings and skips cost nothing. */
export function scoreOf(findings: Finding[]): number {
  const lost = findings.filter((f) => f.status === 'fail').reduce((sum, f) => sum + SEVERITY_WEIGHT[f.severity], 0);
  return Math.max(0, 100 - lost);
}

/** Failing findings at or above medium, grouped by root cause: severity first, then fix order, then a stable tiebreak. */
export function blockersOf(findings: Finding[]): string[] {
  return blockerGroupsOf(findings).flatMap((g) => g.findings);
}

export const NO_SCORE_NOTE = 'no score: target not tested';

export interface JudgeInput {
  findings: Finding[];
  failOn: FailOn;
  /** Reasons the run is incomplete (coverage gaps included). */
  incomplete: string[];
  /** Set when the target could not be tested: no score. */
  targetProblem?: string;
  /** Check id → the check's title (names groups of several places). */
  checkTitles?: ReadonlyMap<string, string>;
}

/** Everything derived from the findings: verdict, score, blockers and their groups, the sprint plan. */
export function judge(input: JudgeInput): Pick<Report, 'verdict' | 'score' | 'blockers' | 'blockerGroups' | 'sprint'> & { scoreNote?: string } {
  const groups = blockerGroupsOf(input.findings, input.checkTitles);
  return {
    verdict: verdictOf(input.findings, input.failOn, input.incomplete),
    score: input.targetProblem ? null : scoreOf(input.findings),
    ...(input.targetProblem ? { scoreNote: `${NO_SCORE_NOTE} (${input.targetProblem})` } : {}),
    blockers: groups.flatMap((g) => g.findings),
    blockerGroups: groups,
    sprint: sprintPlanOf(groups),
  };
}

/** The groups of a report (computed from the findings for reports written before groups existed). */
export function groupsOf(report: Pick<Report, 'findings' | 'blockerGroups'>): BlockerGroup[] {
  return report.blockerGroups ?? blockerGroupsOf(report.findings);
}

export function sprintOf(report: Pick<Report, 'findings' | 'blockerGroups' | 'sprint'>): SprintPlan {
  return report.sprint ?? sprintPlanOf(groupsOf(report));
}

/** "87/100", or the reason there is no score. */
export function scoreText(report: Pick<Report, 'score' | 'scoreNote'>): string {
  return report.score === null ? (report.scoreNote ?? NO_SCORE_NOTE) : `${report.score}/100`;
}

export function verdictOf(findings: Finding[], failOn: FailOn, incomplete: string[]): Verdict {
  if (failOn !== 'never' && findings.some((f) => f.status === 'fail' && atLeast(f.severity, failOn))) return 'not-ready';
  if (incomplete.length > 0 || findings.some((f) => f.status === 'error')) return 'incomplete';
  return 'ready';
}

export const EXIT_CODES = { ready: 0, 'not-ready': 1, usage: 2, incomplete: 3 } as const;
export function exitCodeOf(verdict: Verdict): number {
  return verdict === 'ready' ? 0 : verdict === 'not-ready' ? 1 : 3;
}
