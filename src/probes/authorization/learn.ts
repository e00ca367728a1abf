import type { IdentityConfig } from '../../config/schema.js';
import { getByPointer } from '../../identity/json-pointer.js';
import { decodeJwt } from '../../identity/jwt.js';
import type { Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { fieldFitsParam, namesOf, normalKey, scalarFields, templateMatcher } from '../../surface/object-ids.js';
import { parseRouteString, type Route } from '../../surface/routes.js';

/**
 * Where object ids come from when the API does not hand them out in `id` fields: every response
 * body the run sees (a field whose name or value later fits a route parameter), the login response,
 * the claims of the identity's JWT, `Location` headers, recorded calls (HAR, crawl) made by the
 * identity, and what the config says it owns (`identities.<name>.objects`). All values are tagged
 * with their owner; a value two identities share belongs to neither.
 */

export type LearnSource = 'config' | 'example' | 'login' | 'jwt' | 'profile' | 'list' | 'create' | 'location' | 'page';

export interface LearntValue {
  owner: string;
  /** Names the value can be matched by (normalised): the field, `parent + id`, claim aliases. */
  names: string[];
  field: string;
  value: string;
  source: LearnSource;
  /** Where it was seen, for the report (`POST /api/login`, `JWT claim sub`). */
  where: string;
}

/** A value for one route's parameter that an identity is known to own (config or a recorded call). */
export interface PinnedValue {
  owner: string;
  method?: string;
  path: string;
  values: Record<string, string>;
  source: 'config' | 'example';
}

export interface Learning {
  learnt: LearntValue[];
  pinned: PinnedValue[];
  /** Config entries that could not be used, with why (shown in the report). */
  problems: string[];
}

export function newLearning(): Learning {
  return { learnt: [], pinned: [], problems: [] };
}

const MAX_LEARNT = 4000;

/** Learns every scalar of a JSON body as a value `owner` may own. */
export function learnBody(l: Learning, owner: string, body: unknown, source: LearnSource, where: string, opts: { jwt?: boolean } = {}): void {
  for (const f of scalarFields(body)) {
    if (l.learnt.length >= MAX_LEARNT) return;
    if (l.learnt.some((x) => x.owner === owner && x.value === f.value && x.field === f.field)) continue;
    l.learnt.push({ owner, names: namesOf(f, opts.jwt), field: f.parent ? `${f.parent}.${f.field}` : f.field, value: f.value, source, where });
  }
}

/** The last path segment of a Location header (`/api/carts/77` → cartId-ish value `77`), matched to routes. */
export function learnLocation(l: Learning, owner: string, routes: readonly Route[], location: string | undefined, base: URL, where: string): void {
  if (!location) return;
  let path: string;
  try {
    path = new URL(location, base).pathname;
  } catch {
    return;
  }
  for (const r of routes) {
    if (r.method !== 'GET' || !r.path.includes('{')) continue;
    const m = templateMatcher(r.path).exec(path);
    if (!m) continue;
    const names = [...r.path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]!);
    const values: Record<string, string> = {};
    names.forEach((n, i) => (values[n] = decodeURIComponent(m[i + 1] ?? '')));
    l.pinned.push({ owner, method: 'GET', path: r.path, values, source: 'example' });
    for (const [n, v] of Object.entries(values)) l.learnt.push({ owner, names: [normalKey(n)], field: n, value: v, source: 'location', where });
  }
}

/** Claims of every JWT the session carries (bearer, credential header, cookies). */
export function jwtClaims(s: Session): Array<{ carrier: string; payload: Record<string, unknown> }> {
  const out: Array<{ carrier: string; payload: Record<string, unknown> }> = [];
  const tryToken = (carrier: string, t: string | undefined): void => {
    if (!t) return;
    let v = t;
    try {
      v = decodeURIComponent(t);
    } catch {
      /* raw */
    }
    const jwt = decodeJwt(v.replace(/^Bearer\s+/i, ''));
    if (jwt) out.push({ carrier, payload: jwt.payload });
  };
  tryToken('bearer token', s.bearer);
  tryToken(`${s.header?.name ?? ''} header`, s.header?.value);
  for (const [k, v] of s.jar.entries()) tryToken(`cookie ${k}`, v);
  return out;
}

