import { AREAS, FIX_ORDER, type Area } from './area.js';
import type { Finding, Status } from './finding.js';
import { SEVERITY_RANK, SEVERITY_WEIGHT, atLeast, type FailOn } from './severity.js';

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
  score: number;
  scorecard: ScorecardRow[];
  findings: Finding[];
  blockers: string[];
  accessMatrix: AccessMatrixRow[];
  latency: Record<string, LatencySummary>;
  stats: RunStats;
  /** Extra facts for the handover (DNS records, certificates, env inventory …), keyed by topic. */
  facts?: Record<string, unknown>;
  /** Findings hidden by a baseline or suppression, with the reason (counted, never judged). */
  suppressed?: Array<{ id: string; reason: string; expires?: string }>;
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

/** Failing findings at or above medium, in fix order: area order first, then severity. */
export function blockersOf(findings: Finding[]): string[] {
  return findings
    .filter((f) => f.status === 'fail' && atLeast(f.severity, 'medium'))
    .map((f, index) => ({ f, index }))
    .sort(
      (a, b) =>
        FIX_ORDER.indexOf(a.f.area) - FIX_ORDER.indexOf(b.f.area) ||
        SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] ||
        a.index - b.index,
    )
    .map(({ f }) => f.id);
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
