import { applyBaseline, loadBaseline, loadInlineSuppressions, type BaselineEntry } from '../model/baseline.js';
import type { Report } from '../model/report.js';
import type { FailOn } from '../model/severity.js';

/**
 * Accepted findings leave the verdict, the score and every output format: entries from a baseline
 * file (--baseline or `baseline:` in the config) and inline `launchready-ignore` comments next to
 * file findings under `repoDir`.
 */
export async function applyAcceptedFindings(report: Report, opts: { baselineFile?: string; repoDir?: string; failOn: FailOn; now?: Date }): Promise<Report> {
  const entries: BaselineEntry[] = [];
  if (opts.baselineFile) entries.push(...(await loadBaseline(opts.baselineFile)));
  if (opts.repoDir && report.findings.some((f) => f.location.file)) entries.push(...loadInlineSuppressions(report.findings, opts.repoDir));
  if (entries.length === 0) return report;
  return applyBaseline(report, entries, opts.now ?? new Date(), { failOn: opts.failOn });
}
