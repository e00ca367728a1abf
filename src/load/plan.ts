import { DURATION_RULE, parseDuration as parseDurationRule } from '../config/duration.js';
import type { Config } from '../config/schema.js';
import { credentialHeaders, type Session } from '../identity/session.js';
import { isExcluded, parseRouteString, type Route } from '../surface/routes.js';
import { CONSERVATIVE_MAX_RATE, OWNERSHIP_FLAG, SAFE_METHODS, type LoadAction } from './generator.js';

/**
 * From launchready.yml (`load:`), the API surface and the logged-in identities to the actions the
 * generator sends. Knowledge that is not in the config schema (how many actions by default, the
 * ownership flag, run counts for tests) arrives as `LoadSettings` from the command line or a test.
 */

export interface LoadSettings {
  /** The user owns the target: rates above CONSERVATIVE_MAX_RATE are allowed. */
  ownsTarget?: boolean;
  /** Default actions taken from the surface (default 10). */
  maxActions?: number;
  /** Cap on requests sent by the load phase (warm-up included). */
  maxRequests?: number;
  /** Open model: connections per origin. */
  connections?: number;
  /** Per-request deadline, ms (default: the config's budget.timeoutMs). */
  timeoutMs?: number;
  /** Page-vitals runs per page (default 3, never fewer than 1). */
  browserRuns?: number;
  /** Per-navigation deadline for page vitals, ms (default 30000). */
  browserTimeoutMs?: number;
  /** Chromium binary (default env LAUNCHREADY_CHROMIUM, then /usr/bin/chromium). */
  chromiumPath?: string;
}

/** What `audit` sends when `load:` does not say: small, so the whole performance phase stays short. */
export const AUDIT_LOAD_DEFAULTS = { rate: 20, durationMs: 5000, warmupMs: 1000, maxActions: 10 } as const;

/** The config's one duration rule (src/config/duration.ts): `30s`, `500ms`, `2m`, `1h`; a bare number is milliseconds. */
export function parseDuration(value: number | string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const ms = parseDurationRule(value);
  if (ms === undefined) throw new Error(`"${value}" is not a duration (expected ${DURATION_RULE})`);
  return ms;
}

export interface ActionChoice {
  actions: LoadAction[];
  /** Routes left out, with the reason (shown in the report). */
  skipped: Array<{ route: string; reason: string }>;
}

/** Routes that are unsafe or pointless to hammer even when they are GETs. */
const NOT_A_CORE_READ = /logout|signout|sign-out|delete|remove|export|download|reset|verify|confirm|unsubscribe|callback|webhook|stream|events|\.csv$/i;

/** The surface's safe, parameter-free GET routes: the default core actions. */
export function defaultCoreRoutes(routes: readonly Route[], exclude: readonly string[], limit: number): Route[] {
  return routes.filter((r) => r.method === 'GET' && !r.path.includes('{') && !NOT_A_CORE_READ.test(r.path) && !isExcluded(r, exclude)).slice(0, limit);
}

interface WantedAction {
  method: string;
  path: string;
  weight: number;
  identity?: string;
  /** From the surface: does the route need credentials, and which roles may call it. */
  auth?: boolean;
  roles?: string[];
}

/**
 * Turns the wanted routes into actions. Authenticated routes are spread over every logged-in
 * identity allowed to call them (a few users, not one), each request carrying that identity's
 * credentials; a route pinned to an identity uses only that one.
 */
