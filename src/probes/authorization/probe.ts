import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { requestAs } from '../../identity/request-as.js';
import { login, loginCredentials, loginWithCredentials, PROFILE_PATH } from '../../identity/session.js';
import { flowBody } from '../session/lifecycle.js';
import type { HttpExchange } from '../../net/http.js';
import type { AccessMatrixRow } from '../../model/report.js';
import { idStem, isOwnerName, isTenantName, singular } from '../../surface/object-ids.js';
import { routeShape, type Route } from '../../surface/routes.js';
import { sampleFromSchema, schemaFields } from '../../surface/sample-body.js';
import { judgeCrossTenantRead } from '../../checks/authorization/judge.js';
import { carriesData, isErrorBody, isLoginPage, isSuccess, statusText, valuesIn } from '../../checks/authentication/content.js';
import { authProbeGatherer } from '../authentication/probe.js';
import { bodyFor, createdObject, fillPath, idOf, inventoryGatherer, keyFieldsFor, normalName, ownPathValues, resolvePath, tenantValueFor, whyUnresolved, type Actor, type Inventory, type OwnedObject } from './inventory.js';
import { credentialWrite, isCredentialRoute } from './credential-write.js';
import { configHint } from './learn.js';

/**
 * Tenant isolation and roles, tested the way an attacker would: identity A (tenant X) reads, changes,
 * deletes, exports and downloads identity B's (tenant Y) objects by their ids, swaps tenant fields
 * in queries, calls admin functions as a member, and sends privileged fields in writes. Every claim
 * rests on proof: B's identifying values in A's response, or B's object changed as B sees it.
 * Writes only ever touch objects this run created (unless --allow-writes), and those are deleted
 * at the end where the API offers a DELETE.
 */

export type BolaOperation = 'read' | 'export' | 'download' | 'update' | 'delete' | 'write' | 'credentials' | 'tenant-query';

export interface BolaCase {
  route: Route;
  operation: BolaOperation;
  attacker: string;
  victim: string;
  /** The victim's own request for the same object (the authorised half of the pair). */
  owner?: HttpExchange;
  attack: HttpExchange;
  /** The victim's read after a write or delete (what changed). */
  after?: HttpExchange;
  leaked: boolean;
  proof: string;
  matched: string[];
  /** The tenant parameter swapped, for tenant-query cases. */
  param?: string;
  /** A write to an object the run did not create (--allow-writes): how it was put back. */
  restore?: { exchanges: HttpExchange[]; outcome: string; ok: boolean };
  /** How each path value was found (learnt ids, config). */
  sources?: Record<string, string>;
}

export interface BflaCase {
  route: Route;
  identity: string;
  role: string;
  privileged?: { identity: string; exchange: HttpExchange };
  attack: HttpExchange;
  leaked: boolean;
  proof: string;
}

export interface MassAssignmentCase {
  route: Route;
  identity: string;
  target: 'profile' | 'create' | 'update' | 'signup';
  injected: Record<string, unknown>;
  /** Fields that took the injected value: name → [before, after]. */
  stuck: Record<string, [unknown, unknown]>;
  request: HttpExchange;
  readback?: HttpExchange;
  restored?: string;
}

export interface NotTestedRoute {
  route: Route;
  check: 'bola' | 'bfla' | 'mass-assignment';
  reason: string;
}

export interface AccessProbe {
  bola: BolaCase[];
  bfla: BflaCase[];
  mass: MassAssignmentCase[];
  notTested: NotTestedRoute[];
  /** Why a whole test family could not run (fewer than two tenants, no member …). */
  skipped: Partial<Record<'bola' | 'bfla' | 'mass-assignment', string>>;
  /** What was created and whether it was deleted. */
  cleanup: string[];
  notes: string[];
}

const AUTH_FLOW = /log-?in|log-?out|sign-?in|sign-?out|sign-?up|register|reset|forgot|invites?\/accept|oauth|callback|webhooks?|verify|confirm|activate|2fa|mfa|otp/i;
/** Role checks skip account flows; object routes that change a password stay in BOLA (see credential-write.ts). */
const BFLA_SKIP = /log-?in|log-?out|sign-?in|sign-?out|sign-?up|register|password|passwd|reset|invites?\/accept|oauth|callback|webhooks?|verify|confirm|activate|2fa|mfa|otp/i;
const FREE_TEXT = /^(?:notes?|description|comment|body|text|content|message|memo|title|subject|name|label|summary|details?)$/i;

function operationOf(route: Route): BolaOperation {
  if (route.method === 'GET') return /export|\.csv|\.pdf|\.xlsx/i.test(route.path) ? 'export' : /download|attachment|blob|raw|file\/content/i.test(route.path) ? 'download' : 'read';
  if (route.method === 'DELETE') return 'delete';
  if (route.method === 'PATCH' || route.method === 'PUT') return 'update';
  return 'write';
}

/** A GET route that shows the object a write route acts on (same template, or a parent). */
export function readRouteFor(routes: Route[], route: Route, concrete: string): { route: Route; path: string } | undefined {
  const tSegs = route.path.split('/');
  const cSegs = concrete.split('/');
  for (let cut = 0; cut < tSegs.length - 1; cut++) {
    const t = tSegs.slice(0, tSegs.length - cut).join('/');
    if (!t.endsWith('}') && cut > 0) continue;
    const r = routes.find((x) => x.method === 'GET' && routeShape('GET', x.path) === routeShape('GET', t));
    if (r) return { route: r, path: cSegs.slice(0, cSegs.length - cut).join('/') };
  }
  return undefined;
}

function hasObjectParam(route: Route): boolean {
  return route.params.some((p) => p.in === 'path' && (p.objectId || p.tenant));
}

function allowedFor(route: Route, actor: Actor): boolean {
  return !route.roles || route.roles.includes(actor.role);
}

