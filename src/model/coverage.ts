import { AREAS, AREA_TITLES, type Area } from './area.js';
import type { Finding } from './finding.js';

/**
 * Coverage decides readiness: `ready` needs every checklist area tested, or waived in
 * launchready.yml with a reason (`waive: { email: "this product sends no mail" }`). An area whose
 * checks all skipped (or errored) was not tested, and "not tested" is never "pass".
 *
 * - `tested`: at least one check of the area judged something (pass, warn or fail) and every
 *   essential item of the area (tenant isolation for authorization …) was judged.
 * - `partial`: the area was judged, but an essential item was not (it lists which, with the config to add).
 * - `untested`: no check of the area judged anything.
 * - `waived`: not tested, and launchready.yml waives it with a reason.
 * - `not-selected`: left out of this run on purpose (--only / --skip, or a command that covers
 *   other areas): the verdict speaks for the selected areas only, and says so.
 */
export type CoverageState = 'tested' | 'partial' | 'untested' | 'waived' | 'not-selected';

export interface AreaCoverage {
  area: Area;
  state: CoverageState;
  /** The waiver's reason (waived), or why the area was not tested: the checks' own skip reasons. */
  reason?: string;
  /** The exact config to add so the area is tested (untested, partial). */
  hint?: string;
  /** Essential items of the area that were not judged (partial, untested). */
  missing?: string[];
}

export interface Waiver {
  area: Area;
  reason: string;
}

/** An item of the checklist whose absence makes its area untested, however much else of it passed. */
interface EssentialItem {
  check: string;
  item: string;
  hint: string;
}

/**
 * Checklist items a single passing check of the area cannot stand in for. Only applied when the
 * check is part of the run (registered and selected).
 */
export const ESSENTIAL_ITEMS: Partial<Record<Area, EssentialItem[]>> = {
  authorization: [
    {
      check: 'authorization/bola',
      item: 'tenant isolation',
      hint: 'add two identities in different tenants (identities: { alice: { tenant: acme, login: … }, bob: { tenant: globex, login: … } }) — see docs/identities.md',
    },
  ],
  authentication: [
    {
      check: 'authentication/missing-auth',
      item: 'protected routes refuse anonymous requests',
      hint: 'describe the API (api.openapi: /openapi.json or api.routes: ["GET /api/invoices/{id}"]) so every route can be requested without credentials',
    },
  ],
};

/** What to add to launchready.yml so an area is tested (or how to waive it). */
export const AREA_HINTS: Record<Area, string> = {
  authentication:
    'describe the API (api.openapi or api.routes) and add an identity with a login (identities: { alice: { login: { kind: json, url: /api/login, json: … } } }) — see docs/identities.md',
  authorization: 'add two identities in different tenants (identities: { alice: { tenant: acme, … }, bob: { tenant: globex, … } }) — see docs/identities.md',
  session: 'add an identity that logs in (identities:) with logout: and endpoints.passwordChange / passwordReset — see docs/identities.md',
  secrets: 'point repo: at the repository (repo: .) and, for built assets, secrets: { bundles: [dist] }',
  'input-validation': 'describe the API (api.openapi: /openapi.json or api.routes: ["GET /api/items/{id}"])',
  'rate-limiting': 'name the endpoints to throttle (endpoints: { login: /api/login, signup: /api/signup, passwordReset: /api/password-reset })',
  'cors-csrf': 'give the target URL (target: https://app.example.com) and trustedOrigins: the origins your front-end uses',
  logging: 'point secrets.logs at your log files (repo: . and secrets: { logs: ["logs/*.log"] })',
  'domain-tls': 'list the public hostnames (domains: [app.example.com, example.com]) or audit the https:// URL',
  edge: 'audit the public https:// URL (target:) or list domains: so the CDN/WAF and headers are judged',
  email: 'configure the sending domain (mail: { domain: example.com, dkimSelectors: [s1] })',
  performance: 'name the core actions to measure (load: { actions: ["GET /api/invoices"] })',
  monitoring: 'set the health endpoint (endpoints: { health: /healthz }) and monitor: probes',
  deployment: 'point repo: at the repository with secrets: { envFile: .env.production }, and list webhooks:',
};