export function chooseActions(opts: {
  base: URL;
  config: Config;
  surface?: readonly Route[];
  sessions: ReadonlyMap<string, Session>;
  loginFailures?: ReadonlyMap<string, string>;
  maxActions: number;
  allowWrites: boolean;
}): ActionChoice {
  const skipped: ActionChoice['skipped'] = [];
  const wanted: WantedAction[] = [];
  const configured = opts.config.load?.actions ?? [];
  const surfaceRoute = (method: string, path: string): Route | undefined => opts.surface?.find((r) => r.method === method && r.path === path);
  if (configured.length > 0) {
    for (const a of configured) {
      const spec = typeof a === 'string' ? { route: a, weight: 1 } : a;
      const parsed = parseRouteString(spec.route);
      if (!parsed) {
        skipped.push({ route: spec.route, reason: 'not a route like "GET /api/invoices"' });
        continue;
      }
      const known = surfaceRoute(parsed.method, parsed.path);
      wanted.push({
        method: parsed.method,
        path: parsed.path,
        weight: spec.weight ?? 1,
        ...('identity' in spec && spec.identity ? { identity: spec.identity } : {}),
        ...(known?.auth !== undefined ? { auth: known.auth } : {}),
        ...(known?.roles ? { roles: known.roles } : {}),
      });
    }
  } else {
    for (const r of defaultCoreRoutes(opts.surface ?? [], opts.config.api.exclude, opts.maxActions))
      wanted.push({ method: r.method, path: r.path, weight: 1, ...(r.auth !== undefined ? { auth: r.auth } : {}), ...(r.roles ? { roles: r.roles } : {}) });
  }

  const actions: LoadAction[] = [];
  const sessions = [...opts.sessions.values()];
  for (const w of wanted) {
    const name = `${w.method} ${w.path}`;
    if (w.path.includes('{')) {
      skipped.push({ route: name, reason: 'has path parameters: list a concrete path instead (e.g. GET /api/invoices/7)' });
      continue;
    }
    if (!SAFE_METHODS.has(w.method) && !opts.allowWrites) {
      skipped.push({ route: name, reason: 'a write: load sends only GET and HEAD unless writes are allowed (--allow-writes)' });
      continue;
    }
    if (isExcluded({ method: w.method, path: w.path }, opts.config.api.exclude)) {
      skipped.push({ route: name, reason: 'excluded by api.exclude' });
      continue;
    }
    const url = new URL(w.path, opts.base);
    if (w.identity) {
      const s = opts.sessions.get(w.identity);
      if (!s) {
        const why = opts.loginFailures?.get(w.identity);
        skipped.push({ route: name, reason: why ? `identity ${w.identity} could not log in (${why})` : `identity ${w.identity} is not configured` });
        continue;
      }
      actions.push({ name, method: w.method, url, headers: credentialHeaders(s), weight: w.weight, identity: s.identity });
      continue;
    }
    if (w.auth === false) {
      actions.push({ name, method: w.method, url, weight: w.weight });
      continue;
    }
    const allowed = w.roles ? sessions.filter((s) => w.roles!.includes(s.role)) : sessions;
    if (allowed.length === 0) {
      if (w.roles && sessions.length > 0) {
        skipped.push({ route: name, reason: `needs role ${w.roles.join(' or ')} and no logged-in identity has it` });
        continue;
      }
      if (w.auth === true) {
        skipped.push({ route: name, reason: 'needs credentials and no identity is logged in (add identities: to launchready.yml)' });
        continue;
      }
      actions.push({ name, method: w.method, url, weight: w.weight });
      continue;
    }
    for (const s of allowed) actions.push({ name, method: w.method, url, headers: credentialHeaders(s), weight: w.weight / allowed.length, identity: s.identity });
  }
  return { actions, skipped };
}

/** The rate the audit may use: the config's, capped at the conservative ceiling unless the user owns the target. */
export function auditRate(config: Config, ownsTarget: boolean): { rate?: number; concurrency?: number; note?: string } {
  const load = config.load;
  if (load?.concurrency !== undefined && load.rate === undefined) return { concurrency: load.concurrency };
  const wanted = load?.rate ?? AUDIT_LOAD_DEFAULTS.rate;
  if (wanted > CONSERVATIVE_MAX_RATE && !ownsTarget)
    return { rate: CONSERVATIVE_MAX_RATE, note: `load.rate ${wanted}/s was capped at ${CONSERVATIVE_MAX_RATE}/s: pass ${OWNERSHIP_FLAG} to confirm you own this target` };
  return { rate: wanted };
}

/** How long the audit's load phase can take: warm-up plus duration (unparseable values count as defaults). */
export function loadTimeMs(config: { load?: { duration?: number | string; warmup?: number | string } }): number {
  const safe = (v: number | string | undefined, d: number): number => {
    try {
      return parseDuration(v, d);
    } catch {
      return d;
    }
  };
  return safe(config.load?.duration, AUDIT_LOAD_DEFAULTS.durationMs) + safe(config.load?.warmup, AUDIT_LOAD_DEFAULTS.warmupMs);
}
