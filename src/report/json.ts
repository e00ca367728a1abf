import type { Report } from '../model/report.js';

/** DESIGN.md's JSON contract: the report model as it is, keys in contract order. */
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
  };
  return JSON.stringify(ordered, null, 2) + '\n';
}
