import { AREA_TITLES, FIX_ORDER, type Area } from './area.js';
import { effortEstimateOf, effortHours } from './effort.js';
import type { Finding, Location } from './finding.js';
import { SEVERITY_RANK, atLeast, type Severity } from './severity.js';

/**
 * Blockers grouped by root cause: one group per (check, fix). "alice can read other tenants'
 * objects" on five routes is one blocker listing the five routes, not five blockers: one fix
 * closes them all. Groups are ordered by severity first (critical before high), then the
 * checklist's fix order (FIX_ORDER), then a stable tiebreak (check id, fix, places) so the same
 * audit twice gives the same order.
 */
export interface BlockerGroup {
  /** Stable: the check and a short hash-free key of the fix (the first finding id of the group). */
  id: string;
  check: string;
  area: Area;
  /** The worst severity among the group's findings. */
  severity: Severity;
  title: string;
  /** The check's own title, when the run knew it. */
  checkTitle?: string;
  fix: string;
  /** Finding ids of the group, worst first. */
  findings: string[];
  /** Where: one line per place (route, file, record), in the findings' order. */
  places: string[];
  effort: { hours: number; basis: string };
}

/** One line that says where a finding is (routes without their origin are easier to read in a list). */
export function placeOf(l: Location): string {
  const parts: string[] = [];
  if (l.url) {
    let url = l.url;
    try {
      const u = new URL(l.url);
      url = `${u.pathname}${u.search}`;
      try {
        url = decodeURI(url);
      } catch {
        /* not valid percent-encoding: keep it encoded */
      }
    } catch {
      /* keep the text as it is */
    }
    parts.push(`${l.method ? `${l.method} ` : ''}${url}`);
  }
  if (l.file) parts.push(`${l.file}${l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : ''}${l.commit ? ` @ ${l.commit.slice(0, 10)}` : ''}`);
  if (l.domain) parts.push(`${l.record ? `${l.record} ` : ''}${l.domain}`);
  else if (l.record) parts.push(l.record);
  if (l.detail) parts.push(`(${l.detail})`);
  return parts.join(' ') || 'the whole target';
}

function noun(findings: readonly Finding[]): string {
  if (findings.every((f) => f.location.url)) return 'routes';
  if (findings.every((f) => f.location.file)) return 'files';
  if (findings.every((f) => f.location.domain || f.location.record)) return 'records';
  return 'places';
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function isBlocker(f: Finding): boolean {
  return f.status === 'fail' && atLeast(f.severity, 'medium');
}

/**
 * Groups the failing findings at medium or above. `checkTitles` (check id → the check's title)
 * names a group of several places in the checklist's words.
 */
export function blockerGroupsOf(findings: readonly Finding[], checkTitles: ReadonlyMap<string, string> = new Map()): BlockerGroup[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!isBlocker(f)) continue;
    const key = `${f.check}\u0000${f.fix}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const out: BlockerGroup[] = [];
  for (const list of groups.values()) {
    // Worst first, then by place so the order inside a group is stable too.
    const sorted = [...list].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || cmp(placeOf(a.location), placeOf(b.location)) || cmp(a.id, b.id));
    const first = sorted[0]!;
    const places = [...new Set(sorted.map((f) => placeOf(f.location)))];
    const titles = new Set(sorted.map((f) => f.title));
    const title =
      sorted.length === 1 || places.length === 1
        ? first.title
        : titles.size === 1
          ? `${first.title} (on ${places.length} ${noun(sorted)})`
          : `${first.title} (and the same on ${places.length - 1} more ${noun(sorted)})`;
    const estimate = effortEstimateOf(first.check, first.area);
    out.push({
      id: first.id,
      check: first.check,
      area: first.area,
      severity: first.severity,
      title,
      ...(checkTitles.has(first.check) ? { checkTitle: checkTitles.get(first.check)! } : {}),
      fix: first.fix,
      findings: sorted.map((f) => f.id),
      places,
      effort: { hours: effortHours(estimate, places.length), basis: estimate.basis },
    });
  }
  return out.sort(compareGroups);
}

/** Severity first, then the checklist's fix order, then check id, fix and places (never the run's order). */
export function compareGroups(a: BlockerGroup, b: BlockerGroup): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    FIX_ORDER.indexOf(a.area) - FIX_ORDER.indexOf(b.area) ||
    cmp(a.check, b.check) ||
    cmp(a.fix, b.fix) ||
    cmp(a.places.join('\n'), b.places.join('\n'))
  );
}

/** One sentence for a group: "[high] Tenant isolation and roles — title". */
export function groupHeadline(g: BlockerGroup): string {
  return `[${g.severity}] ${AREA_TITLES[g.area]} — ${g.title}`;
}