/** What a login taught: every field of the login responses, the JWT claims, Location headers. */
export function learnSession(l: Learning, owner: string, s: Session, routes: readonly Route[], base: URL): void {
  for (const ex of [...(s.registerExchange ? [s.registerExchange] : []), ...s.loginExchanges]) {
    const where = `${ex.request.method} ${new URL(ex.request.url).pathname}`;
    const body = ex.response?.json();
    if (body !== undefined) learnBody(l, owner, body, 'login', ex === s.registerExchange ? `the signup response (${where})` : `the login response (${where})`);
    learnLocation(l, owner, routes, ex.response?.headers['location'], base, `the login response's Location (${where})`);
  }
  for (const { carrier, payload } of jwtClaims(s)) {
    const claims = Object.fromEntries(Object.entries(payload).filter(([k]) => !/^(?:iat|exp|nbf|jti|iss|aud|typ|alg|scope|scp)$/.test(k)));
    learnBody(l, owner, claims, 'jwt', `a claim of the ${carrier}`, { jwt: true });
  }
}

/** Recorded calls (HAR import, the crawl) made by a configured identity: path values and response bodies. */
export function learnExamples(l: Learning, routes: readonly Route[], identities: ReadonlySet<string>, base: URL): void {
  for (const r of routes) {
    for (const e of r.examples ?? []) {
      if (!e.identity || !identities.has(e.identity)) continue;
      let values = e.pathValues;
      if (!values || Object.keys(values).length === 0) {
        try {
          const m = templateMatcher(r.path).exec(new URL(e.url, base).pathname);
          if (m) {
            values = {};
            [...r.path.matchAll(/\{([^}]+)\}/g)].forEach((x, i) => (values![x[1]!] = decodeURIComponent(m[i + 1] ?? '')));
          }
        } catch {
          /* a recorded URL that does not parse teaches nothing */
        }
      }
      // A recorded call that failed (403/404) does not show ownership.
      const ok = e.status === undefined || (e.status >= 200 && e.status < 300);
      if (values && Object.keys(values).length && ok) l.pinned.push({ owner: e.identity, method: r.method, path: r.path, values, source: 'example' });
      if (ok && e.responseBody && e.responseBody.length < 200_000) {
        try {
          learnBody(l, e.identity, JSON.parse(e.responseBody), 'example', `a recorded ${r.method} ${r.path}`);
        } catch {
          /* not JSON */
        }
      }
      learnLocation(l, e.identity, routes, e.responseHeaders?.['location'], base, `a recorded ${r.method} ${r.path}`);
    }
  }
}

/** `identities.<name>.objects`: literal values, `login:/pointer` into the login response, `jwt:claim`. */
export function learnConfig(l: Learning, owner: string, cfg: IdentityConfig | undefined, s: Session | undefined): void {
  for (const [key, values] of Object.entries(cfg?.objects ?? {})) {
    const parsed = parseRouteString(key) ?? (key.trim().startsWith('/') ? { method: undefined, path: key.trim() } : undefined);
    if (!parsed) continue;
    const out: Record<string, string> = {};
    for (const [param, raw] of Object.entries(values)) {
      let v: string | undefined = raw;
      if (raw.startsWith('login:')) {
        const got = getByPointer(s?.loginBody, raw.slice(6));
        v = typeof got === 'string' || typeof got === 'number' ? String(got) : undefined;
        if (v === undefined) l.problems.push(`identities.${owner}.objects["${key}"].${param}: the login response has nothing at ${raw.slice(6)}`);
      } else if (raw.startsWith('jwt:')) {
        const claim = s ? jwtClaims(s).map((c) => c.payload[raw.slice(4)]).find((x) => typeof x === 'string' || typeof x === 'number') : undefined;
        v = claim === undefined ? undefined : String(claim);
        if (v === undefined) l.problems.push(`identities.${owner}.objects["${key}"].${param}: no JWT of ${owner} has the claim ${raw.slice(4)}`);
      }
      if (v !== undefined) out[param] = v;
    }
    if (Object.keys(out).length) l.pinned.push({ owner, ...(parsed.method ? { method: parsed.method } : {}), path: parsed.path, values: out, source: 'config' });
  }
}

