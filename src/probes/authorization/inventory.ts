import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { requestAs } from '../../identity/request-as.js';
import { PROFILE_PATH, sessionsGatherer, type Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { fieldCandidates, idStem, isObjectIdName, isTenantName, normalKey, singular } from '../../surface/object-ids.js';
import { apiSurfaceGatherer, routeShape, type Route } from '../../surface/routes.js';
import { sampleFromSchema } from '../../surface/sample-body.js';
import { htmlLinks, htmlTexts, identifyingValues, isErrorBody, isHtml, isSuccess } from '../../checks/authentication/content.js';
import { configHint, learnBody, learnConfig, learnExamples, learnLocation, learnSession, learntValue, newLearning, pinnedValue, type Learning } from './learn.js';

/**
 * Who each identity is (user id, email, tenant ids) and which objects it owns: listed from the API
 * or created by the tool with marked values. Every later access-control probe borrows ids and
 * identifying values from here; everything created is recorded so it can be deleted at the end.
 */

export interface Profile {
  userId?: string;
  email?: string;
  role?: string;
  /** Tenant-ish field → value (`org_id` → `2`, `workspaceId` → `9f…`). */
  tenantValues: Map<string, string>;
  /** The profile as the API returned it (GET /me or the login response). */
  body?: unknown;
  exchange?: HttpExchange;
  path?: string;
}

export interface Actor {
  name: string;
  session: Session;
  tenant: string;
  role: string;
  profile: Profile;
}

export interface OwnedObject {
  owner: string;
  /** Path template of the collection it was listed from or created in, e.g. /api/orgs/{orgId}/invoices. */
  collection: string;
  id: string;
  idField: string;
  /** Values identifying this object (markers for created ones). */
  values: Set<string>;
  created: boolean;
  body: unknown;
  /** The request that created or listed it. */
  exchange: HttpExchange;
  deleted?: boolean;
}

export interface Inventory {
  base: URL;
  routes: Route[];
  actors: Map<string, Actor>;
  objects: OwnedObject[];
  /** identity → values seen in its own responses (what it may legitimately see). */
  seen: Map<string, Set<string>>;
  /** Collections (GET list routes) and the exchange per identity. */
  lists: Array<{ route: Route; identity: string; exchange: HttpExchange }>;
  creates: Array<{ route: Route; identity: string; exchange: HttpExchange }>;
  notes: string[];
  /** A run-unique marker prefix (alphanumeric). */
  marker: string;
  /** Ids learnt outside `id` fields: login responses, JWT claims, Location, recorded calls, config. */
  learning: Learning;
}

const AUTH_FLOW = /log-?in|log-?out|sign-?in|sign-?out|sign-?up|register|password|passwd|credential|token|secret|2fa|mfa|otp|verify|confirm|activate|reset|invite|webhook|callback|hooks?\b|oauth|session|import|bulk|batch|purge|seed/i;

export function normalName(name: string): string {
  return name.toLowerCase().replace(/organi[sz]ation/g, 'org').replace(/[^a-z0-9]/g, '');
}

/** The value of a tenant-ish parameter for this actor: same name first, then same stem, then any. */
export function tenantValueFor(profile: Profile, param: string): string | undefined {
  const n = normalName(param);
  for (const [k, v] of profile.tenantValues) if (normalName(k) === n) return v;
  const stem = n.replace(/(?:id|uuid|slug)$/, '');
  for (const [k, v] of profile.tenantValues) if (normalName(k).replace(/(?:id|uuid|slug)$/, '') === stem) return v;
  return profile.tenantValues.values().next().value;
}

/** Fills a path template; undefined when a parameter has no value. */
export function fillPath(template: string, values: Record<string, string | undefined>): string | undefined {
  let missing = false;
  const out = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) missing = true;
    return encodeURIComponent(v ?? '');
  });
  return missing ? undefined : out;
}