/** Pairs (attacker, victim) of different tenants; members attack first, they are the usual attackers. */
export function tenantPairs(actors: Actor[]): Array<[Actor, Actor]> {
  const rank = (a: Actor): number => (/admin|owner|super/i.test(a.role) ? 1 : 0);
  const sorted = [...actors].sort((a, b) => rank(a) - rank(b));
  const pairs: Array<[Actor, Actor]> = [];
  for (const a of sorted) for (const b of sorted) if (a.tenant !== b.tenant && !pairs.some(([x]) => x.tenant === a.tenant)) pairs.push([a, b]);
  return pairs;
}

function matrixRow(route: Route, identity: string, expected: string, ex: HttpExchange | undefined, verdict: AccessMatrixRow['verdict'], suffix = ''): AccessMatrixRow {
  return { method: route.method, path: route.path, identity, expected, observed: `${statusText(ex)}${suffix}`, verdict };
}

function patchBodyFor(route: Route, marker: string): Record<string, unknown> | undefined {
  const fields = schemaFields(route.requestSchema);
  const text = fields.find((f) => FREE_TEXT.test(f)) ?? fields.find((f) => /name|title|note/i.test(f));
  if (route.method === 'PATCH' && text) {
    const full = sampleFromSchema(route.requestSchema, { marker, optional: true }) as Record<string, unknown> | undefined;
    const v = full?.[text];
    return { [text]: typeof v === 'string' && v.includes(marker) ? v : `${marker} ${text}` };
  }
  const body = bodyFor(route, marker);
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

export const accessProbeGatherer = defineGatherer<AccessProbe>({
  id: 'authorization/probe',
  async gather(ctx: GatherContext) {
    // Authentication probing reads the same objects: it goes first, so cleanup cannot race it.
    await ctx.gather(authProbeGatherer).catch((err: unknown) => {
      if (!(err instanceof NotApplicable)) throw err;
    });
    const inv: Inventory = await ctx.gather(inventoryGatherer);
    const { base, routes } = inv;
    const actors = [...inv.actors.values()];
    const out: AccessProbe = { bola: [], bfla: [], mass: [], notTested: [], skipped: {}, cleanup: [], notes: [...inv.notes] };
    const matrix: AccessMatrixRow[] = [];
    const send = (a: Actor, method: string, path: string, json?: unknown): Promise<HttpExchange> =>
      requestAs(ctx.http, a.session, base, { method, url: new URL(path, base), area: 'authorization', ...(json !== undefined ? { json } : {}) });
    const lowBudget = (): boolean => ctx.http.remaining < 30;
    let tamper = 0;

    try {
      // ---------------------------------------------------------------- BOLA
      const pairs = tenantPairs(actors);
      if (pairs.length === 0) out.skipped.bola = `tenant isolation needs identities of two tenants; configured: ${actors.map((a) => `${a.name} (${a.tenant})`).join(', ') || 'none that could log in'}`;
      const [attacker] = pairs[0] ?? [];
      if (attacker) {
        const victims = actors.filter((v) => v.tenant !== attacker.tenant);
        const attackerSeen = inv.seen.get(attacker.name)!;
        // `security: []` in the target's own spec is not trusted: public-looking routes are tried too.
        const objectRoutes = routes.filter((r) => hasObjectParam(r) && !AUTH_FLOW.test(r.path) && r.method !== 'HEAD' && r.method !== 'OPTIONS');
        const reads = objectRoutes.filter((r) => r.method === 'GET');
        const writes = objectRoutes.filter((r) => r.method !== 'GET').sort((a, b) => (a.method === 'DELETE' ? 1 : 0) - (b.method === 'DELETE' ? 1 : 0));
        for (const route of reads) {
          if (lowBudget()) break;
          if (!allowedFor(route, attacker)) {
            out.notTested.push({ route, check: 'bola', reason: `${attacker.name} (${attacker.role}) may not call it at all (roles: ${route.roles!.join(', ')}): see the role checks` });
            continue;
          }
          // Prefer a victim whose ids come from objects it listed or created over learnt values.
          const candidates = victims.filter((v) => allowedFor(route, v)).map((v) => ({ v, p: resolvePath(inv, v.name, route) })).filter((c) => c.p);
          const best = candidates.find((c) => c.p!.objects.length > 0) ?? candidates[0];
          const victim = best?.v;
          const vPath = best?.p;
          if (!victim || !vPath) {
            const v0 = victims.find((v) => allowedFor(route, v));
            out.notTested.push({ route, check: 'bola', reason: v0 ? whyUnresolved(inv, v0.name, route) : `no identity of another tenant may call it (roles: ${route.roles?.join(', ') ?? 'any'})` });
            continue;
          }
          const owner = await send(victim, 'GET', vPath.path);
          matrix.push(matrixRow(route, victim.name, '2xx (own object)', owner, isSuccess(owner) ? 'ok' : 'not-tested'));
          if (!isSuccess(owner)) {
            out.notTested.push({ route, check: 'bola', reason: `${victim.name} could not read its own object (${statusText(owner)}), so there is nothing to protect there` });
            continue;
          }
          const aPath = resolvePath(inv, attacker.name, route);
          const own = aPath ? await send(attacker, 'GET', aPath.path) : undefined;
          if (own) matrix.push(matrixRow(route, attacker.name, '2xx (own object)', own, isSuccess(own) ? 'ok' : 'not-tested'));
          const attack = await send(attacker, 'GET', vPath.path);
          const { leaked, proof, matched } = judgeCrossTenantRead({
            attacker: attacker.name,
            victim: victim.name,
            owner,
            ...(own ? { own } : {}),
            attack,
            objectValues: vPath.objects.flatMap((o) => [...o.values]),
            attackerSeen,
            pathValues: vPath.values,
            sharedObject: vPath.objects.some((o) => inv.objects.some((x) => x.owner === attacker.name && x.id === o.id && x.collection === o.collection)),
          });
          out.bola.push({ route, operation: operationOf(route), attacker: attacker.name, victim: victim.name, owner, attack, leaked, proof, matched, sources: vPath.sources });
          matrix.push(matrixRow(route, attacker.name, `403/404 (${victim.name}'s object)`, attack, leaked ? 'leak' : 'ok', leaked ? ` with ${victim.name}'s data` : ''));
        }

        // Tenant fields swapped in list queries (?org_id=<B's org>).
        for (const list of inv.lists.filter((l) => l.identity === attacker.name && isSuccess(l.exchange)).slice(0, 8)) {
          if (lowBudget()) break;
          const victim = victims.find((v) => v.profile.tenantValues.size > 0);
          if (!victim) break;
          const names = new Map<string, string>();
          for (const p of list.route.params) if (p.in === 'query' && p.tenant) names.set(normalName(p.name), p.name);
          for (const k of victim.profile.tenantValues.keys()) if (!names.has(normalName(k))) names.set(normalName(k), k);
          for (const g of ['org_id', 'tenant_id', 'account_id', 'client_id']) if (!names.has(normalName(g))) names.set(normalName(g), g);
          const victimSeen = inv.seen.get(victim.name)!;
          const exclusive = [...victimSeen].filter((v) => !attackerSeen.has(v));
          const victimList = inv.lists.find((l) => l.identity === victim.name && l.route === list.route);
          for (const name of [...names.values()].slice(0, 4)) {
            const value = tenantValueFor(victim.profile, name);
            if (value === undefined || value === tenantValueFor(attacker.profile, name)) continue;
            const url = new URL(list.exchange.request.url);
            url.searchParams.set(name, value);
            const attack = await send(attacker, 'GET', url.pathname + url.search);
            const matched = isSuccess(attack) ? valuesIn(attack.response, exclusive) : [];
            const leaked = matched.length > 0;
            out.bola.push({
              route: list.route,
              operation: 'tenant-query',
              attacker: attacker.name,
              victim: victim.name,
              ...(victimList ? { owner: victimList.exchange } : {}),
              attack,
              leaked,
              proof: leaked ? `?${name}=${value} (${victim.name}'s tenant) returned ${victim.name}'s values: ${matched.map((m) => JSON.stringify(m)).join(', ')}` : `?${name}= was ignored or refused`,
              matched,
              param: name,
            });
            matrix.push({ method: 'GET', path: `${list.route.path}?${name}={${victim.name}'s tenant}`, identity: attacker.name, expected: 'own data only', observed: `${statusText(attack)}${leaked ? ` with ${victim.name}'s data` : ''}`, verdict: leaked ? 'leak' : 'ok' });
            if (leaked) break;
          }
        }

        // Writes on the victim's objects: objects this run created; with --allow-writes also the
        // victim's existing objects (changed, proven by the victim's read-back, then restored).
        // DELETE only ever goes to created objects: a deleted record cannot be put back.
        const allowWrites = ctx.options.allowWrites;
        for (const route of writes) {
          if (lowBudget()) {
            out.notTested.push({ route, check: 'bola', reason: 'the request budget ran low before this write' });
            continue;
          }
          if (!allowedFor(route, attacker)) continue;
          const op = operationOf(route);
          const credential = isCredentialRoute(route);
          const createdOnly = op === 'delete' || !allowWrites;
          const victim = victims.find((v) => allowedFor(route, v) && resolvePath(inv, v.name, route, { createdOnly }));
          const vPath = victim && resolvePath(inv, victim.name, route, { createdOnly });
          if (!victim || !vPath) {
            const v0 = victims.find((v) => allowedFor(route, v)) ?? victims[0];
            const existing = v0 ? resolvePath(inv, v0.name, route) : undefined;
            const reason = credential
              ? allowWrites
                ? `changes a user's credentials, but no ${v0?.name ?? 'victim'} value to point it at: ${v0 ? whyUnresolved(inv, v0.name, route) : 'no other tenant'}`
                : `changes ${v0?.name ?? 'another user'}'s credentials: not sent without --allow-writes (it would be proven by logging in as ${v0?.name ?? 'the victim'} with the new password, then restored)`
              : existing && op === 'delete'
                ? `a DELETE of ${v0!.name}'s existing object (${existing.path}) cannot be undone, so it is only sent to objects this run created, and none could be created there`
                : existing && !allowWrites
                  ? `write to ${v0!.name}'s existing object ${existing.path} not sent: rerun with --allow-writes (the change is read back as ${v0!.name} and restored)`
                  : v0
                    ? whyUnresolved(inv, v0.name, route, { createdOnly })
                    : 'no other tenant';
            out.notTested.push({ route, check: 'bola', reason });
            matrix.push({ method: route.method, path: route.path, identity: attacker.name, expected: `403/404 (another tenant's object)`, observed: 'not sent', verdict: 'not-tested' });
            continue;
          }
          if (credential) {
            const c = await credentialWrite(ctx, inv, route, attacker, victim, vPath.path, send);
            if (c.notTested) out.notTested.push({ route, check: 'bola', reason: c.notTested });
            if (c.case) {
              out.bola.push({ ...c.case, sources: vPath.sources });
              matrix.push(matrixRow(route, attacker.name, `403/404 (${victim.name}'s password)`, c.case.attack, c.case.leaked ? 'leak' : 'ok', c.case.leaked ? ` — ${victim.name}'s password changed` : ''));
            }
            continue;
          }
          const read = readRouteFor(routes, route, vPath.path);
          const before = read ? await send(victim, 'GET', read.path) : undefined;
          const existingObject = vPath.objects.every((o) => o.created) === false || vPath.objects.length === 0;
          if (op === 'delete') {
            const attack = await send(attacker, 'DELETE', vPath.path);
            const after = read ? await send(victim, 'GET', read.path) : undefined;
            const gone = isSuccess(before) && (after?.response?.status === 404 || after?.response?.status === 410);
            const leaked = isSuccess(attack) && (gone || !read);
            if (gone) for (const o of vPath.objects) o.deleted = true;
            out.bola.push({
              route, operation: op, attacker: attacker.name, victim: victim.name, attack, ...(after ? { after } : {}), ...(before ? { owner: before } : {}), leaked, matched: [], sources: vPath.sources,
              proof: gone ? `${victim.name}'s object was there before (${statusText(before)}) and is gone after ${attacker.name}'s DELETE (${statusText(after)})` : leaked ? `${attacker.name}'s DELETE was accepted (${statusText(attack)})` : `${victim.name}'s object survived (${statusText(attack)})`,
            });
            matrix.push(matrixRow(route, attacker.name, `403/404 (${victim.name}'s object)`, attack, leaked ? 'leak' : 'ok', gone ? ` — ${victim.name}'s object deleted` : ''));
            continue;
          }
          if (existingObject && (!read || !isSuccess(before))) {
            out.notTested.push({ route, check: 'bola', reason: `no way to read ${victim.name}'s object back before and after (${read ? `GET ${read.route.path} → ${statusText(before)}` : 'no GET route for it'}), so a write to existing data is not risked` });
            continue;
          }
          const marker = `${inv.marker}t${(tamper++).toString(36)}`;
          const body = patchBodyFor(route, marker);
          if (!body) {
            out.notTested.push({ route, check: 'bola', reason: 'no request body is known for it (no schema, no recorded example): add its requestBody schema to the OpenAPI document or record a call in a HAR (api.har)' });
            continue;
          }
          const attack = await send(attacker, route.method, vPath.path, body);
          const after = read ? await send(victim, 'GET', read.path) : undefined;
          const changed = !!after?.response && isSuccess(after) && after.response.text().includes(marker);
          const echoed = !read && isSuccess(attack) && (attack.response?.text().includes(marker) ?? false);
          const leaked = isSuccess(attack) && (changed || echoed);
          let restore: BolaCase['restore'];
          if (existingObject && changed && before) restore = await restoreObject(route, victim, vPath.path, before, read!.path, body, marker, send);
          out.bola.push({
            route, operation: op, attacker: attacker.name, victim: victim.name, attack, ...(after ? { after } : {}), ...(before ? { owner: before } : {}), leaked, matched: leaked ? [marker] : [], sources: vPath.sources,
            ...(restore ? { restore } : {}),
            proof: changed ? `${victim.name} now sees ${attacker.name}'s marker "${marker}" in its own object` : echoed ? `the write was accepted and echoed ${attacker.name}'s marker (no read route to confirm)` : `${victim.name}'s object did not change (${statusText(attack)})`,
          });
          if (restore && !restore.ok) out.cleanup.push(restore.outcome);
          matrix.push(matrixRow(route, attacker.name, `403/404 (${victim.name}'s object)`, attack, leaked ? 'leak' : 'ok', changed ? ` — ${victim.name}'s object changed` : ''));
        }
      }

      // ---------------------------------------------------------------- BFLA
      const privilegedRoutes = routes.filter((r) => r.roles && r.roles.length > 0 && !BFLA_SKIP.test(r.path)).slice(0, 20);
      const lows = actors.filter((a) => privilegedRoutes.some((r) => !r.roles!.includes(a.role)));
      if (privilegedRoutes.length === 0) out.skipped.bfla = 'no route is known to be restricted to a role (declare roles in api.routes or x-roles in OpenAPI; /admin paths are recognised)';
      else if (lows.length === 0) out.skipped.bfla = `every identity has the roles the restricted routes need (${[...new Set(privilegedRoutes.flatMap((r) => r.roles!))].join(', ')}): add a member identity`;
      for (const route of privilegedRoutes) {
        if (lowBudget()) break;
        const low = lows.find((a) => !route.roles!.includes(a.role));
        if (!low) continue;
        const high = actors.find((a) => route.roles!.includes(a.role) && a.tenant === low.tenant) ?? actors.find((a) => route.roles!.includes(a.role));
        if (route.method === 'GET') {
          const lowPath = resolvePath(inv, low.name, route);
          if (!lowPath) {
            out.notTested.push({ route, check: 'bfla', reason: whyUnresolved(inv, low.name, route) });
            continue;
          }
          let privileged: BflaCase['privileged'];
          if (high) {
            const hp = resolvePath(inv, high.name, route);
            if (hp) {
              const ex = await send(high, 'GET', hp.path);
              privileged = { identity: high.name, exchange: ex };
              matrix.push(matrixRow(route, high.name, `2xx (${high.role})`, ex, isSuccess(ex) ? 'ok' : 'not-tested'));
            }
          }
          const attack = await send(low, 'GET', lowPath.path);
          const verdict = carriesData(attack, privileged && isSuccess(privileged.exchange) ? privileged.exchange : undefined);
          const denied = attack.response?.status === 401 || attack.response?.status === 403;
          if (denied && !(privileged && isSuccess(privileged.exchange))) {
            out.notTested.push({ route, check: 'bfla', reason: `every identity was refused (${low.name}: ${statusText(attack)}${privileged ? `, ${privileged.identity}: ${statusText(privileged.exchange)}` : ', no identity with the role'}), so the route was not exercised` });
            matrix.push(matrixRow(route, low.name, `403 (needs ${route.roles!.join('/')})`, attack, 'not-tested'));
            continue;
          }
          out.bfla.push({ route, identity: low.name, role: low.role, ...(privileged ? { privileged } : {}), attack, leaked: verdict.data, proof: verdict.why });
          matrix.push(matrixRow(route, low.name, `403 (needs ${route.roles!.join('/')})`, attack, verdict.data ? 'leak' : 'ok'));
          continue;
        }
        // Writes: only harmless ones — re-stating the member's own role on itself, or creating new objects.
        const pathParams = route.params.filter((p) => p.in === 'path');
        const selfOnly = pathParams.every((p) => p.tenant || /^(?:user|member|account)?[-_]?id$/i.test(p.name)) && /\/(?:users?|members?|accounts?)\//i.test(route.path);
        if (ctx.options.allowWrites && route.method !== 'DELETE' && pathParams.length > 0 && !selfOnly && !resolvePath(inv, low.name, route, { createdOnly: true })) {
          // --allow-writes: the member writes to an existing object it may see but not change
          // (the privileged identity's, else its own); proven by the privileged identity's read-back, restored.
          const owner = (high && resolvePath(inv, high.name, route) ? high : undefined) ?? low;
          const target = resolvePath(inv, owner.name, route);
          const read = target ? readRouteFor(routes, route, target.path) : undefined;
          const body = patchBodyFor(route, `${inv.marker}b${(tamper++).toString(36)}`);
          if (!target || !read || !body) {
            out.notTested.push({ route, check: 'bfla', reason: !target ? whyUnresolved(inv, owner.name, route) : !read ? 'no GET route to read the object back before and after, so a write to existing data is not risked' : 'no request body is known for it (no schema, no recorded example)' });
            continue;
          }
          const marker = Object.values(body).find((v): v is string => typeof v === 'string' && v.startsWith(inv.marker)) ?? inv.marker;
          const reader = owner;
          const before = await send(reader, 'GET', read.path);
          if (!isSuccess(before)) {
            out.notTested.push({ route, check: 'bfla', reason: `${reader.name} could not read the object first (GET ${read.route.path} → ${statusText(before)})` });
            continue;
          }
          const attack = await send(low, route.method, target.path, body);
          const after = await send(reader, 'GET', read.path);
          const changed = isSuccess(attack) && isSuccess(after) && (after.response?.text().includes(marker) ?? false);
          let restoreNote = '';
          if (changed) {
            const r = await restoreObject(route, reader, target.path, before, read.path, body, marker, send);
            restoreNote = `; ${r.outcome}`;
            if (!r.ok) out.cleanup.push(r.outcome);
          }
          out.bfla.push({ route, identity: low.name, role: low.role, privileged: { identity: reader.name, exchange: before }, attack, leaked: changed, proof: changed ? `${low.name} (${low.role}) changed ${reader.name === low.name ? 'its own' : `${reader.name}'s`} object through an admin-only route: ${reader.name} reads the marker back${restoreNote}` : `refused or without effect (${statusText(attack)})` });
          matrix.push(matrixRow(route, low.name, `403 (needs ${route.roles!.join('/')})`, attack, changed ? 'leak' : 'ok'));
          continue;
        }
        if (route.method === 'DELETE' || (pathParams.length > 0 && !selfOnly)) {
          const created = resolvePath(inv, low.name, route, { createdOnly: true });
          if (!created || route.method === 'DELETE') {
            out.notTested.push({ route, check: 'bfla', reason: route.method === 'DELETE' ? 'a DELETE of existing data cannot be undone: it is only sent to objects this run created' : `a ${route.method} here would change existing data: rerun with --allow-writes (read back and restored)` });
            matrix.push({ method: route.method, path: route.path, identity: low.name, expected: `403 (needs ${route.roles!.join('/')})`, observed: 'not sent', verdict: 'not-tested' });
            continue;
          }
        }
        const values: Record<string, string | undefined> = { ...ownPathValues(route, low) };
        for (const p of pathParams) if (!p.tenant) values[p.name] = low.profile.userId;
        const path = fillPath(route.path, values);
        const body = route.requestSchema !== undefined ? sampleFromSchema(route.requestSchema, { marker: `${inv.marker}f`, values: { role: low.role, roles: [low.role] } }) : {};
        if (!path || !low.profile.userId && pathParams.some((p) => !p.tenant)) {
          out.notTested.push({ route, check: 'bfla', reason: `${low.name}'s own user id is unknown (no profile route, no id in its login response or token) — add ${configHint(low.name, route, pathParams.filter((p) => !p.tenant).map((p) => p.name))}` });
          continue;
        }
        const attack = await send(low, route.method, path, body);
        const leaked = isSuccess(attack) && !isErrorBody(attack.response!.json()) && !isLoginPage(attack);
        out.bfla.push({ route, identity: low.name, role: low.role, attack, leaked, proof: leaked ? `the ${route.method} was carried out for a ${low.role} (${statusText(attack)}); the request only restated ${low.name}'s own values` : `refused (${statusText(attack)})` });
        matrix.push(matrixRow(route, low.name, `403 (needs ${route.roles!.join('/')})`, attack, leaked ? 'leak' : 'ok'));
      }

      // ---------------------------------------------------------------- mass assignment
      const member = actors.find((a) => !/admin|owner|super/i.test(a.role)) ?? actors[0];
      const other = member ? actors.find((a) => a.tenant !== member.tenant) : undefined;
      if (member) await massAssignment(ctx, inv, member, other, send, out, matrix);
    } finally {
      await cleanup(inv, send, out);
      ctx.contribute({ accessMatrix: matrix });
    }
    return out;
  },
});

const PRIV_FIELD = /^(?:role|roles|is_?admin|admin|is_?staff|is_?superuser|superuser|permissions|scopes|(?:email_?)?verified|is_?verified|email_?confirmed|approved|is_?approved|active|is_?active|plan|tier|credits|balance)$/i;

function privilegedValue(key: string, current: unknown): unknown {
  if (/^roles$/i.test(key)) return ['admin'];
  if (/^role$/i.test(key)) return 'admin';
  if (/permissions|scopes/i.test(key)) return ['*'];
  if (/plan|tier/i.test(key)) return 'enterprise';
  if (/credits|balance/i.test(key)) return 999999;
  return typeof current === 'number' ? 1 : true;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === true && b === 1) || (a === 1 && b === true)) return true;
  return JSON.stringify(a) === JSON.stringify(b) || (a !== undefined && b !== undefined && a !== null && b !== null && typeof a !== 'object' && String(a) === String(b));
}

function diffStuck(before: Record<string, unknown>, after: Record<string, unknown> | undefined, injected: Record<string, unknown>): Record<string, [unknown, unknown]> {
  const stuck: Record<string, [unknown, unknown]> = {};
  if (!after) return stuck;
  for (const [k, v] of Object.entries(injected)) {
    if (k in after && same(after[k], v) && !same(before[k], v)) stuck[k] = [before[k], after[k]];
  }
  // Indirect effects: `isAdmin: true` that turned `role` into admin.
  for (const k of Object.keys(after)) {
    if (k in stuck || (!PRIV_FIELD.test(k) && !isTenantName(k)) || (after[k] !== null && typeof after[k] === 'object')) continue;
    if (k in before && !same(before[k], after[k])) stuck[k] = [before[k], after[k]];
  }
  return stuck;
}

type Send = (a: Actor, method: string, path: string, json?: unknown) => Promise<HttpExchange>;

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The user object inside a profile response (`{user: {...}}` or the body itself). */
function profileObject(body: unknown): Record<string, unknown> | undefined {
  const o = asObject(body);
  if (!o) return undefined;
  for (const k of ['user', 'data', 'profile', 'account', 'me']) {
    const inner = asObject(o[k]);
    if (inner && ('id' in inner || 'email' in inner || 'role' in inner)) return inner;
  }
  return o;
}

async function massAssignment(ctx: GatherContext, inv: Inventory, member: Actor, other: Actor | undefined, send: Send, out: AccessProbe, matrix: AccessMatrixRow[]): Promise<void> {
  const routes = inv.routes;
  let tested = 0;
  // (a) The member's own profile: role, admin flags, tenant and verification fields. Restored after.
  const profileRoute = routes.find((r) => (r.method === 'PATCH' || r.method === 'PUT') && !r.path.includes('{') && PROFILE_PATH.test(r.path));
  const before = profileObject(member.profile.body);
  if (profileRoute && !ctx.options.allowWrites) {
    // The member's account is not an object this run created: changing it, even to restore it, needs consent.
    out.notTested.push({ route: profileRoute, check: 'mass-assignment', reason: `changing ${member.name}'s existing profile is a write to an object launchready did not create: rerun with --allow-writes to test it (creates are still tested)` });
  } else if (profileRoute && before && member.profile.path) {
    const injected: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(before)) {
      if (PRIV_FIELD.test(k) && !same(v, privilegedValue(k, v))) injected[k] = privilegedValue(k, v);
      if (isTenantName(k) && other) {
        const foreign = tenantValueFor(other.profile, k);
        if (foreign !== undefined && !same(foreign, v)) injected[k] = typeof v === 'number' ? Number(foreign) : foreign;
      }
    }
    injected['role'] ??= 'admin';
    injected['is_admin'] = true;
    injected['isAdmin'] = true;
    const editable = schemaFields(profileRoute.requestSchema).filter((f) => !(f in injected) && f in before && !/pass|email/i.test(f));
    const body: Record<string, unknown> = { ...Object.fromEntries(editable.map((f) => [f, before[f]])), ...injected };
    const request = await send(member, profileRoute.method, profileRoute.path, body);
    const readback = await send(member, 'GET', member.profile.path);
    const after = profileObject(readback.response?.json());
    const stuck = isSuccess(readback) ? diffStuck(before, after, injected) : {};
    const c: MassAssignmentCase = { route: profileRoute, identity: member.name, target: 'profile', injected, stuck, request, readback };
    if (Object.keys(stuck).length) {
      // Put the test account back the way it was (possible exactly because the fields are writable).
      const restore = Object.fromEntries(Object.keys(stuck).map((k) => [k, before[k]]));
      if ('role' in before) restore['role'] = before['role'];
      const undo = await send(member, profileRoute.method, profileRoute.path, { ...Object.fromEntries(editable.map((f) => [f, before[f]])), ...restore, is_admin: false, isAdmin: false });
      const check = await send(member, 'GET', member.profile.path);
      const now = profileObject(check.response?.json());
      const left = now ? Object.keys(stuck).filter((k) => !same(now[k], before[k])) : Object.keys(stuck);
      c.restored = left.length === 0 ? `restored (${statusText(undo)})` : `could not restore ${left.join(', ')} — fix ${member.name}'s account by hand`;
    }
    out.mass.push(c);
    matrix.push({ method: profileRoute.method, path: profileRoute.path, identity: member.name, expected: 'privileged fields ignored', observed: Object.keys(stuck).length ? `${Object.keys(stuck).join(', ')} changed` : statusText(request), verdict: Object.keys(stuck).length ? 'leak' : 'ok' });
    tested++;
  } else if (profileRoute) {
    out.notTested.push({ route: profileRoute, check: 'mass-assignment', reason: 'the member\'s profile could not be read back' });
  }

  // (b) Creates: server-managed fields of the object (tenant, owner) set to another tenant's values.
  const creates = inv.creates.filter((c) => c.identity === member.name && isSuccess(c.exchange)).slice(0, 3);
  for (const c of creates) {
    if (ctx.http.remaining < 30) break;
    const list = c.route.path;
    const keys = keyFieldsFor(routes, list);
    const sample = createdObject(c.exchange.response!.json(), list, keys);
    if (!sample) continue;
    const writable = new Set(schemaFields(c.route.requestSchema));
    const injected: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(sample)) {
      if (writable.has(k)) continue;
      if (isTenantName(k) && other) {
        const foreign = tenantValueFor(other.profile, k);
        if (foreign !== undefined && !same(foreign, v)) injected[k] = typeof v === 'number' ? Number(foreign) : foreign;
      } else if (isOwnerName(k) && other?.profile.userId && !same(other.profile.userId, v)) injected[k] = typeof v === 'number' ? Number(other.profile.userId) : other.profile.userId;
      else if (PRIV_FIELD.test(k) && typeof v !== 'object') injected[k] = privilegedValue(k, v);
    }
    if (Object.keys(injected).length === 0) continue;
    const marker = `${inv.marker}m${tested}`;
    const payload = { ...(bodyFor(c.route, marker) as Record<string, unknown>), ...injected };
    const path = fillPath(c.route.path, ownPathValues(c.route, member));
    if (!path) continue;
    const request = await send(member, 'POST', path, payload);
    tested++;
    const created = isSuccess(request) ? createdObject(request.response!.json(), list, keys) : undefined;
    const id = created ? idOf(created, list, keys) : undefined;
    let readback: HttpExchange | undefined;
    let readObj: Record<string, unknown> | undefined = created;
    let owner = member;
    if (id) {
      const getRoute = routes.find((r) => r.method === 'GET' && routeShape('GET', r.path) === routeShape('GET', `${list}/{}`));
      if (getRoute) {
        const gp = getRoute.path.replace(/\{[^}]+\}$/, encodeURIComponent(id.id));
        const p = fillPath(gp, ownPathValues(getRoute, member));
        if (p) {
          readback = await send(member, 'GET', p);
          if (!isSuccess(readback) && other) {
            // Filed under the other tenant? Then the other tenant can read it.
            const op = fillPath(gp, ownPathValues(getRoute, other));
            if (op) {
              const theirs = await send(other, 'GET', op);
              if (isSuccess(theirs)) {
                readback = theirs;
                owner = other;
              }
            }
          }
          readObj = isSuccess(readback) ? (createdObject(readback.response!.json(), list, keys) ?? readObj) : readObj;
        }
      }
      inv.objects.push({ owner: owner.name, collection: list, id: id.id, idField: id.idField, values: new Set([marker]), created: true, body: readObj, exchange: request });
    }
    const stuck = diffStuck(sample, readObj, injected);
    out.mass.push({ route: c.route, identity: member.name, target: 'create', injected, stuck, request, ...(readback ? { readback } : {}) });
    matrix.push({ method: 'POST', path: c.route.path, identity: member.name, expected: 'server-managed fields ignored', observed: Object.keys(stuck).length ? `${Object.keys(stuck).join(', ')} taken from the request` : statusText(request), verdict: Object.keys(stuck).length ? 'leak' : 'ok' });
  }
  tested += await signupMassAssignment(ctx, inv, member, send, out, matrix);
  if (tested === 0) out.skipped['mass-assignment'] = 'no profile update route, no create route with server-managed fields and no signup route (endpoints.signup) was found';
}

