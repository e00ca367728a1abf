import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import { parseSetCookie } from '../identity/cookies.js';
import { requestAs } from '../identity/request-as.js';
import { credentialHeaders, isCookieSession, PROFILE_PATH, sessionsGatherer, type Session } from '../identity/session.js';
import type { HttpExchange } from '../net/http.js';
import { hostileOrigins } from '../surface/cors-probe.js';
import { apiSurfaceGatherer, type Route } from '../surface/routes.js';
import { sampleFromSchema, schemaFields } from '../surface/sample-body.js';
import { createdId } from './fuzz.js';
import { abuseMarker } from './random.js';
import { isFatal } from './send.js';

/**
 * Cross-site request forgery, tried with requests that cannot damage data: the cookie identity's
 * own profile set to the value it already has, or a throw-away object the tool creates and deletes.
 * Each write is sent twice: as a forged cross-site request (cookie only, foreign Origin and Referer,
 * no token) and as the app's own page would send it (with the token), so a rejection can be told
 * from a request that was broken anyway.
 */
export interface SessionCookieInfo {
  name: string;
  sameSite?: string;
  httpOnly: boolean;
  secure: boolean;
}

export interface CsrfAttempt {
  identity: string;
  write: string;
  kind: 'profile-update' | 'throwaway-create';
  attack: HttpExchange;
  control?: HttpExchange;
  cleanup: HttpExchange[];
}

export interface CsrfSessionEvidence {
  identity: string;
  cookies: SessionCookieInfo[];
  /** The app handed this session a CSRF token (cookie or body). */
  tokenIssued: boolean;
  attempts: CsrfAttempt[];
  notTested?: string;
}

export interface CsrfEvidence {
  sessions: CsrfSessionEvidence[];
  foreignOrigin: string;
}

const CSRF_COOKIE = /^(?:_?csrf(?:[-_]?token)?|xsrf-token|_xsrf|csrftoken)$/i;
const PROFILE_FIELDS = /^(?:name|display_?name|displayName|first_?name|firstName|last_?name|lastName|full_?name|fullName|nickname|bio|locale|timezone|time_?zone|language)$/;
const MAX_CANDIDATES = 3;

function cookieInfo(s: Session): SessionCookieInfo[] {
  const names = new Set(s.jar.entries().map(([k]) => k));
  const out = new Map<string, SessionCookieInfo>();
  for (const ex of s.loginExchanges) {
    for (const raw of ex.response?.setCookies ?? []) {
      const c = parseSetCookie(raw);
      if (!c || !names.has(c.name) || CSRF_COOKIE.test(c.name)) continue;
      out.set(c.name, { name: c.name, ...(c.sameSite !== undefined ? { sameSite: c.sameSite } : {}), httpOnly: c.httpOnly, secure: c.secure });
    }
  }
  if (out.size === 0) for (const n of names) if (!CSRF_COOKIE.test(n)) out.set(n, { name: n, httpOnly: false, secure: false });
  return [...out.values()];
}

interface Candidate {
  kind: CsrfAttempt['kind'];
  route: Route;
  body: () => Promise<unknown | undefined>;
  deletePath?: (created: HttpExchange) => string | undefined;
}