function walkProfile(body: unknown, p: Profile, depth = 0, parentKey = ''): void {
  if (!body || typeof body !== 'object' || depth > 3) return;
  const obj = body as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    if ((typeof v === 'string' || typeof v === 'number') && String(v).length > 0) {
      if (isTenantName(k) && !p.tenantValues.has(k)) p.tenantValues.set(k, String(v));
      if (/^e-?mail$/i.test(k) && typeof v === 'string') p.email ??= v;
      if (/^role$/i.test(k) && typeof v === 'string') p.role ??= v;
      if (/^(?:id|_id|uuid|user_?id)$/i.test(k) && (depth === 0 || /^(?:user|me|account|profile|data|current_?user)$/i.test(parentKey))) p.userId ??= String(v);
      // `org: { id: 2 }` names the tenant too.
      if (/^(?:id|uuid)$/i.test(k) && /^(?:org|orgs|organi[sz]ation|tenant|workspace|company|team)$/i.test(parentKey)) {
        const key = `${parentKey}_id`;
        if (!p.tenantValues.has(key)) p.tenantValues.set(key, String(v));
      }
    } else if (v && typeof v === 'object' && !Array.isArray(v)) walkProfile(v, p, depth + 1, k);
  }
}

/** Objects in a list response: the largest array of objects with an id field, up to two levels down. */
export function objectsIn(body: unknown, collection: string, keyFields: readonly string[] = []): Array<{ obj: Record<string, unknown>; id: string; idField: string }> {
  let best: unknown[] = [];
  const consider = (v: unknown): void => {
    if (Array.isArray(v) && v.length > best.length && v.some((x) => x && typeof x === 'object' && !Array.isArray(x))) best = v;
  };
  consider(body);
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const v of Object.values(body as Record<string, unknown>)) {
      consider(v);
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const w of Object.values(v as Record<string, unknown>)) consider(w);
    }
  }
  const out: Array<{ obj: Record<string, unknown>; id: string; idField: string }> = [];
  for (const x of best.slice(0, 20)) {
    if (!x || typeof x !== 'object' || Array.isArray(x)) continue;
    const found = idOf(x as Record<string, unknown>, collection, keyFields);
    if (found) out.push({ obj: x as Record<string, unknown>, ...found });
  }
  return out;
}

/** The id field of an object of this collection. */
export function idOf(obj: Record<string, unknown>, collection: string, keyFields: readonly string[] = []): { id: string; idField: string } | undefined {
  const stem = singular(collection.split('/').filter((s) => s && !s.startsWith('{')).pop() ?? '');
  const prim = (k: string): string | undefined => {
    const v = obj[k];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
  // The item route names the key (`/books/{book_title}` → `title`): natural keys first.
  for (const want of keyFields) {
    const k = Object.keys(obj).find((x) => normalKey(x) === want);
    if (k && prim(k)) return { id: prim(k)!, idField: k };
  }
  for (const k of ['id', '_id', 'uuid', 'guid']) if (prim(k)) return { id: prim(k)!, idField: k };
  for (const k of Object.keys(obj)) if (isObjectIdName(k) && idStem(k) === stem && prim(k)) return { id: prim(k)!, idField: k };
  for (const k of ['key', 'slug', 'number']) if (prim(k)) return { id: prim(k)!, idField: k };
  return undefined;
}

/** The created object in a create response: the body itself or the first nested object with an id. */
export function createdObject(body: unknown, collection: string, keyFields: readonly string[] = []): Record<string, unknown> | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const obj = body as Record<string, unknown>;
  if (idOf(obj, collection, keyFields)) return obj;
  for (const v of Object.values(obj)) if (v && typeof v === 'object' && !Array.isArray(v) && idOf(v as Record<string, unknown>, collection, keyFields)) return v as Record<string, unknown>;
  return undefined;
}

/** Path parameters of a collection template that an actor can fill from its profile (tenant ids). */
export function ownPathValues(route: { path: string; params: Route['params'] }, actor: Actor): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const p of route.params) if (p.in === 'path' && p.tenant) values[p.name] = tenantValueFor(actor.profile, p.name);
  return values;
}

export function isCollectionRead(r: Route): boolean {
  return r.method === 'GET' && r.params.filter((p) => p.in === 'path').every((p) => p.tenant) && !PROFILE_PATH.test(r.path) && !/logout|export|download|\.csv|\.pdf|stats|report|health|metrics|status$/i.test(r.path);
}

