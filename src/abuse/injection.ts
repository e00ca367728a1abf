import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import { requestAs } from '../identity/request-as.js';
import type { Session } from '../identity/session.js';
import type { HttpExchange } from '../net/http.js';
import { apiSurfaceGatherer, type Route, type RouteParam } from '../surface/routes.js';
import { normalizeBody } from './compare.js';
import { abuseMarker } from './random.js';
import { sessionsIfAny } from './send.js';
import { abuseSettings } from './settings.js';

/**
 * Seeded injection probes for the path and query parameters of GET routes (reads: they change
 * nothing on a correct server, and on a vulnerable one they only read). Per parameter:
 * - the base value (an id the API lists itself, an example, or a plain value) and two values that
 *   match nothing, so the answer to "nothing" is known and known to be stable;
 * - a single and a double quote (a database error or stack trace in the answer proves the value
 *   reached a query unescaped);
 * - a boolean pair in a string context — `' AND 1=1 AND '1' LIKE '1` (true) vs `… 1=2 …` (false),
 *   with a second true value as the control — balanced for `= '…'` and `LIKE '%…%'` alike;
 * - for numeric values, the same pair unquoted and arithmetic (`43-1` answering like `42` while
 *   `43-0` does not);
 * - a MongoDB operator (`param[$ne]=…`) for query parameters, and a path-traversal value.
 * The check (src/checks/input-validation/path-query-injection.ts) judges the answers.
 */
export type SlotKind = 'path' | 'query';

export interface InjectionSlot {
  /** "GET /api/products/{id}". */
  route: string;
  param: string;
  in: SlotKind;
  base: string;
  /** Where the base value came from, in words. */
  baseFrom: string;
}

export interface InjectionProbe {
  slot: InjectionSlot;
  /** Probe name → the exchange ("base", "absent", "absent2", "quote", "dquote", "true", "true2", "false", "num-true", "num-true2", "num-false", "arith", "arith-control", "nosql", "traversal"). */
  answers: Record<string, { value: string; exchange: HttpExchange }>;
}

export interface InjectionEvidence {
  seed: number;
  probes: InjectionProbe[];
  notTested: Array<{ route: string; reason: string }>;
  stoppedBy?: string;
  requests: number;
  wallMs: number;
}

export const injectionGatherer = defineGatherer<InjectionEvidence>({
  id: 'abuse/path-query-injection',
  gather: (ctx) => probeInjection(ctx),
});

const SKIP = /log-?out|sign-?out|webhook|unsubscribe|delete|remove|destroy|reset|verify|confirm|callback/i;

function sessionFor(route: Route, sessions: Session[]): Session | undefined {
  if (route.roles?.length) return sessions.find((s) => route.roles!.includes(s.role));
  const members = sessions.filter((s) => s.role !== 'admin');
  return members.find((s) => s.bearer || s.header) ?? members[0] ?? sessions[0];
}

