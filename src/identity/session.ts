import type { IdentityConfig, LoginConfig, RequestStep } from '../config/schema.js';
import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import type { HttpClient, HttpExchange } from '../net/http.js';
import { CookieJar } from './cookies.js';
import { getByPointer } from './json-pointer.js';

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
  /** undefined: no verify request configured; otherwise whether an authenticated request succeeded. */
  verified?: boolean;
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
  }
  return h;
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
export async function login(http: HttpClient, base: URL, name: string, id: IdentityConfig): Promise<Session> {
  const l = id.login;
  const jar = new CookieJar();
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
  http.registerSecret(s.bearer);
  http.registerSecret(s.header?.value);
  for (const [, v] of jar.entries()) http.registerSecret(v);
  if (id.verify) {
    const ex = await http.request({ url: new URL(id.verify, base), headers: credentialHeaders(s), credentialed: true, identity: name, area: 'authentication' });
    s.verified = !!ex.response && ex.response.status >= 200 && ex.response.status < 300;
  }
  return s;
}

/** Logs in every configured identity once per run. */
export const sessionsGatherer = defineGatherer<SessionsEvidence>({
  id: 'identity/sessions',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL to log in to');
    const ids = Object.entries(ctx.config.identities);
    if (ids.length === 0) throw new NotApplicable('no identities configured (add identities: to launchready.yml to test logged-in behaviour)');
    const sessions = new Map<string, Session>();
    const failures = new Map<string, string>();
    for (const [name, id] of ids) {
      try {
        sessions.set(name, await login(ctx.http, base, name, id));
      } catch (err) {
        if (err instanceof Error && (err.name === 'BudgetExhausted' || err.name === 'RunAborted' || err.name === 'ScopeViolation' || err.name === 'LoopbackViolation')) throw err;
        failures.set(name, (err as Error).message);
      }
    }
    return { sessions, failures };
  },
});
