import { createHmac } from 'node:crypto';
import { startDemoPortal, type DemoPortal, type DemoPortalOptions } from '../../examples/demo-portal/src/index.js';

/** Small HTTP helpers over global fetch for the demo-portal tests (loopback only). */

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: () => unknown;
  ms: number;
  /** The app's own time from Server-Timing (app;dur=…), immune to client-side scheduling delays. */
  serverMs: number;
  setCookies: string[];
}

export interface Req {
  method?: string;
  token?: string;
  cookie?: string;
  json?: unknown;
  form?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
}

export async function call(portal: DemoPortal, path: string, req: Req = {}): Promise<Res> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  if (req.cookie) headers.cookie = req.cookie;
  let body: string | undefined = req.body;
  if (req.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(req.json);
  }
  if (req.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(req.form).toString();
  }
  const started = performance.now();
  const res = await fetch(portal.url + path, { method: req.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
  const text = await res.text();
  const serverMs = Number(/app;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? NaN);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown, ms: performance.now() - started, serverMs, setCookies: res.headers.getSetCookie() };
}

export type UserKey = keyof DemoPortal['seed']['users'];

export async function bearer(portal: DemoPortal, who: UserKey, headers: Record<string, string> = {}): Promise<string> {
  const u = portal.seed.users[who];
  const res = await call(portal, '/api/login', { json: { email: u.email, password: u.password }, headers });
  if (res.status !== 200) throw new Error(`login of ${who} failed: ${res.status} ${res.text}`);
  return (res.json() as { token: string }).token;
}

export function cookieValue(setCookies: string[], name: string): string | undefined {
  for (const c of setCookies) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return decodeURIComponent(m[1] ?? '');
  }
  return undefined;
}

export function setCookieFor(setCookies: string[], name: string): string | undefined {
  return setCookies.find((c) => c.startsWith(`${name}=`));
}

/** Cookie login through the web form endpoint (JSON flavour): the session cookie, CSRF token and raw Set-Cookies. */
export async function cookieLogin(portal: DemoPortal, who: UserKey, preCookie?: string): Promise<{ cookie: string; sid: string; csrf: string; setCookies: string[] }> {
  const u = portal.seed.users[who];
  const res = await call(portal, '/login', { json: { email: u.email, password: u.password }, ...(preCookie ? { cookie: preCookie } : {}) });
  if (res.status !== 200) throw new Error(`cookie login of ${who} failed: ${res.status} ${res.text}`);
  const sid = cookieValue(res.setCookies, 'sid') ?? '';
  const csrf = cookieValue(res.setCookies, 'csrf') ?? '';
  return { cookie: `sid=${sid}; csrf=${csrf}`, sid, csrf, setCookies: res.setCookies };
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h = '', p = ''] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

export function signJwt(header: object, payload: object, secret: string | null): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${secret === null ? '' : createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export async function mailboxToken(portal: DemoPortal, email: string): Promise<string> {
  const res = await call(portal, `/__demo/mailbox?email=${encodeURIComponent(email)}`);
  const msgs = (res.json() as { messages: { token: string }[] }).messages;
  if (!msgs[0]) throw new Error(`no mail for ${email}`);
  return msgs[0].token;
}

/** Runs fn against a fresh portal and always closes it. */
export async function withPortal<T>(opts: DemoPortalOptions, fn: (p: DemoPortal) => Promise<T>): Promise<T> {
  const portal = await startDemoPortal(opts);
  try {
    return await fn(portal);
  } finally {
    await portal.close();
  }
}

export function globexInvoice(portal: DemoPortal): DemoPortal['seed']['invoices'][number] {
  const inv = portal.seed.invoices.find((i) => i.org === 'globex');
  if (!inv) throw new Error('seed has no globex invoice');
  return inv;
}
