import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import { requestAs } from '../identity/request-as.js';
import type { Session } from '../identity/session.js';
import type { HttpExchange } from '../net/http.js';
import { apiSurfaceGatherer, type Route } from '../surface/routes.js';
import { emailBody, kindOfConfigKey, kindOfRoute, loginBody, sensitiveEndpoints, signupBody, type BodySpec } from './endpoints.js';
import { casesFor, type FuzzCase } from './fuzz-payloads.js';
import { templateFor, type FuzzTemplate } from './fuzz-template.js';
import { abuseMarker, seededRng } from './random.js';
import { isFatal, sessionsIfAny } from './send.js';
import { abuseSettings } from './settings.js';

/**
 * The seeded invalid-input fuzzer. For each write route of the surface it builds the catalogue's
 * cases from the OpenAPI schema (or a recorded request) and sends them, bounded in count and time.
 * Writes land only on what the tool created: a throw-away parent object it makes first (deleted at
 * the end when the API has a DELETE), a made-up id, a login/signup/reset form, or a new object on a
 * collection. Routes that change something the tool does not own (a profile, a password) only get
 * the cases a correct server must reject — unless --allow-writes.
 */
/** Payloads that cannot change anything on any server: they do not parse as the declared type. */
const UNAPPLIABLE = new Set(['invalid-json', 'wrong-content-type']);

export interface FuzzAttempt {
  /** Route template, e.g. "POST /api/tickets". */
  route: string;
  case: Omit<FuzzCase, 'body'> & { bodyBytes: number };
  exchange: HttpExchange;
  /** The request went to something the tool created or to a made-up id. */
  owned: boolean;
}

export interface FuzzEvidence {
  seed: number;
  attempts: FuzzAttempt[];
  routes: string[];
  notTested: Array<{ route: string; reason: string }>;
  created: string[];
  deleted: string[];
  leftBehind: string[];
  /** Set when a bound (count or time) ended the run before every case was sent. */
  stoppedBy?: string;
  /** Size escalations that stopped early, and why (the answer time left normal, no answer, the target struggled). */
  escalationStops: Array<{ route: string; family: string; atLength: number; reason: string }>;
  /** Payload kinds no longer sent because one of them made the target stop answering. */
  stoppedFamilies: Array<{ payload: string; reason: string }>;
  maxRequests: number;
  deadlineMs: number;
  requests: number;
  wallMs: number;
}

export const fuzzGatherer = defineGatherer<FuzzEvidence>({
  id: 'abuse/invalid-payloads',
  gather(ctx) {
    return fuzz(ctx);
  },
});

const WRITE = new Set(['POST', 'PUT', 'PATCH']);
const SELF_SERVICE = new Set(['login', 'signup', 'reset', 'resend', 'token', 'otp', 'invite']);

function placeholderId(route: Route, param: string): string {
  const schema = route.params.find((p) => p.name === param)?.schema as { format?: string; type?: string } | undefined;
  return schema?.format === 'uuid' || /uuid|guid/i.test(param) ? '00000000-0000-4000-8000-00000000dead' : '999999999';
}

/** The id of a created object: the parameter's own name, `id`, `data.id`, `<stem>_id`, or the Location header. */
export function createdId(ex: HttpExchange, param: string): string | undefined {
  const body = ex.response?.json() as Record<string, unknown> | undefined;
  const scalar = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const data = body['data'] as Record<string, unknown> | undefined;
    const stem = param.replace(/[-_]?id$/i, '');
    for (const v of [body[param], body['id'], body['uuid'], data && typeof data === 'object' ? data['id'] : undefined, body[`${stem}_id`], body[`${stem}Id`]]) {
      const s = scalar(v);
      if (s) return s;
    }
    for (const inner of Object.values(body)) {
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
        const s = scalar((inner as Record<string, unknown>)['id']);
        if (s) return s;
      }
    }
  }
  const loc = ex.response?.headers['location'];
  const last = loc?.split('?')[0]?.split('/').filter(Boolean).pop();
  return last && /^[\w-]{1,64}$/.test(last) ? last : undefined;
}

