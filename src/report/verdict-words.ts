import { AREA_TITLES } from '../model/area.js';
import type { BlockerGroup } from '../model/blockers.js';
import { coverageGapLine, coverageGaps, coverageSummary, type AreaCoverage } from '../model/coverage.js';
import type { Report } from '../model/report.js';
import { groupsOf, scoreText, sprintOf } from '../model/report.js';
import { phaseOf, sprintVerdict, type SprintPlan } from '../model/sprint.js';

/** Words every renderer shares about the verdict, coverage, blocker groups and the sprint plan. */

export interface CoverageGap {
  area: AreaCoverage['area'];
  /** "Tenant isolation and roles" or "tenant isolation (Tenant isolation and roles)". */
  what: string;
  /** The config to add. */
  hint: string;
  /** Why it was not tested (the checks' skip reasons). */
  why?: string;
}

export function gapsOf(report: Report): CoverageGap[] {
  return coverageGaps(report.coverage ?? []).map((c) => {
    // An unusable target is said once, first; the per-area "why" keeps the other reasons.
    const why = c.reason
      ?.split('; ')
      .filter((r) => report.score !== null || !/the target (\S+ )?could not be tested/.test(r))
      .join('; ');
    return {
      area: c.area,
      what: c.state === 'partial' && c.missing?.length ? `${c.missing.join(', ')} (${AREA_TITLES[c.area]})` : AREA_TITLES[c.area],
      // A single missing item is already named in `what`: its hint need not repeat it.
      hint: c.state === 'partial' ? (c.missing?.length === 1 ? (c.hint ?? '').replace(`${c.missing[0]}: `, '') : (c.hint ?? '')) : `${c.hint ?? ''}, or waive it: waive: { ${c.area}: "why it does not apply" }`,
      ...(why ? { why } : {}),
    };
  });
}

/** `incomplete` reasons other than the coverage gaps (which are shown with their hints). */
export function otherIncomplete(report: Report): string[] {
  const gapLines = new Set(coverageGaps(report.coverage ?? []).map(coverageGapLine));
  return report.incomplete.filter((r) => !gapLines.has(r));
}

/** "Score: 87/100 (12 of 14 areas tested, 2 waived)" or "no score: target not tested (…)". */
export function scoreLine(report: Report): string {
  const text = scoreText(report);
  if (report.score === null || !report.coverage) return text;
  const s = coverageSummary(report.coverage);
  const considered = s.total - s.notSelected;
  const parts = [`${s.tested} of ${considered} areas tested`];
  if (s.waived) parts.push(`${s.waived} waived`);
  if (s.notSelected) parts.push(`${s.notSelected} not selected`);
  return `${text} (${parts.join(', ')})`;
}

export function notSelected(report: Report): string[] {
  return (report.coverage ?? []).filter((c) => c.state === 'not-selected').map((c) => c.area);
}

export function hours(h: number): string {
  const r = Math.round(h * 100) / 100;
  return `${r % 1 === 0 ? r : r.toFixed(2).replace(/0$/, '')} h`;
}

export interface SprintRow {
  from: number;
  to: number;
  title: string;
  groups: BlockerGroup[];
  hours: number;
}

export function sprintRows(report: Report): { plan: SprintPlan; rows: SprintRow[]; verdict: string } {
  const plan = sprintOf(report);
  const byId = new Map(groupsOf(report).map((g) => [g.id, g]));
  const rows = plan.slots.map((s) => ({ from: s.startHour, to: s.endHour, title: s.title, hours: s.hours, groups: s.groups.map((id) => byId.get(id)).filter((g): g is BlockerGroup => !!g) }));
  return { plan, rows, verdict: sprintVerdict(plan) };
}

export { phaseOf };

/** "5 routes: GET /a, GET /b, GET /c and 2 more". */
export function placesText(places: readonly string[], max = 3): string {
  if (places.length === 0) return '';
  const shown = places.slice(0, max).join(', ');
  return places.length > max ? `${shown} and ${places.length - max} more` : shown;
}

export function verdictHeadline(report: Report): string {
  const groups = groupsOf(report).length;
  if (report.verdict === 'not-ready') return `Not ready: fix ${groups === 1 ? 'the blocker' : `the ${groups} blockers`} below, in order${report.incomplete.length ? ', and test what was not tested' : ''}.`;
  if (report.verdict === 'incomplete')
    return report.score === null
      ? 'Incomplete: the target could not be tested, so it is not graded.'
      : 'Incomplete: nothing serious failed in what was tested, but part of the checklist was not tested — not ready until it is tested or waived.';
  return 'Ready: every checklist area was tested or waived, and nothing at or above the failure threshold failed.';
}