/** A run-unique, alphanumeric marker: attributable, and never a word an app echoes by chance. */
export function runMarker(seed: number): string {
  return `lr${(seed >>> 0).toString(36)}${Date.now().toString(36).slice(-5)}`;
}

export const inventoryGatherer = defineGatherer<Inventory>({
  id: 'authorization/inventory',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const { sessions } = await ctx.gather(sessionsGatherer);
    if (sessions.size === 0) throw new NotApplicable('no identity could log in, so nothing can be tested as a user');
    const { routes } = await ctx.gather(apiSurfaceGatherer);
    const inv: Inventory = { base, routes, actors: new Map(), objects: [], seen: new Map(), lists: [], creates: [], notes: [], marker: runMarker(ctx.options.seed), learning: newLearning() };
    const profileRoute = routes.find((r) => r.method === 'GET' && !r.path.includes('{') && PROFILE_PATH.test(r.path));

    for (const [name, session] of sessions) {
      const idCfg = ctx.config.identities[name];
      const profile: Profile = { tenantValues: new Map() };
      walkProfile(session.loginBody, profile);
      const path = profileRoute?.path ?? (session.verifyPath && PROFILE_PATH.test(session.verifyPath) ? session.verifyPath : undefined);
      if (path) {
        const ex = await requestAs(ctx.http, session, base, { url: new URL(path, base), area: 'authorization' });
        if (isSuccess(ex)) {
          const body = ex.response!.json();
          const fresh: Profile = { tenantValues: new Map(), body, exchange: ex, path };
          walkProfile(body, fresh);
          // The profile route is the authority; the login response fills gaps.
          for (const [k, v] of profile.tenantValues) if (!fresh.tenantValues.has(k)) fresh.tenantValues.set(k, v);
          fresh.userId ??= profile.userId;
          fresh.email ??= profile.email;
          fresh.role ??= profile.role;
          Object.assign(profile, fresh);
        }
      }
      inv.actors.set(name, { name, session, tenant: idCfg?.tenant ?? name, role: idCfg?.role ?? session.role, profile });
      inv.seen.set(name, identifyingValues(profile.body ?? session.loginBody));
      learnSession(inv.learning, name, session, routes, base);
      learnConfig(inv.learning, name, idCfg, session);
      if (profile.body !== undefined && profile.exchange) learnBody(inv.learning, name, profile.body, 'profile', `GET ${profile.path}`);
      // The token's subject is the user when the profile does not say.
      if (!profile.userId) profile.userId = inv.learning.learnt.find((x) => x.owner === name && x.source === 'jwt' && x.names.includes('userid'))?.value;
    }
    learnExamples(inv.learning, routes, new Set(inv.actors.keys()), base);
    inv.notes.push(...inv.learning.problems);

    const collections = routes.filter(isCollectionRead).slice(0, 12);
    const creatable = (list: Route): Route | undefined =>
      routes.find((r) => r.method === 'POST' && routeShape('GET', r.path) === routeShape('GET', list.path) && !AUTH_FLOW.test(r.path) && (r.requestSchema !== undefined || r.examples?.some((e) => e.requestBody)));
    let n = 0;
    for (const actor of inv.actors.values()) {
      const seen = inv.seen.get(actor.name)!;
      let creates = 0;
      for (const list of collections) {
        if (list.roles && !list.roles.includes(actor.role)) continue;
        if (ctx.http.remaining < 50) break;
        const listPath = fillPath(list.path, ownPathValues(list, actor));
        if (!listPath) continue;
        const ex = await requestAs(ctx.http, actor.session, base, { url: new URL(listPath, base), area: 'authorization' });
        inv.lists.push({ route: list, identity: actor.name, exchange: ex });
        if (!isSuccess(ex)) continue;
        if (isHtml(ex.response!)) {
          // A server-rendered list: the links on the page are this identity's objects.
          for (const link of htmlLinks(ex.response!.text())) learnLocation(inv.learning, actor.name, routes, link, base, `a link on GET ${list.path}`);
          for (const v of htmlTexts(ex.response!.text())) seen.add(v);
          continue;
        }
        const body = ex.response!.json();
        learnBody(inv.learning, actor.name, body, 'list', `GET ${list.path}`);
        for (const o of objectsIn(body, list.path, keyFieldsFor(routes, list.path)).slice(0, 8)) {
          inv.objects.push({ owner: actor.name, collection: list.path, id: o.id, idField: o.idField, values: identifyingValues(o.obj), created: false, body: o.obj, exchange: ex });
        }
        const create = creatable(list);
        if (!create || creates >= 6 || isErrorBody(body)) continue;
        if (create.roles && !create.roles.includes(actor.role)) continue;
        const createPath = fillPath(create.path, ownPathValues(create, actor));
        if (!createPath) continue;
        const marker = `${inv.marker}${(n++).toString(36)}`;
        const payload = bodyFor(create, marker);
        if (payload === undefined) continue;
        creates++;
        const cex = await requestAs(ctx.http, actor.session, base, { method: 'POST', url: new URL(createPath, base), json: payload, area: 'authorization' });
        inv.creates.push({ route: create, identity: actor.name, exchange: cex });
        if (!isSuccess(cex)) {
          inv.notes.push(`${actor.name}: POST ${create.path} answered ${cex.response?.status ?? cex.error?.code} — no object created there`);
          continue;
        }
        const cbody = cex.response!.json();
        const keys = keyFieldsFor(routes, list.path);
        const obj = createdObject(cbody, list.path, keys);
        let id = obj ? idOf(obj, list.path, keys) : undefined;
        const loc = cex.response!.headers['location'];
        learnLocation(inv.learning, actor.name, routes, loc, base, `the Location of POST ${create.path}`);
        if (cbody !== undefined) learnBody(inv.learning, actor.name, cbody, 'create', `POST ${create.path}`);
        if (!id && loc) id = { id: decodeURIComponent(loc.split('?')[0]!.split('/').filter(Boolean).pop() ?? ''), idField: 'id' };
        if (!id?.id) {
          inv.notes.push(`${actor.name}: POST ${create.path} created something but its id could not be read from the response`);
          continue;
        }
        const values = new Set([...identifyingValues(payload)].filter((v) => v.includes(marker)));
        for (const v of identifyingValues(obj ?? {})) values.add(v);
        for (const v of values) seen.add(v);
        inv.objects.push({ owner: actor.name, collection: list.path, id: id.id, idField: id.idField, values, created: true, body: obj ?? cbody, exchange: cex });
      }
    }
    settleListOwnership(inv);
    return inv;
  },
});

