import type { IdentityConfig, LoginConfig, RequestStep } from '../config/schema.js';
import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import type { HttpClient, HttpExchange } from '../net/http.js';
import { CookieJar } from './cookies.js';
import { getByPointer } from './json-pointer.js';
import { apiSurfaceGatherer, type Route } from '../surface/routes.js';

/** A logged-in identity: how to send its credentials, and the exchanges that got them. */
export interface Session {
  identity: string;
  role: string;
  tenant?: string;
  kind: LoginConfig['kind'];
  bearer?: string;
  /** A static credential header (API key). */
  header?: { name: string; value: string };
  jar: CookieJar;
  loginExchanges: HttpExchange[];
  /** The signup of this identity (`register:`), when configured: ids it returns are learnt too. */
  registerExchange?: HttpExchange;
  /** undefined: no verify request configured; otherwise whether an authenticated request succeeded. */
  verified?: boolean;
  /** The request that proved the session works (configured `verify`, or a safe GET chosen from the surface). */
  verifyPath?: string;
  /** A synchronizer CSRF token the app handed out (login response or the verify response); sent on writes. */
  csrfToken?: string;
  /** The parsed body of the last successful login response (user id, tenant, email …). */
  loginBody?: unknown;
  /** Logs the same identity in again in place after its session expired mid-run; false when it cannot. */
  relogin?: () => Promise<boolean>;
  /** How many times this run re-logged the identity in (bounded). */
  relogins?: number;
}

export interface SessionsEvidence {
  sessions: Map<string, Session>;
  /** Identities that could not log in, with the reason a user can act on. */
  failures: Map<string, string>;
}

const CSRF_COOKIE = /^(?:_?csrf(?:[-_]?token)?|xsrf-token|_xsrf|csrftoken)$/i;
const TOKEN_POINTERS = ['/token', '/access_token', '/accessToken', '/jwt', '/data/token', '/data/access_token', '/session/access_token', '/id_token'];

/** Credential headers for a request by this session; writes carry a double-submit CSRF token when the app set one. */
export function credentialHeaders(s: Session, opts: { write?: boolean } = {}): Record<string, string> {
  const h: Record<string, string> = {};
  if (s.bearer) h['authorization'] = `Bearer ${s.bearer}`;
  if (s.header) h[s.header.name.toLowerCase()] = s.header.value;
  const cookie = s.jar.header();
  if (cookie) h['cookie'] = cookie;
  if (opts.write) {
    const csrf = s.jar.entries().find(([k]) => CSRF_COOKIE.test(k));
    if (csrf) h[/xsrf/i.test(csrf[0]) ? 'x-xsrf-token' : 'x-csrf-token'] = decodeURIComponent(csrf[1]);
    else if (s.csrfToken) h['x-csrf-token'] = s.csrfToken;
  }
  return h;
}

/** A CSRF token in a JSON body (`csrf_token`, `csrfToken`, `_csrf`, `xsrfToken` … at any depth ≤ 3). */
export function findCsrfToken(body: unknown, depth = 0): string | undefined {
  if (!body || typeof body !== 'object' || depth > 3) return undefined;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string' && /^_?(?:csrf|xsrf)(?:[-_]?token)?$/i.test(k) && v.length >= 8) return v;
  }
  for (const v of Object.values(body as Record<string, unknown>)) {
    const found = findCsrfToken(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function isCookieSession(s: Session): boolean {
  return !s.bearer && !s.header && s.jar.size > 0;
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, k: string) => vars[k] ?? m);
}

function fillDeep(v: unknown, vars: Record<string, string>): unknown {
  if (typeof v === 'string') return fill(v, vars);
  if (Array.isArray(v)) return v.map((x) => fillDeep(x, vars));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillDeep(x, vars)]));
  return v;
}