/** The DELETE for objects of a collection: `${collection}/{id}`, else a flat route for the same kind (`/documents/{documentUuid}`). */
export function deleteRouteFor(routes: Route[], collection: string): Route | undefined {
  const exact = routes.find((r) => r.method === 'DELETE' && routeShape('DELETE', r.path) === routeShape('DELETE', `${collection}/{}`));
  if (exact) return exact;
  const kind = singular(collection.split('/').filter((x) => x && !x.startsWith('{')).pop() ?? '');
  return routes.find((r) => {
    if (r.method !== 'DELETE') return false;
    const segs = r.path.split('/');
    const last = segs.at(-1) ?? '';
    const own = r.params.filter((p) => p.in === 'path' && !p.tenant);
    return own.length === 1 && last === `{${own[0]!.name}}` && (singular(segs.at(-2) ?? '') === kind || idStem(own[0]!.name) === kind);
  });
}

/** Deletes what the run created, as its owner (or whoever can see it now); says what was left. */
async function cleanup(inv: Inventory, send: Send, out: AccessProbe): Promise<void> {
  for (const o of inv.objects.filter((x) => x.created && !x.deleted)) {
    const del = deleteRouteFor(inv.routes, o.collection);
    if (!del) {
      out.cleanup.push(`left ${o.collection}/${o.id} (${o.owner}): the API has no DELETE for it`);
      continue;
    }
    let done = false;
    const order = [inv.actors.get(o.owner), ...[...inv.actors.values()].filter((a) => a.name !== o.owner)].filter((a): a is Actor => !!a);
    for (const a of order) {
      const path = fillPath(del.path.replace(/\{[^}]+\}$/, encodeURIComponent(o.id)), ownPathValues(del, a));
      if (!path) continue;
      try {
        const ex = await send(a, 'DELETE', path);
        if (isSuccess(ex) || ex.response?.status === 404 || ex.response?.status === 410) {
          if (isSuccess(ex)) {
            done = true;
            o.deleted = true;
            break;
          }
        }
      } catch (err) {
        if ((err as Error).name === 'BudgetExhausted' || (err as Error).name === 'RunAborted') {
          out.cleanup.push(`cleanup stopped: ${(err as Error).message}`);
          return;
        }
        throw err;
      }
    }
    out.cleanup.push(done ? `deleted ${o.collection}/${o.id}` : `could not delete ${o.collection}/${o.id} (${o.owner})`);
  }
}