/** Field names an item route's parameter may have in a list body (`/books/{book_title}` → `title`). */
export function keyFieldsFor(routes: readonly Route[], collection: string): string[] {
  const out: string[] = [];
  const kind = collection.split('/').filter((x) => x && !x.startsWith('{')).pop();
  for (const r of routes) {
    const m = /^\/\{([^}]+)\}/.exec(r.path.startsWith(collection) ? r.path.slice(collection.length) : '');
    if (r.method === 'GET' && m) for (const c of fieldCandidates(m[1]!, kind)) if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** Whether a JSON text names a user by this value: a string anywhere, a number only in an id or owner field. */
export function namesValue(text: string, v: string): boolean {
  if (!v) return false;
  if (!/^\d+$/.test(v)) return text.includes(JSON.stringify(v));
  return new RegExp(`"(?:user_?id|userId|owner_?id|ownerId|account_?id|accountId|member_?id|memberId)"\\s*:\\s*"?${v}"?[,}]`).test(text);
}

/**
 * A list is not proof of ownership: an entry that several identities' lists return (a public
 * catalogue, or a list that is itself the leak) belongs to whoever it names (their email or user
 * id), else to nobody; what each identity has legitimately "seen" is its own entries only.
 */
export function settleListOwnership(inv: Inventory): void {
  const listed = inv.objects.filter((o) => !o.created);
  const byKey = new Map<string, OwnedObject[]>();
  for (const o of listed) {
    const k = `${o.collection}\u0000${o.id}`;
    byKey.set(k, [...(byKey.get(k) ?? []), o]);
  }
  const drop = new Set<OwnedObject>();
  for (const group of byKey.values()) {
    const owners = new Set(group.map((o) => o.owner));
    // Colleagues of one tenant share their tenant's records; only a cross-tenant overlap is suspect.
    if (new Set([...owners].map((n) => inv.actors.get(n)?.tenant ?? n)).size < 2) continue;
    const text = JSON.stringify(group[0]!.body);
    const named = [...owners].filter((name) => {
      const p = inv.actors.get(name)?.profile;
      return !!p && [p.email, p.userId].some((v) => v !== undefined && namesValue(text, v));
    });
    for (const o of group) if (named.length !== 1 || o.owner !== named[0]) drop.add(o);
  }
  inv.objects = inv.objects.filter((o) => !drop.has(o));
  // Seen values: own profile, own objects, and list entries that name no other identity.
  const names = (name: string): string[] => {
    const p = inv.actors.get(name)?.profile;
    return [p?.email, p?.userId].filter((v): v is string => !!v && v.length >= 2);
  };
  const mentions = (entry: unknown, values: string[]): boolean => {
    const text = JSON.stringify(entry);
    return values.some((v) => namesValue(text, v));
  };
  for (const [name, seen] of inv.seen) {
    const others = [...inv.actors.keys()].filter((n) => n !== name);
    const foreign = new Set<string>();
    for (const o of others) for (const v of identifyingValues(inv.actors.get(o)!.profile.body ?? inv.actors.get(o)!.session.loginBody)) foreign.add(v);
    for (const o of inv.objects) if (o.owner !== name) for (const v of o.values) foreign.add(v);
    for (const l of inv.lists.filter((x) => x.identity === name && isSuccess(x.exchange))) {
      const body = l.exchange.response!.json();
      const entries = objectsIn(body, l.route.path, keyFieldsFor(inv.routes, l.route.path)).map((e) => e.obj);
      for (const e of entries) if (others.some((o) => mentions(e, names(o)))) for (const v of identifyingValues(e)) foreign.add(v);
      for (const v of identifyingValues(body)) if (!foreign.has(v)) seen.add(v);
    }
    for (const o of inv.objects) if (o.owner === name) for (const v of o.values) seen.add(v);
    for (const v of foreign) if (!inv.objects.some((o) => o.owner === name && o.values.has(v))) seen.delete(v);
  }
}

/** A create body: from the request schema, else from a recorded example with free-text values marked. */
export function bodyFor(route: Route, marker: string, values?: Record<string, unknown>): unknown {
  if (route.requestSchema !== undefined) return sampleFromSchema(route.requestSchema, { marker, ...(values ? { values } : {}) });
  const example = route.examples?.find((e) => e.requestBody)?.requestBody;
  if (!example) return undefined;
  try {
    const parsed: unknown = JSON.parse(example);
    const mark = (v: unknown, key = ''): unknown => {
      if (typeof v === 'string') return /name|title|subject|customer|description|notes?|body|text|content|comment|label/i.test(key) ? `${marker} ${key}` : v;
      if (Array.isArray(v)) return v.map((x) => mark(x, key));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, values && k in values ? values[k] : mark(x, k)]));
      return v;
    };
    return mark(parsed);
  } catch {
    return undefined;
  }
}