export interface CoverageInput {
  findings: readonly Finding[];
  /** Areas the run was asked to judge (after --only/--skip and the command's own scope). */
  selected: ReadonlySet<Area>;
  /** Check ids that were part of the run. */
  checksRun?: ReadonlySet<string>;
  waivers?: readonly Waiver[];
}

const JUDGED = new Set(['pass', 'warn', 'fail']);

export function coverageOf(input: CoverageInput): AreaCoverage[] {
  const waived = new Map((input.waivers ?? []).map((w) => [w.area, w.reason]));
  return AREAS.map((area): AreaCoverage => {
    if (!input.selected.has(area)) return { area, state: 'not-selected' };
    const mine = input.findings.filter((f) => f.area === area);
    const judged = mine.some((f) => JUDGED.has(f.status));
    const missing: EssentialItem[] = [];
    if (judged)
      for (const item of ESSENTIAL_ITEMS[area] ?? []) {
        if (input.checksRun && !input.checksRun.has(item.check)) continue;
        const own = mine.filter((f) => f.check === item.check);
        if (own.length === 0 && !input.checksRun) continue;
        if (!own.some((f) => JUDGED.has(f.status))) missing.push(item);
      }
    const waiver = waived.get(area);
    if (judged && missing.length === 0) return { area, state: 'tested', ...(waiver ? { reason: `waived, and tested anyway: ${waiver}` } : {}) };
    if (waiver !== undefined) return { area, state: 'waived', reason: waiver };
    const reasons = [...new Set(mine.filter((f) => f.status === 'skip' || f.status === 'error').map((f) => f.reason).filter((r): r is string => !!r))];
    const reason = reasons.length ? reasons.slice(0, 3).join('; ') + (reasons.length > 3 ? ` (and ${reasons.length - 3} more)` : '') : mine.length === 0 ? 'no check of this area ran' : undefined;
    if (judged)
      return {
        area,
        state: 'partial',
        missing: missing.map((m) => m.item),
        hint: missing.map((m) => `${m.item}: ${m.hint}`).join('; '),
        ...(reasonOfItems(mine, missing) ? { reason: reasonOfItems(mine, missing)! } : {}),
      };
    return { area, state: 'untested', hint: AREA_HINTS[area], ...(reason ? { reason } : {}) };
  });
}

function reasonOfItems(findings: readonly Finding[], items: readonly EssentialItem[]): string | undefined {
  const reasons = [...new Set(findings.filter((f) => items.some((i) => i.check === f.check) && f.reason).map((f) => f.reason!))];
  return reasons.length ? reasons.join('; ') : undefined;
}

/** Areas that keep a run from `ready`. */
export function coverageGaps(coverage: readonly AreaCoverage[]): AreaCoverage[] {
  return coverage.filter((c) => c.state === 'untested' || c.state === 'partial');
}

/** One line per gap, for `report.incomplete`: what was not tested, why, and the config to add. */
export function coverageGapLine(c: AreaCoverage): string {
  const title = AREA_TITLES[c.area];
  if (c.state === 'partial') return `${c.missing?.join(', ') ?? title} (${c.area}) was not tested${c.reason ? ` (${c.reason})` : ''} — ${c.hint ?? AREA_HINTS[c.area]}`;
  return `${title} (${c.area}) was not tested${c.reason ? ` (${c.reason})` : ''} — ${c.hint ?? AREA_HINTS[c.area]}, or waive it (waive: { ${c.area}: "why it does not apply" })`;
}

export function coverageSummary(coverage: readonly AreaCoverage[]): { tested: number; waived: number; untested: number; notSelected: number; total: number } {
  const n = (s: CoverageState[]): number => coverage.filter((c) => s.includes(c.state)).length;
  return { tested: n(['tested']), waived: n(['waived']), untested: n(['untested', 'partial']), notSelected: n(['not-selected']), total: coverage.length };
}
