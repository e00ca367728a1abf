import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { algNone, crackHmacSecret, decodeJwt, signHmacJwt, stripSignature, tamperedPayload, type DecodedJwt } from '../../identity/jwt.js';
import { appNameHints } from '../../identity/weak-jwt-secrets.js';
import { requestAs } from '../../identity/request-as.js';
import { credentialHeaders, loginCredentials, type Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { redactedValue } from '../../net/redact.js';
import type { RedactedValue } from '../../model/finding.js';
import type { AccessMatrixRow } from '../../model/report.js';
import { apiSurfaceGatherer, type Route } from '../../surface/routes.js';
import { templateMatcher } from '../../surface/object-ids.js';
import { inventoryGatherer, resolvePath, whyUnresolved, type Inventory } from '../authorization/inventory.js';
import { carriesData, identifyingValues, isSuccess, statusText, valuesIn, type DataVerdict } from '../../checks/authentication/content.js';

/**
 * For every route that should need credentials: what an authorised identity gets (the baseline),
 * then the same request with no credentials and with a malformed one; on a few routes, the
 * identity's JWT stripped of its signature, with `alg: none`, with a tampered payload, and — when
 * its HMAC secret is in the weak-secret dictionary — a token re-signed by us.
 */

export type AttemptKind = 'no-credentials' | 'malformed-token' | 'jwt-signature-stripped' | 'jwt-alg-none' | 'jwt-tampered-payload' | 'jwt-resigned-weak-secret';

export interface AuthAttempt {
  kind: AttemptKind;
  exchange: HttpExchange;
  verdict: DataVerdict;
}

export interface RouteAuthResult {
  route: Route;
  /** The concrete path tried. */
  path: string;
  baseline?: { identity: string; exchange: HttpExchange };
  attempts: AuthAttempt[];
  /** Why this route could not be judged (every identity refused, no ids to fill in …). */
  notTested?: string;
  /** Values of a configured identity (its profile, its objects) found in the anonymous response. */
  anonymousMatches?: string[];
  /** The run had no identity that could log in: the anonymous answer is judged by its content alone. */
  withoutIdentities?: boolean;
}

export interface JwtFacts {
  identity: string;
  carrier: string;
  alg: string;
  claims: string[];
  hasExp: boolean;
  /** Lifetime in seconds (exp − iat, or exp − now when iat is missing). */
  lifetimeSeconds?: number;
  /** The token that was examined (redacted). */
  token: RedactedValue;
  /** The dictionary secret that signs it (redacted), when found. */
  weakSecret?: RedactedValue;
  loginExchange?: HttpExchange;
}

export interface AuthProbe {
  results: RouteAuthResult[];
  jwts: JwtFacts[];
  /** How many identities could be used (0: only anonymous requests were judged). */
  identities: number;
}

const AUTH_FLOW_PATH = /\/auth\/(?:challenge|session|token|login|callback|nonce)|log-?in|sign-?in|sign-?up|register|password-?reset|forgot|reset-?password|invites?\/accept|oauth|callback|webhooks?|health|status$|metrics|\.well-known|openapi|swagger|docs?$/i;

/** Where an identity's JWT travels, and how to send a substitute in its place. */
export function jwtOf(s: Session): { token: string; carrier: string; headersWith: (t: string) => Record<string, string> } | undefined {
  const base = credentialHeaders(s);
  if (s.bearer && decodeJwt(s.bearer)) return { token: s.bearer, carrier: 'Authorization: Bearer', headersWith: (t) => ({ ...base, authorization: `Bearer ${t}` }) };
  if (s.header && decodeJwt(s.header.value)) {
    const name = s.header.name.toLowerCase();
    return { token: s.header.value, carrier: `${s.header.name} header`, headersWith: (t) => ({ ...base, [name]: t }) };
  }
  for (const [name, value] of s.jar.entries()) {
    let v = value;
    try {
      v = decodeURIComponent(value);
    } catch {
      /* raw */
    }
    if (decodeJwt(v)) {
      return {
        token: v,
        carrier: `cookie ${name}`,
        headersWith: (t) => ({ ...base, cookie: s.jar.entries().map(([k, x]) => `${k}=${k === name ? t : x}`).join('; ') }),
      };
    }
  }
  return undefined;
}

/** The same credentials with the secret part replaced by garbage of the same kind. */
export function malformedHeaders(s: Session): Record<string, string> {
  const h: Record<string, string> = {};
  if (s.bearer) h['authorization'] = decodeJwt(s.bearer) ? 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsYXVuY2hyZWFkeSJ9.bm90LWEtc2lnbmF0dXJl' : 'Bearer launchready-invalid-token';
  if (s.header) h[s.header.name.toLowerCase()] = 'launchready-invalid-key';
  const cookies = s.jar.entries();
  if (cookies.length && !s.bearer && !s.header) h['cookie'] = cookies.map(([k]) => `${k}=launchready-invalid-session`).join('; ');
  return h;
}

function lifetime(jwt: DecodedJwt, now: number): number | undefined {
  const exp = jwt.payload['exp'];
  if (typeof exp !== 'number') return undefined;
  const iat = jwt.payload['iat'];
  return Math.round(typeof iat === 'number' ? exp - iat : exp - now / 1000);
}

/** A concrete path for a route from anonymous recorded calls (HAR, crawl), when no identity can fill it. */
function anonymousExamplePath(route: Route, base: URL): string | undefined {
  if (!route.path.includes('{')) return route.path;
  for (const e of route.examples ?? []) {
    if (e.identity) continue;
    try {
      const p = new URL(e.url, base).pathname;
      if (templateMatcher(route.path).test(p)) return p;
    } catch {
      /* unparseable recorded URL */
    }
  }
  return undefined;
}

export const authProbeGatherer = defineGatherer<AuthProbe>({
  id: 'authentication/probe',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    // Anonymous requests need no identity: without any, every route is still asked without credentials.
    let inv: Inventory | undefined;
    try {
      inv = await ctx.gather(inventoryGatherer);
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
    const allRoutes = inv?.routes ?? (await ctx.gather(apiSurfaceGatherer)).routes;
    const actors = inv ? [...inv.actors.values()] : [];
    const results: RouteAuthResult[] = [];
    const matrix: AccessMatrixRow[] = [];
    // Values that name a configured identity: found in an anonymous answer, they prove a leak.
    const identityValues = new Set<string>();
    if (inv) {
      for (const a of actors) {
        for (const v of identifyingValues(a.profile.body ?? a.session.loginBody)) identityValues.add(v);
        if (a.profile.email) identityValues.add(a.profile.email);
        // The login identifier (an email, not a secret) and what the identity's own pages show.
        const login = ctx.config.identities[a.name] ? loginCredentials(ctx.config.identities[a.name]!).identifier : undefined;
        if (login && login.length >= 6) identityValues.add(login);
      }
      for (const o of inv.objects) for (const v of o.values) identityValues.add(v);
    }
    // `security: []` in the target's spec is not trusted: public-by-spec routes are asked too.
    const routes = allRoutes.filter((r) => !AUTH_FLOW_PATH.test(r.path) && r.method !== 'OPTIONS' && r.method !== 'HEAD').slice(0, 80);
    for (const route of routes) {
      if (ctx.http.remaining < 40) {
        results.push({ route, path: route.path, attempts: [], notTested: 'the request budget ran low before this route' });
        continue;
      }
      const write = route.method !== 'GET';
      if (!inv) {
        const path = write ? undefined : anonymousExamplePath(route, base);
        if (!path) {
          results.push({ route, path: route.path, attempts: [], withoutIdentities: true, notTested: write ? 'writes are only judged against an identity\'s own answer: configure identities' : `no id to fill in for ${route.path} without an identity: configure identities (and identities.<name>.objects if ids cannot be learnt)` });
          continue;
        }
        const anon = await ctx.http.request({ url: new URL(path, base), area: 'authentication' });
        const r: RouteAuthResult = { route, path, attempts: [{ kind: 'no-credentials', exchange: anon, verdict: carriesData(anon) }], withoutIdentities: true };
        results.push(r);
        matrix.push({ method: route.method, path: route.path, identity: 'anonymous', expected: route.auth === false ? 'public (by the spec)' : '401/403 (if private)', observed: statusText(anon), verdict: 'not-tested' });
        continue;
      }
      const eligible = actors.filter((a) => !route.roles || route.roles.includes(a.role));
      const owners = eligible.length ? eligible : actors;
      let filled: { owner: string; path: string } | undefined;
      for (const a of owners) {
        const r = resolvePath(inv, a.name, route, { createdOnly: write });
        if (r) {
          filled = { owner: a.name, path: r.path };
          break;
        }
      }
      if (!filled) {
        results.push({ route, path: route.path, attempts: [], notTested: write ? 'no object created by this run to point the request at (writes never touch existing data)' : owners[0] ? whyUnresolved(inv, owners[0].name, route) : 'no object id of a test identity to fill in' });
        matrix.push({ method: route.method, path: route.path, identity: 'anonymous', expected: '401/403', observed: 'not sent', verdict: 'not-tested' });
        continue;
      }
      const result: RouteAuthResult = { route, path: filled.path, attempts: [] };
      if (!write) {
        // The baseline: an identity allowed to read it must get a 2xx, or nothing can be judged.
        const statuses: string[] = [];
        for (const a of owners.slice(0, 3)) {
          const r = a.name === filled.owner ? filled.path : resolvePath(inv, a.name, route)?.path;
          if (!r) continue;
          const ex = await requestAs(ctx.http, a.session, base, { url: new URL(r, base), area: 'authentication' });
          statuses.push(`${a.name}: ${statusText(ex)}`);
          matrix.push({ method: route.method, path: route.path, identity: a.name, expected: '2xx (own data)', observed: statusText(ex), verdict: isSuccess(ex) ? 'ok' : 'not-tested' });
          if (isSuccess(ex)) {
            result.baseline = { identity: a.name, exchange: ex };
            result.path = r;
            break;
          }
        }
        if (!result.baseline) {
          const allDenied = statuses.every((s) => /: 40[13]$/.test(s));
          result.notTested = allDenied
            ? `every identity was refused (${statuses.join(', ')}), so there is no authorised response to compare with — add an identity that may call it`
            : `no identity got a 2xx answer (${statuses.join(', ')})`;
        }
      }
      const target = new URL(result.path, base);
      const anon = await ctx.http.request({ method: route.method, url: target, area: 'authentication', ...(write ? { json: {} } : {}) });
      result.attempts.push({ kind: 'no-credentials', exchange: anon, verdict: carriesData(anon, result.baseline?.exchange) });
      if (result.baseline) {
        const owner = inv.actors.get(result.baseline.identity)!;
        const mal = await ctx.http.request({ url: target, headers: malformedHeaders(owner.session), area: 'authentication', credentialed: true, identity: `${owner.name} (malformed)` });
        result.attempts.push({ kind: 'malformed-token', exchange: mal, verdict: carriesData(mal, result.baseline.exchange) });
      }
      const noCreds = result.attempts[0]!;
      if (noCreds.exchange.response && isSuccess(noCreds.exchange)) {
        const hits = valuesIn(noCreds.exchange.response, [...identityValues].filter((v) => !result.path.includes(encodeURIComponent(v)) && !result.path.includes(v)));
        if (hits.length) result.anonymousMatches = hits;
      }
      matrix.push({
        method: route.method,
        path: route.path,
        identity: 'anonymous',
        expected: route.auth === true ? '401/403' : '401/403 (if private)',
        observed: statusText(noCreds.exchange),
        verdict: noCreds.verdict.data ? (route.auth === true || result.baseline ? 'leak' : 'ok') : result.baseline || write ? 'ok' : 'not-tested',
      });
      results.push(result);
    }

    // JWTs: judged offline (claims, expiry, weak secret), tampered copies tried on a couple of routes.
    const jwts: JwtFacts[] = [];
    for (const a of actors) {
      const found = jwtOf(a.session);
      if (!found) continue;
      const jwt = decodeJwt(found.token)!;
      const secret = crackHmacSecret(jwt, appNameHints({ claims: jwt.payload, host: base.hostname, ...(ctx.config.mail?.domain ? { mailDomain: ctx.config.mail.domain } : {}) }));
      const life = lifetime(jwt, Date.now());
      jwts.push({
        identity: a.name,
        carrier: found.carrier,
        alg: String(jwt.header['alg']),
        claims: Object.keys(jwt.payload),
        hasExp: typeof jwt.payload['exp'] === 'number',
        ...(life !== undefined ? { lifetimeSeconds: life } : {}),
        token: redactedValue(found.token),
        ...(secret ? { weakSecret: redactedValue(secret) } : {}),
        ...(a.session.loginExchanges.at(-1) ? { loginExchange: a.session.loginExchanges.at(-1)! } : {}),
      });
      // One identity's token tells how the server verifies tokens: tampered copies are sent once.
      const targets = jwts.length === 1 ? results.filter((r) => r.baseline?.identity === a.name && r.route.method === 'GET').slice(0, 2) : [];
      for (const r of targets) {
        if (ctx.http.remaining < 20) break;
        const url = new URL(r.path, base);
        const variants: Array<[AttemptKind, string]> = [
          ['jwt-signature-stripped', stripSignature(jwt)],
          ['jwt-alg-none', algNone(jwt)],
          ['jwt-tampered-payload', tamperedPayload(jwt)],
        ];
        if (secret) {
          const payload: Record<string, unknown> = { ...jwt.payload, launchready_forged: true };
          if (typeof payload['exp'] === 'number') payload['exp'] = Math.floor(Date.now() / 1000) + 3600;
          variants.push(['jwt-resigned-weak-secret', signHmacJwt(jwt.header, payload, secret)]);
        }
        for (const [kind, token] of variants) {
          ctx.http.registerSecret(token);
          const ex = await ctx.http.request({ url, headers: found.headersWith(token), credentialed: true, identity: `${a.name} (${kind})`, area: 'authentication' });
          r.attempts.push({ kind, exchange: ex, verdict: carriesData(ex, r.baseline!.exchange) });
          matrix.push({ method: r.route.method, path: r.route.path, identity: `${a.name} (${kind})`, expected: '401/403', observed: statusText(ex), verdict: r.attempts.at(-1)!.verdict.data ? 'leak' : 'ok' });
        }
      }
    }
    ctx.contribute({ accessMatrix: matrix });
    if (results.length === 0 && jwts.length === 0) throw new NotApplicable('the API surface has no route that should need credentials');
    return { results, jwts, identities: actors.length };
  },
});