function lastStatic(path: string): string {
  return singular(path.split('/').filter((s) => s && !s.startsWith('{')).pop() ?? '');
}

/** The owner's object a path parameter should name: same collection prefix first, then same kind. */
export function objectFor(inv: Inventory, owner: string, route: Route, param: string, opts: { createdOnly?: boolean; exclude?: Set<OwnedObject> } = {}): OwnedObject | undefined {
  const segs = route.path.split('/');
  const i = segs.indexOf(`{${param}}`);
  const prefix = i > 0 ? segs.slice(0, i).join('/') : '';
  const candidates = inv.objects.filter((o) => o.owner === owner && !o.deleted && (!opts.createdOnly || o.created) && !opts.exclude?.has(o));
  const byPrefix = candidates.filter((o) => routeShape('GET', o.collection) === routeShape('GET', prefix));
  const stem = idStem(param) ?? singular(segs[i - 1] ?? '');
  const byKind = candidates.filter((o) => lastStatic(o.collection) === stem || lastStatic(o.collection) === singular(segs[i - 1] ?? ''));
  const pick = (list: OwnedObject[]): OwnedObject | undefined => list.find((o) => o.created) ?? list[0];
  return pick(byPrefix) ?? pick(byKind);
}

/** Where each filled path value came from (an object of the inventory, a learnt value, config). */
export interface ResolvedPath {
  path: string;
  objects: OwnedObject[];
  /** Parameter → how its value was found (`GET /api/notes list`, `the login response`, `config`). */
  sources: Record<string, string>;
  /** Values that went into the path (never counted as proof of a leak: they are in the URL). */
  values: string[];
}