function extract(ex: HttpExchange, how: string, jar: CookieJar): string | undefined {
  const r = ex.response;
  if (!r) return undefined;
  if (how.startsWith('cookie:')) return jar.get(how.slice(7));
  if (how.startsWith('header:')) return r.headers[how.slice(7).toLowerCase()];
  if (how.length > 2 && how.startsWith('/') && how.endsWith('/') && !how.slice(1, -1).includes('/')) {
    const m = new RegExp(how.slice(1, -1)).exec(r.text());
    return m ? (m[1] ?? m[0]) : undefined;
  }
  if (how.startsWith('regex:')) {
    const m = new RegExp(how.slice(6)).exec(r.text());
    return m ? (m[1] ?? m[0]) : undefined;
  }
  const v = getByPointer(r.json(), how);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

export async function sendStep(
  http: HttpClient,
  base: URL,
  step: RequestStep | (Partial<RequestStep> & { url: string }),
  vars: Record<string, string>,
  jar: CookieJar,
  identity: string,
  extraHeaders: Record<string, string> = {},
): Promise<HttpExchange> {
  const headers: Record<string, string> = { ...extraHeaders, ...Object.fromEntries(Object.entries(step.headers ?? {}).map(([k, v]) => [k, fill(v, vars)])) };
  const cookie = jar.header();
  if (cookie && !headers['cookie']) headers['cookie'] = cookie;
  const ex = await http.request({
    method: step.method ?? 'POST',
    url: new URL(fill(step.url, vars), base),
    headers,
    ...(step.json !== undefined ? { json: fillDeep(step.json, vars) } : {}),
    ...(step.form ? { form: fillDeep(step.form, vars) as Record<string, string> } : {}),
    credentialed: true,
    identity,
    area: 'authentication',
  });
  if (ex.response) jar.update(ex.response.setCookies);
  return ex;
}

function describeFailure(ex: HttpExchange, what: string): string {
  if (ex.error) return `${what}: no response (${ex.error.code}: ${ex.error.message})`;
  return `${what}: HTTP ${ex.response!.status}`;
}

/** Logs one identity in. Throws an Error with a message a user can act on when it cannot. */
export async function login(http: HttpClient, base: URL, name: string, id: IdentityConfig, jar: CookieJar = new CookieJar()): Promise<Session> {
  const l = id.login;
  const s: Session = { identity: name, role: id.role, kind: l.kind, jar, loginExchanges: [], ...(id.tenant ? { tenant: id.tenant } : {}) };
  const secretsOf = (v: unknown): void => {
    if (typeof v === 'string') http.registerSecret(v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (/pass|secret|token|key/i.test(k) || typeof x === 'object') secretsOf(x);
  };
  switch (l.kind) {
    case 'bearer':
      s.bearer = l.token;
      break;
    case 'header':
      s.header = { name: l.name, value: l.value };
      break;
    case 'cookie':
      jar.set(l.name, l.value);
      break;
    case 'json':
    case 'form': {
      secretsOf(l.kind === 'json' ? l.json : l.form);
      const ex = await sendStep(http, base, { method: l.method, url: l.url, ...(l.kind === 'json' ? { json: l.json } : { form: l.form }), ...(l.headers ? { headers: l.headers } : {}) }, {}, jar, name);
      s.loginExchanges.push(ex);
      const status = ex.response?.status ?? 0;
      if (!ex.response || status >= 400) throw new Error(describeFailure(ex, `login of ${name} at ${l.url} failed`));
      s.loginBody = ex.response.json();
      if (l.kind === 'json' && (l.tokenPath || !l.cookie)) {
        const pointers = l.tokenPath ? [l.tokenPath] : TOKEN_POINTERS;
        for (const p of pointers) {
          const v = getByPointer(ex.response.json(), p);
          if (typeof v === 'string' && v.length > 0) {
            s.bearer = v;
            break;
          }
        }
        if (!s.bearer && l.tokenPath) throw new Error(`login of ${name} at ${l.url} answered HTTP ${status} but has no token at ${l.tokenPath}`);
      }
      if (l.cookie && !jar.get(l.cookie)) throw new Error(`login of ${name} at ${l.url} answered HTTP ${status} but set no "${l.cookie}" cookie`);
      if (!s.bearer && jar.size === 0) throw new Error(`login of ${name} at ${l.url} answered HTTP ${status} but returned neither a token nor a cookie`);
      break;
    }
    case 'steps': {
      const vars: Record<string, string> = {};
      for (const [i, step] of l.steps.entries()) {
        secretsOf(step.json ?? step.form);
        const ex = await sendStep(http, base, step, vars, jar, name);
        s.loginExchanges.push(ex);
        if (!ex.response || ex.response.status >= 400) throw new Error(describeFailure(ex, `login step ${i + 1} of ${name} (${step.method} ${step.url}) failed`));
        const body = ex.response.json();
        if (body !== undefined) s.loginBody = body;
        for (const [k, how] of Object.entries(step.extract ?? {})) {
          const v = extract(ex, how, jar);
          if (v === undefined) throw new Error(`login step ${i + 1} of ${name}: could not extract "${k}" with ${how}`);
          vars[k] = v;
          http.registerSecret(v);
        }
      }
      const use = fill(l.use, vars);
      if (use.startsWith('bearer:')) s.bearer = use.slice(7);
      else if (use.startsWith('header:')) {
        const [, hn = '', ...rest] = use.split(':');
        s.header = { name: hn, value: rest.join(':') };
      } else if (!use.startsWith('cookie')) throw new Error(`identities.${name}.login.use: expected bearer:…, header:NAME:… or cookie:NAME`);
      break;
    }
  }
  const csrf = findCsrfToken(s.loginBody);
  if (csrf) s.csrfToken = csrf;
  http.registerSecret(s.bearer);
  http.registerSecret(s.header?.value);
  http.registerSecret(s.csrfToken);
  for (const [, v] of jar.entries()) http.registerSecret(v);
  if (id.verify) {
    s.verifyPath = id.verify;
    const ex = await http.request({ url: new URL(id.verify, base), headers: credentialHeaders(s), credentialed: true, identity: name, area: 'authentication' });
    s.verified = !!ex.response && ex.response.status >= 200 && ex.response.status < 300;
    learnCsrf(http, s, ex);
  }
  return s;
}

function learnCsrf(http: HttpClient, s: Session, ex: HttpExchange): void {
  if (s.csrfToken || !ex.response || ex.response.status >= 300) return;
  const csrf = findCsrfToken(ex.response.json());
  if (csrf) {
    s.csrfToken = csrf;
    http.registerSecret(csrf);
  }
}

/** Moves a fresh login's credentials into an existing session object (re-login keeps references valid). */
function adopt(target: Session, fresh: Session): void {
  target.jar = fresh.jar;
  target.loginExchanges = fresh.loginExchanges;
  if (fresh.bearer !== undefined) target.bearer = fresh.bearer;
  else delete target.bearer;
  if (fresh.header !== undefined) target.header = fresh.header;
  else delete target.header;
  if (fresh.csrfToken !== undefined) target.csrfToken = fresh.csrfToken;
  if (fresh.loginBody !== undefined) target.loginBody = fresh.loginBody;
}

const MAX_RELOGINS = 3;

/** Attaches `relogin` so a session that expires mid-run is renewed in place (at most 3 times a run). */
export function enableRelogin(http: HttpClient, base: URL, s: Session, id: IdentityConfig): void {
  s.relogins = 0;
  s.relogin = async () => {
    if ((s.relogins ?? 0) >= MAX_RELOGINS || id.login.kind === 'bearer' || id.login.kind === 'header' || id.login.kind === 'cookie') return false;
    s.relogins = (s.relogins ?? 0) + 1;
    try {
      adopt(s, await login(http, base, s.identity, { ...id, verify: undefined }));
      return true;
    } catch (err) {
      if (err instanceof Error && FATAL.has(err.name)) throw err;
      return false;
    }
  };
}

const FATAL = new Set(['BudgetExhausted', 'RunAborted', 'ScopeViolation', 'LoopbackViolation']);

/**
 * Verifies a session with the first safe read that answers 2xx. 401 from every candidate means the
 * login "worked" but the session does not: the caller reports that instead of testing with it.
 */
export async function verifySession(http: HttpClient, base: URL, s: Session, candidates: readonly string[]): Promise<{ ok: boolean; tried: string[]; statuses: string[] }> {
  const tried: string[] = [];
  const statuses: string[] = [];
  for (const path of candidates.slice(0, 3)) {
    const ex = await http.request({ url: new URL(path, base), headers: credentialHeaders(s), credentialed: true, identity: s.identity, area: 'authentication' });
    tried.push(path);
    statuses.push(ex.response ? `HTTP ${ex.response.status}` : `no response (${ex.error?.code})`);
    if (ex.response && ex.response.status >= 200 && ex.response.status < 300) {
      s.verifyPath = path;
      s.verified = true;
      learnCsrf(http, s, ex);
      return { ok: true, tried, statuses };
    }
    // 403 can be the route, not the session: try the next candidate.
  }
  s.verified = false;
  return { ok: false, tried, statuses };
}

/** Ends a session the way the app's logout does (configured `logout`, else `endpoints.logout`). */
export async function logout(http: HttpClient, base: URL, s: Session, id: IdentityConfig, fallbackUrl?: string): Promise<HttpExchange | undefined> {
  const step = id.logout ?? (fallbackUrl ? { method: 'POST', url: fallbackUrl } : undefined);
  if (!step) return undefined;
  return http.request({
    method: step.method ?? 'POST',
    url: new URL(step.url, base),
    headers: { ...credentialHeaders(s, { write: true }), ...(step.headers ?? {}) },
    ...(step.json !== undefined ? { json: step.json } : {}),
    ...(step.form ? { form: step.form } : {}),
    credentialed: true,
    identity: s.identity,
    area: 'session',
  });
}

/** The identifier (email/username) and password a login config sends, when it sends them in a body. */
export function loginCredentials(id: IdentityConfig): { identifier?: string; password?: string } {
  const out: { identifier?: string; password?: string } = {};
  const scan = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === 'string') {
        if (/pass(word)?|pwd|secret/i.test(k)) out.password ??= x;
        else if (/e-?mail|user(name)?|login|account|identifier|handle/i.test(k)) out.identifier ??= x;
      } else scan(x);
    }
  };
  const l = id.login;
  if (l.kind === 'json') scan(l.json);
  else if (l.kind === 'form') scan(l.form);
  else if (l.kind === 'steps') for (const st of l.steps) scan(st.json ?? st.form);
  if (id.register) scan(id.register.json ?? id.register.form);
  return out;
}