export type { OwnedObject };

/** The fields of an object as its owner read it (`{ data: {...} }` unwrapped). */
function objectBody(ex: HttpExchange | undefined): Record<string, unknown> | undefined {
  const b = ex?.response?.json();
  if (!b || typeof b !== 'object' || Array.isArray(b)) return undefined;
  const o = b as Record<string, unknown>;
  const inner = o['data'];
  return inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : o;
}

/**
 * Puts the victim's object back after a proven cross-tenant write: the fields the attack sent, with
 * the values the victim read before, sent as the victim; then read back to confirm.
 */
async function restoreObject(route: Route, victim: Actor, path: string, before: HttpExchange, readPath: string, sent: Record<string, unknown>, marker: string, send: Send): Promise<NonNullable<BolaCase['restore']>> {
  const old = objectBody(before) ?? {};
  const body: Record<string, unknown> = {};
  for (const k of Object.keys(sent)) if (k in old) body[k] = old[k];
  if (route.method === 'PUT') for (const [k, v] of Object.entries(old)) if (!(k in body) && (typeof v !== 'object' || v === null)) body[k] = v;
  const put = await send(victim, route.method, path, body);
  const check = await send(victim, 'GET', readPath);
  const ok = isSuccess(check) && !(check.response?.text().includes(marker) ?? true);
  return {
    exchanges: [put, check],
    ok,
    outcome: ok ? `restored ${victim.name}'s object (${Object.keys(body).join(', ')}) as ${victim.name}: ${statusText(put)}, read back without the marker` : `could not restore ${victim.name}'s object at ${path} (${statusText(put)}, read back ${statusText(check)}): it still carries "${marker}" — fix it by hand`,
  };
}