function candidates(ctx: GatherContext, s: Session, routes: Route[], marker: string): Candidate[] {
  const base = ctx.target.baseUrl!;
  const out: Candidate[] = [];
  const allowed = (r: Route): boolean => r.auth !== false && (!r.roles || r.roles.includes(s.role));
  for (const r of routes) {
    if (r.method !== 'PATCH' || r.path.includes('{') || !PROFILE_PATH.test(r.path) || !allowed(r)) continue;
    if (!routes.some((g) => g.method === 'GET' && g.path === r.path)) continue;
    out.push({
      kind: 'profile-update',
      route: r,
      body: async () => {
        const cur = await requestAs(ctx.http, s, base, { url: new URL(r.path, base), area: 'cors-csrf' });
        const profile = cur.response && cur.response.status < 300 ? (cur.response.json() as Record<string, unknown> | undefined) : undefined;
        if (!profile || typeof profile !== 'object') return undefined;
        const declared = schemaFields(r.requestSchema);
        const required = Array.isArray((r.requestSchema as { required?: unknown })?.required) ? ((r.requestSchema as { required: unknown[] }).required.map(String)) : [];
        const fields = (declared.length ? declared : Object.keys(profile)).filter((f) => PROFILE_FIELDS.test(f) || required.includes(f));
        const body = Object.fromEntries(fields.filter((f) => ['string', 'number', 'boolean'].includes(typeof profile[f])).map((f) => [f, profile[f]]));
        if (Object.keys(body).length === 0 || required.some((f) => !(f in body))) return undefined;
        return body;
      },
    });
  }
  for (const r of routes) {
    if (r.method !== 'POST' || r.path.includes('{') || !allowed(r) || !r.requestSchema) continue;
    const item = routes.find((d) => d.method === 'DELETE' && d.path.startsWith(`${r.path}/{`) && d.path.split('/').length === r.path.split('/').length + 1);
    if (!item) continue;
    out.push({
      kind: 'throwaway-create',
      route: r,
      body: async () => sampleFromSchema(r.requestSchema, { marker }),
      deletePath: (created) => {
        const id = createdId(created, 'id');
        return id ? `${r.path}/${encodeURIComponent(id)}` : undefined;
      },
    });
  }
  return out.slice(0, MAX_CANDIDATES);
}

export const csrfProbeGatherer = defineGatherer<CsrfEvidence>({
  id: 'abuse/csrf-probe',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const { sessions } = await ctx.gather(sessionsGatherer);
    const cookieSessions = [...sessions.values()].filter(isCookieSession).slice(0, 2);
    if (cookieSessions.length === 0) throw new NotApplicable('no identity logs in with a cookie session: CSRF only concerns cookie-authenticated writes (add an identity with a form or cookie login to test it)');
    let routes: Route[] = [];
    try {
      routes = (await ctx.gather(apiSurfaceGatherer)).routes;
    } catch (err) {
      if (isFatal(err)) throw err;
    }
    const foreign = hostileOrigins(base)['foreign-origin'];
    const marker = abuseMarker(ctx.options.seed);
    const out: CsrfEvidence = { sessions: [], foreignOrigin: foreign };
    for (const s of cookieSessions) {
      const ev: CsrfSessionEvidence = { identity: s.identity, cookies: cookieInfo(s), tokenIssued: !!s.csrfToken || s.jar.entries().some(([k]) => CSRF_COOKIE.test(k)), attempts: [] };
      const list = candidates(ctx, s, routes, marker);
      if (list.length === 0) ev.notTested = 'no harmless write to try: no PATCH of the identity\'s own profile and no create route with a DELETE to undo it';
      for (const c of list) {
        const body = await c.body();
        if (body === undefined) continue;
        const url = new URL(c.route.path, base);
        const attack = await ctx.http.request({
          method: c.route.method,
          url,
          // What a forged page gets the browser to send: the cookies, a foreign Origin and Referer, no token.
          headers: { ...credentialHeaders(s, { write: false }), origin: foreign, referer: `${foreign}/launchready-csrf.html` },
          json: body,
          credentialed: true,
          identity: s.identity,
          area: 'cors-csrf',
        });
        const attempt: CsrfAttempt = { identity: s.identity, write: `${c.route.method} ${c.route.path}`, kind: c.kind, attack, cleanup: [] };
        const ok = (ex?: HttpExchange): boolean => !!ex?.response && ex.response.status >= 200 && ex.response.status < 300;
        const undo = async (created: HttpExchange): Promise<void> => {
          const path = c.deletePath?.(created);
          if (path) attempt.cleanup.push(await requestAs(ctx.http, s, base, { method: 'DELETE', url: new URL(path, base), headers: { origin: base.origin }, area: 'cors-csrf' }));
        };
        if (ok(attack)) {
          await undo(attack);
        } else {
          attempt.control = await requestAs(ctx.http, s, base, { method: c.route.method, url, headers: { origin: base.origin, referer: base.href }, json: body, area: 'cors-csrf' });
          if (ok(attempt.control)) await undo(attempt.control);
        }
        ev.attempts.push(attempt);
        // One conclusive write per identity is enough.
        if (ok(attack) || ok(attempt.control)) break;
      }
      out.sessions.push(ev);
    }
    return out;
  },
});