/** The same login flow for other credentials (a throw-away account): every occurrence of the old values is replaced. */
export function loginWithCredentials(id: IdentityConfig, creds: { identifier: string; password: string }): IdentityConfig | undefined {
  const old = loginCredentials(id);
  if (!old.identifier || !old.password) return undefined;
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string') return v === old.identifier ? creds.identifier : v === old.password ? creds.password : v;
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  const { register: _r, verify: _v, ...rest } = id;
  return { ...rest, login: swap(id.login) as IdentityConfig['login'] };
}

/** A path that reads "who am I" (the cheapest proof a session works). */
export const PROFILE_PATH = /\/(?:me|self|profile|account|whoami|user|current[-_]?user|session|userinfo)$/i;

/**
 * Safe reads to verify a session with when no `verify` is configured: a profile route first, then
 * parameter-free GETs that should need credentials and that this identity's role may call.
 */
export function verifyCandidates(routes: readonly Route[], role: string): string[] {
  const usable = routes.filter(
    (r) => r.method === 'GET' && !r.path.includes('{') && !/logout|signout|sign-out|delete|export|download|stream|events|health|status$|openapi|swagger/i.test(r.path) && (!r.roles || r.roles.includes(role)),
  );
  // A spec's `security: []` is not trusted to mean public (profile routes are tried whatever it says),
  // but routes it calls public come last: a truly public one would "verify" any session.
  const profile = usable.filter((r) => PROFILE_PATH.test(r.path));
  const rest = usable.filter((r) => !PROFILE_PATH.test(r.path) && !/admin|internal|manage/i.test(r.path)).sort((a, b) => Number(a.auth === false) - Number(b.auth === false));
  return [...profile, ...rest].map((r) => r.path);
}