/** A plain value for a parameter from its schema (example, default, first enum value) or its type. */
function exampleFor(p: RouteParam): string {
  const s = (p.schema ?? {}) as Record<string, unknown>;
  for (const v of [s['example'], s['default'], Array.isArray(s['enum']) ? (s['enum'] as unknown[])[0] : undefined]) {
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  if (s['type'] === 'integer' || s['type'] === 'number') return '1';
  return 'a';
}

/** The first item of a list answer: a bare array, or one under data/items/results/… */
function firstItem(body: unknown): Record<string, unknown> | undefined {
  const list = Array.isArray(body) ? body : body && typeof body === 'object' ? Object.values(body as Record<string, unknown>).find(Array.isArray) : undefined;
  const first = (list as unknown[] | undefined)?.[0];
  return first && typeof first === 'object' && !Array.isArray(first) ? (first as Record<string, unknown>) : undefined;
}

function valueOf(item: Record<string, unknown>, param: string): string | undefined {
  const stem = param.replace(/[-_]?id$/i, '');
  for (const k of [param, 'id', `${stem}_id`, `${stem}Id`, 'slug', 'name', 'uuid']) {
    const v = item[k];
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
}

async function probeInjection(ctx: GatherContext): Promise<InjectionEvidence> {
  const base = ctx.target.baseUrl;
  if (!base) throw new NotApplicable('no target URL');
  const settings = abuseSettings(ctx);
  const { routes } = await ctx.gather(apiSurfaceGatherer);
  const sessions = [...(await sessionsIfAny(ctx)).values()];
  const marker = abuseMarker(ctx.options.seed);
  const evidence: InjectionEvidence = { seed: ctx.options.seed, probes: [], notTested: [], requests: 0, wallMs: 0 };
  const start = ctx.http.stats.requests;
  const t0 = performance.now();
  const spent = (): number => ctx.http.stats.requests - start;
  const bound = (): string | undefined => {
    if (spent() >= settings.injectionMaxRequests) return `the ${settings.injectionMaxRequests}-request bound`;
    if (performance.now() - t0 > settings.injectionDeadlineMs) return `the ${settings.injectionDeadlineMs} ms bound`;
    return undefined;
  };
  const get = (url: URL, route: Route, session: Session | undefined): Promise<HttpExchange> => {
    const req = { method: 'GET', url, area: 'input-validation' as const, timeoutMs: settings.fuzzRequestTimeoutMs, headers: { accept: 'application/json, */*;q=0.5' } };
    return session ? requestAs(ctx.http, session, base, req) : ctx.http.request(req);
  };

  const reads = routes.filter((r) => r.method === 'GET' && !SKIP.test(r.path) && (r.path.includes('{') || r.params.some((p) => p.in === 'query')));
  if (reads.length === 0) throw new NotApplicable('the API surface has no GET route with a path or query parameter');
  const slots: Array<{ route: Route; param: RouteParam }> = [];
  for (const r of reads.sort((a, b) => a.path.localeCompare(b.path))) {
    for (const p of [...r.params.filter((x) => x.in === 'path'), ...r.params.filter((x) => x.in === 'query')]) slots.push({ route: r, param: p });
    for (const m of r.path.matchAll(/\{([^}]+)\}/g)) if (!r.params.some((p) => p.in === 'path' && p.name === m[1])) slots.push({ route: r, param: { name: m[1]!, in: 'path', required: true } });
  }
  const bases = new Map<string, { value: string; from: string }>();

  /** An existing value for a path parameter: from a recorded call, the collection's own list, or a guess. */
  const baseFor = async (route: Route, p: RouteParam, session: Session | undefined): Promise<{ value: string; from: string }> => {
    const key = `${route.path}|${p.in}|${p.name}`;
    const known = bases.get(key);
    if (known) return known;
    let found: { value: string; from: string } | undefined;
    const recorded = route.examples?.find((e) => e.pathValues?.[p.name])?.pathValues?.[p.name];
    if (recorded) found = { value: recorded, from: 'a recorded call' };
    if (!found && p.in === 'path') {
      const prefix = route.path.slice(0, route.path.indexOf(`{${p.name}}`)).replace(/\/$/, '');
      const list = routes.find((r) => r.method === 'GET' && r.path === prefix);
      if (list && !prefix.includes('{') && !bound()) {
        const ex = await get(new URL(prefix, base), list, session);
        const item = ex.response && ex.response.status < 300 ? firstItem(ex.response.json()) : undefined;
        const v = item ? valueOf(item, p.name) : undefined;
        if (v) found = { value: v, from: `the first item of GET ${prefix}` };
      }
    }
    found ??= { value: exampleFor(p), from: 'the parameter schema or a plain value' };
    bases.set(key, found);
    return found;
  };

  for (const { route, param } of slots) {
    const label = `${route.method} ${route.path}`;
    if (evidence.probes.length >= settings.injectionMaxSlots) {
      evidence.notTested.push({ route: `${label} (${param.in} ${param.name})`, reason: `not reached: the ${settings.injectionMaxSlots}-parameter bound` });
      continue;
    }
    const stop = bound();
    if (stop) {
      evidence.stoppedBy = stop;
      evidence.notTested.push({ route: `${label} (${param.in} ${param.name})`, reason: `not reached: ${stop} was spent` });
      continue;
    }
    let session: Session | undefined;
    if (route.auth !== false) {
      session = sessionFor(route, sessions);
      if (!session && route.auth === true) {
        evidence.notTested.push({ route: `${label} (${param.in} ${param.name})`, reason: 'it needs a logged-in identity and none is configured' });
        continue;
      }
    }
    // Every other parameter keeps a plain value; the one under test gets the payloads.
    const others: Record<string, string> = {};
    for (const p of route.params) if (p !== param && (p.in === 'path' || (p.in === 'query' && p.required))) others[`${p.in}:${p.name}`] = (await baseFor(route, p, session)).value;
    for (const m of route.path.matchAll(/\{([^}]+)\}/g)) if (m[1] !== param.name || param.in !== 'path') others[`path:${m[1]}`] ??= (await baseFor(route, { name: m[1]!, in: 'path', required: true }, session)).value;
    const b = await baseFor(route, param, session);
    const urlFor = (value: string, raw = false): URL => {
      let path = route.path;
      for (const m of route.path.matchAll(/\{([^}]+)\}/g)) {
        const v = param.in === 'path' && m[1] === param.name ? value : (others[`path:${m[1]}`] ?? '1');
        path = path.replace(`{${m[1]}}`, encodeURIComponent(v));
      }
      const u = new URL(path, base);
      for (const [k, v] of Object.entries(others)) if (k.startsWith('query:')) u.searchParams.set(k.slice(6), v);
      if (param.in === 'query') {
        if (raw && value) u.search = `${u.search ? `${u.search}&` : ''}${value}`;
        else if (!raw) u.searchParams.set(param.name, value);
      }
      return u;
    };
    const probe: InjectionProbe = { slot: { route: label, param: param.name, in: param.in as SlotKind, base: b.value, baseFrom: b.from }, answers: {} };
    const send = async (name: string, value: string, raw = false): Promise<HttpExchange | undefined> => {
      if (bound()) return undefined;
      const ex = await get(urlFor(value, raw), route, session);
      probe.answers[name] = { value, exchange: ex };
      return ex;
    };
    const payloads: Array<[string, string, boolean?]> = [
      ['base', b.value],
      ['absent', `${marker}x1`],
      ['absent2', `${marker}x2`],
      ['quote', `${b.value}'`],
      ['dquote', `${b.value}"`],
      ['true', `${b.value}' AND 1=1 AND '1' LIKE '1`],
      ['true2', `${b.value}' AND 2=2 AND '1' LIKE '1`],
      ['false', `${b.value}' AND 1=2 AND '1' LIKE '1`],
    ];
    if (/^\d+$/.test(b.value)) {
      const n = Number(b.value);
      payloads.push(['num-true', `${n} AND 1=1`], ['num-true2', `${n} AND 2=2`], ['num-false', `${n} AND 1=2`], ['arith', `${n + 1}-1`], ['arith-control', `${n + 1}-0`]);
    }
    if (param.in === 'query') {
      // The control: the same bracket form with a key that is no operator (a server that ignores brackets answers both alike).
      payloads.push(['nosql', `${encodeURIComponent(param.name)}%5B%24ne%5D=${encodeURIComponent(`${marker}x1`)}`, true]);
      payloads.push(['nosql-control', `${encodeURIComponent(param.name)}%5B${marker}%5D=${encodeURIComponent(`${marker}x1`)}`, true]);
    }
    payloads.push(['traversal', '../../../../../../etc/passwd']);
    // The parameter left out altogether (a handler that assumes it is there crashes).
    if (param.in === 'query') payloads.push(['omitted', '', true]);
    evidence.probes.push(probe);
    for (const [name, value, raw] of payloads) {
      const ex = await send(name, value, raw);
      if (!ex) {
        evidence.stoppedBy = bound();
        break;
      }
      // The target struggled after this request: no more probes of this kind on it.
      if (ex.health && !ex.health.targetHealthy) break;
    }
  }
  evidence.requests = spent();
  evidence.wallMs = Math.round(performance.now() - t0);
  ctx.contribute({ facts: { 'input-validation-injection': { requests: evidence.requests, wallMs: evidence.wallMs, parameters: evidence.probes.length, seed: evidence.seed } } });
  return evidence;
}

/**
 * What an answer looks like once what legitimately varies is taken out: an echo of an injected
 * value (never the base value itself, which the answer may rightly contain), ids, times, numbers.
 */
export function answerShape(ex: HttpExchange | undefined, value: string, base?: string): string | undefined {
  if (!ex) return undefined;
  if (!ex.response) return `error:${ex.error?.code ?? 'unknown'}`;
  const echo = value !== base && value.length >= 3 ? value : '';
  return `${ex.response.status}|${normalizeBody(ex.response.text(), echo)}`;
}