/** Privileged fields a signup must ignore, with the values an attacker would send. */
export const SIGNUP_PRIVILEGED: Readonly<Record<string, unknown>> = {
  role: 'admin',
  roles: ['admin'],
  admin: true,
  is_admin: true,
  isAdmin: true,
  permissions: ['*'],
  verified: true,
  email_verified: true,
  emailVerified: true,
  is_staff: true,
  plan: 'enterprise',
};

/**
 * Signup with privileged fields, on a throw-away account: the account is then logged in (the login
 * flow of a configured identity, with the new credentials) and proven by read-back (its profile
 * shows the field) or by later powers (an admin-only read that the member identity is refused).
 */
async function signupMassAssignment(ctx: GatherContext, inv: Inventory, member: Actor, send: Send, out: AccessProbe, matrix: AccessMatrixRow[]): Promise<number> {
  const signupPath = ctx.config.endpoints.signup ?? inv.routes.find((r) => r.method === 'POST' && /sign-?up|register/i.test(r.path) && !r.path.includes('{'))?.path;
  if (!signupPath) return 0;
  const route = inv.routes.find((r) => r.method === 'POST' && r.path === signupPath) ?? { method: 'POST' as const, path: signupPath, source: 'config' as const, params: [] };
  const template = Object.entries(ctx.config.identities).find(([n, c]) => inv.actors.has(n) && loginCredentials(c).identifier && loginCredentials(c).password && c.login.kind !== 'bearer');
  if (!template) {
    out.notTested.push({ route, check: 'mass-assignment', reason: 'signup is tested with a throw-away account logged in through a configured identity\'s login flow; no identity logs in with an identifier and a password' });
    return 0;
  }
  const identifier = loginCredentials(template[1]).identifier!;
  const email = identifier.includes('@') ? `${inv.marker}-ma@${identifier.split('@')[1]}` : `${inv.marker}ma`;
  const password = `Lr-${inv.marker}-Ma1!`;
  ctx.http.registerSecret(password);
  const plain = flowBody(route, { email, password, name: `Launchready ${inv.marker}` }, inv.marker);
  const injected = { ...SIGNUP_PRIVILEGED };
  const request = await ctx.http.request({ method: 'POST', url: new URL(signupPath, inv.base), json: { ...plain, ...injected }, area: 'authorization' });
  const c: MassAssignmentCase = { route, identity: 'a throw-away signup', target: 'signup', injected, stuck: {}, request };
  if (!isSuccess(request)) {
    c.restored = `the signup with privileged fields was refused (${statusText(request)})`;
    out.mass.push(c);
    matrix.push({ method: 'POST', path: signupPath, identity: 'anonymous (signup)', expected: 'privileged fields ignored', observed: statusText(request), verdict: 'ok' });
    return 1;
  }
  const cfg = loginWithCredentials(template[1], { identifier: identifier.includes('@') ? email : email, password });
  let session;
  try {
    session = cfg ? await login(ctx.http, inv.base, 'throwaway (signup)', cfg) : undefined;
  } catch (err) {
    if (err instanceof Error && /BudgetExhausted|RunAborted|LoopbackViolation|ScopeViolation/.test(err.name)) throw err;
  }
  const before: Record<string, unknown> = Object.fromEntries(Object.keys(injected).map((k) => [k, undefined]));
  if (!session) {
    // Read-back from the signup response itself.
    const created = profileObject(request.response!.json());
    c.stuck = created ? diffStuck(before, created, injected) : {};
    out.mass.push(c);
    out.cleanup.push(`left the throw-away account ${email} (created by the signup test)`);
    return 1;
  }
  const actor: Actor = { name: 'throwaway (signup)', session, tenant: 'throwaway', role: 'unknown', profile: { tenantValues: new Map() } };
  const profilePath = member.profile.path;
  if (profilePath) {
    const readback = await send(actor, 'GET', profilePath);
    c.readback = readback;
    const after = isSuccess(readback) ? profileObject(readback.response!.json()) : undefined;
    // The member's account is the normal result of a signup: privileged fields that differ from it stuck.
    const normal = profileObject(member.profile.body) ?? {};
    const stuck = diffStuck({ ...before, ...Object.fromEntries(Object.keys(normal).filter((k) => PRIV_FIELD.test(k)).map((k) => [k, normal[k]])) }, after, injected);
    c.stuck = Object.fromEntries(Object.entries(stuck).filter(([k, [b, a]]) => PRIV_FIELD.test(k) && !(b === undefined && (a === false || a === null || a === 0))));
  }
  if (Object.keys(c.stuck).length === 0) {
    // Later powers: an admin-only read the member is refused.
    const adminReads = inv.routes.filter((r) => r.method === 'GET' && r.roles?.includes('admin') && !r.path.includes('{')).slice(0, 3);
    for (const r of adminReads) {
      const mine = await send(member, 'GET', r.path);
      if (isSuccess(mine)) continue;
      const theirs = await send(actor, 'GET', r.path);
      if (isSuccess(theirs) && carriesData(theirs).data) {
        c.stuck = { [`admin access (${r.path})`]: [`${member.name}: ${statusText(mine)}`, `throw-away: ${statusText(theirs)}`] };
        c.readback = theirs;
        break;
      }
    }
  }
  const del = inv.routes.find((r) => r.method === 'DELETE' && !r.path.includes('{') && PROFILE_PATH.test(r.path));
  if (del) {
    const gone = await send(actor, 'DELETE', del.path);
    out.cleanup.push(isSuccess(gone) ? `deleted the throw-away account ${email}` : `could not delete the throw-away account ${email} (${statusText(gone)})`);
  } else out.cleanup.push(`left the throw-away account ${email} (the API has no route to delete one's own account)`);
  out.mass.push(c);
  matrix.push({ method: 'POST', path: signupPath, identity: 'throw-away signup', expected: 'privileged fields ignored', observed: Object.keys(c.stuck).length ? `${Object.keys(c.stuck).join(', ')} taken from the signup` : statusText(request), verdict: Object.keys(c.stuck).length ? 'leak' : 'ok' });
  return 1;
}