function sessionFor(route: Route, sessions: Session[]): Session | undefined {
  if (route.roles?.length) return sessions.find((s) => route.roles!.includes(s.role));
  const members = sessions.filter((s) => s.role !== 'admin');
  return members.find((s) => s.bearer || s.header) ?? members[0] ?? sessions.find((s) => s.bearer || s.header) ?? sessions[0];
}

/** A size step slower than this is not sent again to confirm it (it is evidence enough, and costly). */
export const REPEAT_BELOW_MS = 5000;

/** Extra answer time that is still "normal" for a bigger body, ms. */
export const ESCALATION_SLACK_MS = 50;

/**
 * Why a size escalation must not take its next step, or undefined when it may: no answer, a target
 * that struggled, or an answer time that left normal (above the route's ordinary answers by more
 * than the slack) or grew faster than the input did.
 */
export function escalationHalt(ex: HttpExchange, length: number, prev: { length: number; ms: number } | undefined, ordinaryMs: readonly number[]): string | undefined {
  if (!ex.response) return `no answer at ${length.toLocaleString('en')} characters (${ex.error?.code ?? 'error'})`;
  if (ex.health && !ex.health.targetHealthy) return `the target struggled after ${length.toLocaleString('en')} characters`;
  const sorted = [...ordinaryMs].sort((a, b) => a - b);
  const normal = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : (prev?.ms ?? ex.timing.totalMs);
  const excess = ex.timing.totalMs - normal;
  if (excess > Math.max(ESCALATION_SLACK_MS, 2 * normal)) return `the answer took ${Math.round(ex.timing.totalMs)} ms at ${length.toLocaleString('en')} characters (ordinary answers: ${Math.round(normal)} ms)`;
  if (prev) {
    const prevExcess = Math.max(prev.ms - normal, 1);
    if (excess > ESCALATION_SLACK_MS / 2 && excess / prevExcess > 2 * (length / prev.length)) return `the answer time grew faster than the input (${Math.round(prev.ms)} → ${Math.round(ex.timing.totalMs)} ms)`;
  }
  return undefined;
}

/**
 * Whether the answer time from one size step to the next grew faster than the input: the time above
 * the route's ordinary answers (`normalMs`) grew 1.5 times faster than the length or more, and by at
 * least 100 ms.
 */
export function looksSuperLinear(prev: { length: number; ms: number }, cur: { length: number; ms: number }, normalMs: number): boolean {
  const ea = Math.max(prev.ms - normalMs, 1);
  const eb = cur.ms - normalMs;
  return eb >= 100 && eb / ea > 1.5 * (cur.length / prev.length);
}

/** Routes listed only under `endpoints:`, with a recorded body of the shape they take (never a real identity's credentials). */
export function endpointOnlyRoutes(ctx: GatherContext, surface: readonly Route[], marker: string): Route[] {
  const out: Route[] = [];
  const known = new Set(surface.map((r) => `${r.method} ${r.path}`));
  for (const e of sensitiveEndpoints(ctx.config, surface)) {
    if (e.route || known.has(`${e.method} ${e.path}`) || !WRITE.has(e.method)) continue;
    const who = `${marker}-fuzz@example.com`;
    const pass = `Fuzz-${marker}-1!`;
    let body: BodySpec | undefined;
    if (e.kind === 'login') body = loginBody(ctx.config, e, who, pass);
    else if (e.kind === 'signup') body = signupBody(ctx.config, e, who, pass, marker);
    else if (e.kind === 'reset' || e.kind === 'resend') body = emailBody(e, who);
    if (!body) continue;
    const example = body.form
      ? { url: e.path, requestBody: new URLSearchParams(body.form).toString(), contentType: 'application/x-www-form-urlencoded' }
      : { url: e.path, requestBody: JSON.stringify(body.json ?? {}), contentType: 'application/json' };
    out.push({ method: e.method as Route['method'], path: e.path, source: 'config', auth: false, params: [], examples: [example] });
    known.add(`${e.method} ${e.path}`);
  }
  return out;
}