/**
 * Values for every path parameter of a route, all belonging to `owner` (its tenant ids, its objects,
 * values learnt from its login, token, recorded calls, or stated in the config). undefined when one
 * cannot be filled; `missingParams` says which. `createdOnly` (writes without --allow-writes) takes
 * only objects this run created.
 */
export function resolvePath(inv: Inventory, owner: string, route: Route, opts: { createdOnly?: boolean } = {}): ResolvedPath | undefined {
  const r = fillParams(inv, owner, route, opts);
  return r.missing.length ? undefined : r.resolved;
}

/** The path parameters of a route that no value of `owner` could fill. */
export function missingParams(inv: Inventory, owner: string, route: Route, opts: { createdOnly?: boolean } = {}): string[] {
  return fillParams(inv, owner, route, opts).missing;
}

function fillParams(inv: Inventory, owner: string, route: Route, opts: { createdOnly?: boolean }): { resolved?: ResolvedPath; missing: string[] } {
  const actor = inv.actors.get(owner);
  const params = route.params.filter((x) => x.in === 'path');
  if (!actor) return { missing: params.map((p) => p.name) };
  const values: Record<string, string | undefined> = {};
  const sources: Record<string, string> = {};
  const objects: OwnedObject[] = [];
  const missing: string[] = [];
  for (const p of params) {
    const learnt = (): boolean => {
      if (opts.createdOnly) return false;
      const pinned = pinnedValue(inv.learning, owner, route, p.name);
      if (pinned) {
        values[p.name] = pinned.value;
        sources[p.name] = pinned.source === 'config' ? `identities.${owner}.objects` : `a recorded call by ${owner}`;
        return true;
      }
      const l = learntValue(inv.learning, owner, route, p.name);
      if (l) {
        values[p.name] = l.value;
        sources[p.name] = `${l.field} in ${l.where}`;
        return true;
      }
      return false;
    };
    if (p.tenant) {
      const t = tenantValueFor(actor.profile, p.name);
      if (t !== undefined) {
        values[p.name] = t;
        sources[p.name] = `${owner}'s profile`;
      } else if (!learnt()) missing.push(p.name);
      continue;
    }
    const o = objectFor(inv, owner, route, p.name, opts);
    if (o) {
      values[p.name] = o.id;
      sources[p.name] = o.created ? `an object ${owner} created (POST ${o.collection})` : `GET ${o.collection}`;
      objects.push(o);
      continue;
    }
    if (learnt()) continue;
    if (!opts.createdOnly && actor.profile.userId && (/^(?:user|member|account|me|self)[-_]?id$/i.test(p.name) || (p.name === 'id' && /\/(?:users|members|accounts)\/\{id\}/.test(route.path)))) {
      values[p.name] = actor.profile.userId;
      sources[p.name] = `${owner}'s user id`;
      continue;
    }
    missing.push(p.name);
  }
  if (missing.length) return { missing };
  const path = fillPath(route.path, values);
  if (!path) return { missing: params.map((p) => p.name).filter((n) => values[n] === undefined) };
  return { resolved: { path, objects, sources, values: Object.values(values).filter((v): v is string => v !== undefined) }, missing: [] };
}

/** Why a route could not be pointed at `owner`'s object, and the config line that would fix it. */
export function whyUnresolved(inv: Inventory, owner: string, route: Route, opts: { createdOnly?: boolean } = {}): string {
  const missing = missingParams(inv, owner, route, opts);
  if (opts.createdOnly) {
    const any = missingParams(inv, owner, route).length === 0;
    if (any) return `${owner} owns an object there, but this run did not create it and writes to existing objects need --allow-writes`;
  }
  return `no value ${owner} owns for ${missing.map((m) => `{${m}}`).join(', ')} was learnt (lists, login response, JWT claims, Location, recorded calls) — add ${configHint(owner, route, missing)}`;
}
