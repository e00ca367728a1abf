import type { Report } from '../model/report.js';

/**
 * DESIGN.md's JSON contract: the report model as it is, keys in contract order. `score` is null when
 * the target could not be tested (`scoreNote` says why).
 */
export function renderJson(report: Report): string {
  const ordered = {
    tool: report.tool,
    target: report.target,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    verdict: report.verdict,
    incomplete: report.incomplete,
    score: report.score,
    scorecard: report.scorecard,
    findings: report.findings,
    blockers: report.blockers,
    accessMatrix: report.accessMatrix,
    latency: report.latency,
    stats: report.stats,
    ...(report.facts ? { facts: report.facts } : {}),
    ...(report.suppressed ? { suppressed: report.suppressed } : {}),
    // Added after the first contract: coverage, waivers, blocker groups and the sprint plan.
    ...(report.scoreNote !== undefined ? { scoreNote: report.scoreNote } : {}),
    ...(report.coverage ? { coverage: report.coverage } : {}),
    ...(report.waivers ? { waivers: report.waivers } : {}),
    ...(report.blockerGroups ? { blockerGroups: report.blockerGroups } : {}),
    ...(report.sprint ? { sprint: report.sprint } : {}),
  };
  return JSON.stringify(ordered, null, 2) + '\n';
}