/** Values owned by `owner` and by no other identity (a shared value proves nothing about ownership). */
function exclusive(l: Learning, owner: string): LearntValue[] {
  const others = new Set(l.learnt.filter((x) => x.owner !== owner).map((x) => x.value));
  return l.learnt.filter((x) => x.owner === owner && !others.has(x.value));
}

/** A pinned value (config first, then recorded calls) for this route's parameter. */
export function pinnedValue(l: Learning, owner: string, route: Pick<Route, 'method' | 'path'>, param: string): { value: string; source: 'config' | 'example' } | undefined {
  const mine = l.pinned.filter((p) => p.owner === owner && p.values[param] !== undefined);
  const exact = (p: PinnedValue): boolean => p.path === route.path && (!p.method || p.method === route.method);
  const hit = mine.filter(exact).sort((a, b) => (a.source === 'config' ? 0 : 1) - (b.source === 'config' ? 0 : 1))[0];
  if (hit) return { value: hit.values[param]!, source: hit.source };
  // The same parameter of a sibling route with the same prefix (`/books/{t}` and `/books/{t}/reviews`).
  const prefix = route.path.slice(0, route.path.indexOf(`{${param}}`) + param.length + 2);
  const sibling = mine.find((p) => p.path.startsWith(prefix));
  return sibling ? { value: sibling.values[param]!, source: sibling.source } : undefined;
}

/**
 * A learnt value of `owner` for a route parameter: by value first (a recorded call of this route by
 * another identity used a value that identity has under field F → `owner`'s value of F), then by
 * name (`{basketId}` ← `basket.id` of the login response, `{userId}` ← the JWT `sub`).
 */
export function learntValue(l: Learning, owner: string, route: Pick<Route, 'method' | 'path'>, param: string): LearntValue | undefined {
  const mine = exclusive(l, owner);
  if (mine.length === 0) return undefined;
  const others = new Set(l.learnt.map((x) => x.owner).filter((o) => o !== owner));
  for (const o of others) {
    const used = pinnedValue(l, o, route, param);
    if (!used) continue;
    const fields = exclusive(l, o).filter((x) => x.value === used.value).map((x) => x.field);
    const hit = mine.find((x) => fields.includes(x.field));
    if (hit) return hit;
  }
  const segs = route.path.split('/');
  const i = segs.indexOf(`{${param}}`);
  const before = i > 0 ? segs.slice(0, i).reverse().find((s) => s && !s.startsWith('{') && !/^v\d+$/i.test(s)) : undefined;
  const rank: Record<LearnSource, number> = { config: 0, example: 1, location: 2, create: 3, login: 4, jwt: 5, profile: 6, list: 7, page: 8 };
  const fits = mine
    .map((x) => ({ x, fit: fieldFitsParam(x.names, param, before) }))
    .filter((c) => c.fit !== undefined)
    .sort((a, b) => (a.fit === b.fit ? rank[a.x.source] - rank[b.x.source] : a.fit === 'exact' ? -1 : 1));
  return fits[0]?.x;
}

/** The config line that would let a route be tested for this identity. */
export function configHint(owner: string, route: Pick<Route, 'method' | 'path'>, params: readonly string[]): string {
  return `identities.${owner}.objects: { "${route.method} ${route.path}": { ${params.map((p) => `${p}: "<a ${p} ${owner} owns>"`).join(', ')} } }`;
}

export function exchangeWhere(ex: HttpExchange): string {
  return `${ex.request.method} ${new URL(ex.request.url).pathname}`;
}
