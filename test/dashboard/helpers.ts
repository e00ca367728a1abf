import { openDashboardDb, type DashboardDb } from '../../src/dashboard/db.js';
import { saveReport } from '../../src/dashboard/save.js';
import { startDashboard, type DashboardOptions, type RunningDashboard } from '../../src/dashboard/server.js';
import { readyRun, runOne, runTwo } from './fixtures.js';

export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface TestDashboard extends RunningDashboard {
  db: DashboardDb;
  /** Audit ids of the fixture runs (run one, run two, the ready target). */
  ids: { one: string; two: string; ready: string };
}

/** A dashboard on loopback over an in-memory store, with the two fixture runs of one target and a ready run of another. */
export async function startTestDashboard(opts: Partial<DashboardOptions> & { seed?: boolean } = {}): Promise<TestDashboard> {
  const db = await openDashboardDb(':memory:');
  const ids = opts.seed === false ? { one: '', two: '', ready: '' } : { one: await saveReport(db.store, runOne()), two: await saveReport(db.store, runTwo()), ready: await saveReport(db.store, readyRun()) };
  const { seed: _seed, ...rest } = opts;
  const d = await startDashboard({ adminPassword: ADMIN_PASSWORD, ...rest, db });
  return Object.assign(d, { db, ids });
}

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  setCookies: string[];
  json<T = unknown>(): T;
}

/** One request without following redirects (so 303s to /login are visible). */
export async function req(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string; cookie?: string } = {}): Promise<Res> {
  const res = await fetch(new URL(path, base), {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: { ...(init.cookie ? { cookie: init.cookie } : {}), ...(init.headers ?? {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, setCookies: res.headers.getSetCookie(), json: <T>() => JSON.parse(text) as T };
}

export function cookieValue(setCookies: string[], name: string): string | undefined {
  for (const c of setCookies) {
    const [pair] = c.split(';');
    const eq = pair!.indexOf('=');
    if (pair!.slice(0, eq) === name) return pair!.slice(eq + 1);
  }
  return undefined;
}

export interface Login {
  /** Cookie header carrying the session and the CSRF cookie. */
  cookie: string;
  sessionId: string;
  csrfToken: string;
  response: Res;
}

/**
 * Signs in like the browser form does: GET /login for the pre-login token, then POST the form.
 * `cookie` is sent along with the POST only (a session id planted or left over before login).
 */
export async function login(base: string, password = ADMIN_PASSWORD, opts: { username?: string; cookie?: string; headers?: Record<string, string> } = {}): Promise<Login> {
  const page = await req(base, '/login', { headers: opts.headers ?? {} });
  const pre = cookieValue(page.setCookies, 'csrf') ?? /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (!pre) throw new Error(`no pre-login token on /login (HTTP ${page.status})`);
  const form = new URLSearchParams({ username: opts.username ?? 'admin', password, _csrf: pre });
  const response = await req(base, '/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...(opts.headers ?? {}) },
    cookie: [opts.cookie, `csrf=${pre}`].filter(Boolean).join('; '),
    body: form.toString(),
  });
  const sessionId = cookieValue(response.setCookies, 'lr_session') ?? '';
  const csrfToken = cookieValue(response.setCookies, 'csrf') ?? '';
  return { cookie: `lr_session=${sessionId}; csrf=${csrfToken}`, sessionId, csrfToken, response };
}