async function registerFirst(http: HttpClient, base: URL, name: string, id: IdentityConfig): Promise<{ problem?: string; exchange?: HttpExchange }> {
  if (!id.register) return {};
  const ex = await sendStep(http, base, id.register, {}, new CookieJar(), name);
  const status = ex.response?.status;
  // 409/400/422 usually mean "already registered" on a second run: the login that follows decides.
  const problem = status === undefined ? `registration: no response (${ex.error?.code})` : status >= 400 ? `registration answered HTTP ${status}` : undefined;
  return { ...(problem ? { problem } : {}), exchange: ex };
}

/** Logs in every configured identity once per run, and proves each session works before it is used. */
export const sessionsGatherer = defineGatherer<SessionsEvidence>({
  id: 'identity/sessions',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL to log in to');
    const ids = Object.entries(ctx.config.identities);
    if (ids.length === 0) throw new NotApplicable('no identities configured (add identities: to launchready.yml to test logged-in behaviour)');
    let routes: Route[] = [];
    try {
      routes = (await ctx.gather(apiSurfaceGatherer)).routes;
    } catch (err) {
      if (err instanceof Error && FATAL.has(err.name)) throw err;
    }
    const sessions = new Map<string, Session>();
    const failures = new Map<string, string>();
    for (const [name, id] of ids) {
      let registration: string | undefined;
      try {
        const reg = await registerFirst(ctx.http, base, name, id);
        registration = reg.problem;
        const s = await login(ctx.http, base, name, id);
        if (reg.exchange && !reg.problem) s.registerExchange = reg.exchange;
        const how = s.loginExchanges.at(-1);
        const loggedIn = how?.response ? `${how.request.method} ${new URL(how.request.url).pathname} answered HTTP ${how.response.status}` : `the ${id.login.kind} credential was configured`;
        if (id.verify) {
          if (!s.verified) {
            failures.set(name, `identity ${name}: logged in (${loggedIn}) but the session does not work: GET ${id.verify} did not answer 2xx — check the credentials or the verify route`);
            continue;
          }
        } else {
          const candidates = verifyCandidates(routes, id.role);
          if (candidates.length > 0) {
            const v = await verifySession(ctx.http, base, s, candidates);
            if (!v.ok) {
              const tried = v.tried.map((p, i) => `GET ${p} → ${v.statuses[i]}`).join(', ');
              failures.set(name, `identity ${name}: logged in (${loggedIn}) but the session does not work: ${tried} — check the credentials, or set identities.${name}.verify to a route this identity may read`);
              continue;
            }
          }
        }
        enableRelogin(ctx.http, base, s, id);
        sessions.set(name, s);
      } catch (err) {
        if (err instanceof Error && FATAL.has(err.name)) throw err;
        failures.set(name, `${(err as Error).message}${registration ? ` (${registration})` : ''}`);
      }
    }
    return { sessions, failures };
  },
});