async function fuzz(ctx: GatherContext): Promise<FuzzEvidence> {
  const base = ctx.target.baseUrl;
  if (!base) throw new NotApplicable('no target URL');
  const settings = abuseSettings(ctx);
  const marker0 = abuseMarker(ctx.options.seed);
  let surface: Route[] = [];
  try {
    surface = (await ctx.gather(apiSurfaceGatherer)).routes;
  } catch (err) {
    if (isFatal(err)) throw err;
  }
  // Routes named only under endpoints: (a login the OpenAPI document does not list) are fuzzed too,
  // starting from the body the identity config (or the endpoint's kind) says they take.
  const routes = [...surface, ...endpointOnlyRoutes(ctx, surface, marker0)];
  const sessions = [...(await sessionsIfAny(ctx)).values()];
  const marker = abuseMarker(ctx.options.seed);
  const configKinds = new Map<string, string>();
  const excluded = new Set<string>();
  for (const [key, value] of Object.entries(ctx.config.endpoints)) {
    if (typeof value !== 'string') continue;
    const path = value.replace(/^[A-Z]+\s+/, '');
    const kind = kindOfConfigKey(key);
    if (kind) configKinds.set(path, kind);
    if (/logout|sign-?out/i.test(key)) excluded.add(path);
  }
  for (const w of ctx.config.webhooks) excluded.add(new URL(w.url, base).pathname);
  const isExcludedRoute = (r: Route): boolean => excluded.has(r.path) || /log-?out|sign-?out|webhook/i.test(r.path);

  const targets = routes
    .filter((r) => WRITE.has(r.method) && !isExcludedRoute(r))
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .slice(0, settings.fuzzMaxRoutes);
  if (targets.length === 0) throw new NotApplicable('the API surface has no POST, PUT or PATCH route to send invalid payloads to');

  const evidence: FuzzEvidence = {
    seed: ctx.options.seed,
    attempts: [],
    routes: [],
    notTested: [],
    created: [],
    deleted: [],
    leftBehind: [],
    escalationStops: [],
    stoppedFamilies: [],
    maxRequests: settings.fuzzMaxRequests,
    deadlineMs: settings.fuzzDeadlineMs,
    requests: 0,
    wallMs: 0,
  };
  /** Payload kinds that made the target struggle: never sent again in this run. */
  const stopped = new Map<string, string>();
  const startRequests = ctx.http.stats.requests;
  const t0 = performance.now();
  const cleanups: Array<{ path: string; session?: Session; label: string }> = [];
  const parents = new Map<string, string>();
  const spent = (): number => ctx.http.stats.requests - startRequests;
  /** `reserve`: requests the next step may add (a case on a collection may create an object to delete). */
  const outOfBounds = (reserve = 0): string | undefined => {
    if (spent() + cleanups.length + reserve >= settings.fuzzMaxRequests) return `the ${settings.fuzzMaxRequests}-request bound`;
    if (performance.now() - t0 > settings.fuzzDeadlineMs) return `the ${settings.fuzzDeadlineMs} ms bound`;
    return undefined;
  };
  const send = (method: string, path: string, session: Session | undefined, body?: { contentType: string; body: string; bodyExpr?: string }): Promise<HttpExchange> => {
    const url = new URL(path, base);
    const headers: Record<string, string> = body ? { 'content-type': body.contentType } : {};
    const common = {
      method,
      url,
      headers,
      ...(body ? { body: body.body } : {}),
      ...(body?.bodyExpr ? { bodyExpr: body.bodyExpr } : {}),
      area: 'input-validation' as const,
      timeoutMs: settings.fuzzRequestTimeoutMs,
    };
    return session ? requestAs(ctx.http, session, base, common) : ctx.http.request(common);
  };
  const shape = (p: string): string => p.replace(/\{[^}]+\}/g, '{}');
  const hasDelete = (template: string): boolean => routes.some((r) => r.method === 'DELETE' && shape(r.path) === shape(template));

  /** Fills each path parameter with an object this run created (via the parent collection's POST) or a made-up id. */
  const resolvePath = async (route: Route, session: Session | undefined): Promise<string | undefined> => {
    let concrete = route.path;
    for (const m of [...route.path.matchAll(/\{([^}]+)\}/g)]) {
      const param = m[1]!;
      const prefixTemplate = route.path.slice(0, m.index).replace(/\/$/, '');
      const itemTemplate = `${prefixTemplate}/{${param}}`;
      const prefixConcrete = concrete.slice(0, concrete.indexOf(`{${param}}`)).replace(/\/$/, '');
      const cacheKey = `${prefixConcrete}|${session?.identity ?? ''}`;
      let id = parents.get(cacheKey);
      const create = routes.find((r) => r.method === 'POST' && r.path === prefixTemplate);
      if (!id && create && !prefixConcrete.includes('{')) {
        const t = templateFor(create, marker);
        if (t && t.encoding === 'json' && !outOfBounds(1)) {
          const ex = await send('POST', prefixConcrete, session, { contentType: 'application/json', body: JSON.stringify(t.valid) });
          const got = ex.response && ex.response.status < 300 ? createdId(ex, param) : undefined;
          if (got) {
            id = got;
            const path = `${prefixConcrete}/${encodeURIComponent(got)}`;
            evidence.created.push(`POST ${prefixConcrete} → ${path} (parent for the fuzz cases)`);
            if (hasDelete(itemTemplate)) cleanups.push({ path, ...(session ? { session } : {}), label: path });
            else evidence.leftBehind.push(`${path} (the API has no DELETE ${itemTemplate})`);
          }
        }
      }
      id ??= placeholderId(route, param);
      parents.set(cacheKey, id);
      concrete = concrete.replace(`{${param}}`, encodeURIComponent(id));
    }
    return concrete;
  };

  for (const route of targets) {
    const label = `${route.method} ${route.path}`;
    const bound = outOfBounds();
    if (bound) {
      evidence.stoppedBy = bound;
      evidence.notTested.push({ route: label, reason: `not reached: ${bound} was spent` });
      continue;
    }
    const kind = kindOfRoute(route) ?? configKinds.get(route.path);
    const selfService = kind !== undefined && SELF_SERVICE.has(kind);
    let session: Session | undefined;
    if (route.auth !== false && !selfService) {
      session = sessionFor(route, sessions);
      if (!session) {
        evidence.notTested.push({ route: label, reason: sessions.length ? `no configured identity has a role this route allows (${route.roles?.join(', ')})` : 'it needs a logged-in identity and none is configured' });
        continue;
      }
    }
    const hasParams = route.path.includes('{');
    const isCollection = route.method === 'POST' && !hasParams && routes.some((r) => r.path.startsWith(`${route.path}/{`));
    const owned = selfService || hasParams || isCollection;
    const template: FuzzTemplate | undefined = templateFor(route, marker) ?? (owned ? { valid: {}, fields: [], required: [], schemaKnown: false, closed: false, encoding: 'json' } : undefined);
    if (!template) {
      evidence.notTested.push({ route: label, reason: 'no request schema or recorded request, and it changes something launchready did not create' });
      continue;
    }
    const rng = seededRng(ctx.options.seed, label);
    let cases = casesFor(template, { rng, marker, hugeStringLength: settings.hugeStringLength, nestingDepth: settings.nestingDepth });
    // On an object launchready did not create, send only what no server can apply, however lax:
    // a body that does not parse. Even a must-reject payload changes data on a broken server.
    if (!owned && !ctx.options.allowWrites) cases = cases.filter((c) => c.mustReject && UNAPPLIABLE.has(c.payload));
    if (cases.length === 0) {
      evidence.notTested.push({ route: label, reason: 'no payload a correct server must reject could be built for it (writes to objects launchready did not create need --allow-writes)' });
      continue;
    }
    const path = hasParams ? await resolvePath(route, session) : route.path;
    if (!path) continue;
    evidence.routes.push(label);
    /** Answer times of this route's ordinary (non-escalating) cases: what "normal" means here. */
    const ordinaryMs: number[] = [];
    const lastStep = new Map<string, { length: number; ms: number; halted?: string }>();
    const queue = [...cases];
    for (let qi = 0; qi < queue.length; qi++) {
      const c = queue[qi]!;
      const b = outOfBounds(isCollection ? 1 : 0);
      if (b) {
        evidence.stoppedBy = b;
        break;
      }
      if (stopped.has(c.payload)) continue;
      if (c.escalation && c.escalation.step > 0 && !c.repeat) {
        const prev = lastStep.get(c.escalation.family);
        if (!prev || prev.halted) continue;
      }
      const ex = await send(route.method, path, session, c);
      const { body, ...rest } = c;
      evidence.attempts.push({ route: label, case: { ...rest, bodyBytes: Buffer.byteLength(body) }, exchange: ex, owned: owned || ctx.options.allowWrites });
      // The target itself struggled after this request: this kind of payload is not sent again.
      if (ex.health && !ex.health.targetHealthy) {
        const why = `${c.payload} made the target stop answering (${label}, request ${ex.seq ?? '?'})`;
        stopped.set(c.payload, why);
        evidence.stoppedFamilies.push({ payload: c.payload, reason: why });
      }
      if (!c.escalation && ex.response) ordinaryMs.push(ex.timing.totalMs);
      if (c.escalation && !c.repeat) {
        const prev = lastStep.get(c.escalation.family);
        const halted = escalationHalt(ex, c.escalation.length, prev, ordinaryMs);
        // An answer time that looks super-linear is measured once more at both sizes (the smaller
        // answer counts): a single slow answer on a busy machine or network is not a finding.
        const sorted = [...ordinaryMs].sort((x, y) => x - y);
        const normal = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : (prev?.ms ?? ex.timing.totalMs);
        if (prev && ex.response && (!ex.health || ex.health.targetHealthy) && ex.timing.totalMs < REPEAT_BELOW_MS && looksSuperLinear(prev, { length: c.escalation.length, ms: ex.timing.totalMs }, normal)) {
          const before = cases.find((k) => k.escalation?.family === c.escalation!.family && k.escalation.length === prev.length);
          if (before) queue.splice(qi + 1, 0, { ...before, repeat: true }, { ...c, repeat: true });
        }
        lastStep.set(c.escalation.family, { length: c.escalation.length, ms: ex.timing.totalMs, ...(halted ? { halted } : {}) });
        if (halted && cases.some((k) => k.escalation?.family === c.escalation!.family && k.escalation.step > c.escalation!.step)) {
          evidence.escalationStops.push({ route: label, family: c.escalation.family, atLength: c.escalation.length, reason: halted });
        }
      }
      if (!isCollection && !hasParams && selfService && (kind === 'signup' || kind === 'invite') && ex.response && ex.response.status >= 200 && ex.response.status < 300) {
        evidence.leftBehind.push(`whatever ${label} created for ${c.payload} (HTTP ${ex.response.status}; values carry the marker ${marker})`);
      }
      // Anything a fuzz case created on a collection is the tool's own: remove it where the API allows.
      if (isCollection && ex.response && ex.response.status >= 200 && ex.response.status < 300) {
        const id = createdId(ex, 'id');
        const item = hasDelete(`${route.path}/{id}`);
        if (id && item) cleanups.push({ path: `${route.path}/${encodeURIComponent(id)}`, ...(session ? { session } : {}), label: `${route.path}/${id}` });
        else evidence.leftBehind.push(`${id ? `${route.path}/${id}` : `an object on ${route.path}`} created by ${c.payload}${item ? '' : ' (the API has no DELETE for it)'}`);
        if (id) evidence.created.push(`${label} → ${route.path}/${id} (accepted ${c.payload})`);
      }
    }
  }
  // Clean-up runs even after a bound: its requests were reserved.
  for (const c of cleanups.reverse()) {
    const ex = await send('DELETE', c.path, c.session);
    if (ex.response && ex.response.status < 300) evidence.deleted.push(c.label);
    else evidence.leftBehind.push(`${c.label} (DELETE answered ${ex.response?.status ?? ex.error?.code})`);
  }
  evidence.requests = spent();
  evidence.wallMs = Math.round(performance.now() - t0);
  ctx.contribute({ facts: { 'input-validation-fuzz': { requests: evidence.requests, wallMs: evidence.wallMs, routes: evidence.routes.length, cases: evidence.attempts.length, seed: evidence.seed } } });
  return evidence;
}
