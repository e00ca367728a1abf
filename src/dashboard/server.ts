import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { allChecks } from '../checks/index.js';
import { renderHtml } from '../report/html.js';
import { AccountError, Accounts, ADMIN_USERNAME, DEFAULT_SESSION_POLICY, passwordProblem, ROLES, safeEqual, type ActiveSession, type DashboardUser, type Role, type SessionPolicy } from './auth.js';
import { compareRuns } from './compare.js';
import { CSRF_COOKIE, foreignOrigin, PreLoginTokens, submittedToken } from './csrf.js';
import type { DashboardDb } from './db.js';
import { registerFleetRoutes } from './fleet-routes.js';
import { findingHistory, listTargets, targetByKey, targetKey } from './history.js';
import { monitorView } from './monitor-status.js';
import { buildOpenApi } from './openapi.js';
import { DASHBOARD_CSS } from './pages/layout.js';
import { auditPage, comparePage, findingPage, invitePage, loginPage, messagePage, monitorPage, overviewPage, setupPage, targetPage, usersPage, type UsersPageOptions } from './pages/views.js';
import { InvalidReport } from './report-schema.js';
import { saveReport } from './save.js';
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottlePolicy } from './throttle.js';

/**
 * `launchready serve`: the dashboard over the store. Security model, in one place:
 *
 * - Every route needs a session (pages redirect to /login, /api answers 401) except the routes
 *   marked public: the login and setup flows, /healthz, /openapi.json and the stylesheet.
 *   The refusal happens in onRequest, before any body is read.
 * - Sessions: opaque random ids, stored hashed, absolute and idle expiry, a new id at every login,
 *   deleted at logout. Cookie `lr_session`: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS
 *   (directly or behind a trusted TLS proxy).
 * - Roles: `admin` and `viewer`. One onRequest hook refuses (403) every state-changing request of a
 *   viewer — except sign-in/out and invitation acceptance — and every `dashboardAdminOnly` route
 *   (user management) to anyone but a signed-in admin. Routes never check roles themselves.
 * - CSRF: every state-changing request passes an Origin check and carries a token (see csrf.ts).
 * - Login and setup attempts are throttled per client address with backoff (429 + Retry-After),
 *   never per account: nobody can lock the admin out by typing wrong passwords.
 * - Headers on every response: a CSP without inline scripts (pages use none at all), frame-ancestors
 *   'none', nosniff, Referrer-Policy, COOP/CORP; Cache-Control: no-store on everything but the
 *   stylesheet; no Server or X-Powered-By banner; no CORS headers, ever.
 * - Errors: 4xx carry a short message of ours, never a framework's; 5xx say nothing.
 */

export const SESSION_COOKIE = 'lr_session';

export interface DashboardOptions {
  db: DashboardDb;
  /** Creates the admin on first start when no account exists (from LAUNCHREADY_ADMIN_PASSWORD). */
  adminPassword?: string;
  /** How long a printed setup link works, ms (default 30 min). */
  setupTtlMs?: number;
  session?: Partial<SessionPolicy>;
  throttle?: Partial<ThrottlePolicy>;
  /**
   * Addresses of a TLS-terminating proxy whose X-Forwarded-Proto/-For are believed (fastify's
   * trustProxy). Off by default: the protocol and client address come from the socket.
   */
  trustProxy?: boolean | string | string[];
  /** Largest report POST /api/audits accepts, bytes (default 8 MiB). */
  maxReportBytes?: number;
  /** A bearer token for CI uploads (LAUNCHREADY_API_TOKEN); at least 32 characters. */
  apiToken?: string;
  /**
   * Host names (and IP literals) requests may name in their Host header; anything else gets 421, so
   * a DNS-rebinding page cannot reach a dashboard on loopback. Undefined: no check (buildDashboard
   * alone); startDashboard always passes the bind address, localhost and loopback plus these.
   */
  allowedHosts?: readonly string[];
  /** How long an invitation link works, ms (default 24 h). */
  inviteTtlMs?: number;
  /** Print a one-time link that sets a new admin password (`serve --reset-password`). */
  resetPassword?: boolean;
  /** A monitor counts as running when its newest sample is at most this old, ms (default 10 min). */
  monitorFreshMs?: number;
  logger?: FastifyBaseLogger | boolean;
  now?: () => number;
}

export interface BuiltDashboard {
  app: FastifyInstance;
  accounts: Accounts;
  /** The one-time setup token when the admin still has to be created (printed as a link by `serve`). */
  setupToken?: string;
  /** Every route registered, as "METHOD /path" (for the test that walks them all). */
  routes: Array<{ method: string; url: string; public: boolean }>;
  /** Things the operator must know at start (printed by `serve`), e.g. an ignored LAUNCHREADY_ADMIN_PASSWORD. */
  notices: string[];
}

/** The host part of a Host header, lower-case, without the port ("[::1]:8787" → "[::1]"). */
export function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[^:\s]+)(?::\d{1,5})?$/.exec(h);
  return m?.[1]?.replace(/\.$/, '');
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a session (login and setup flows, health, the API description, the stylesheet). */
    dashboardPublic?: boolean;
    /** A write a viewer may make too (their own sign-out). */
    dashboardViewerWrite?: boolean;
    /** Only a signed-in admin (user management). */
    dashboardAdminOnly?: boolean;
  }
}

interface Principal {
  via: 'session' | 'token';
  username: string;
  /** The signed-in user's role (absent for the API token, which may only upload reports and read). */
  role?: Role;
  session?: ActiveSession;
  sessionId?: string;
}

const principals = new WeakMap<FastifyRequest, Principal>();
export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const AUDIT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FINDING_ID = /^[0-9a-f]{16}$/;

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const STATUS_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};
const SAFE_MESSAGES: Record<number, string> = {
  400: 'The request is not valid.',
  401: 'Sign in to continue.',
  403: 'Not allowed.',
  404: 'Not found.',
  405: 'Method not allowed.',
  406: 'Not acceptable.',
  413: 'The request body is too large.',
  415: 'Send JSON (application/json) or a form (application/x-www-form-urlencoded).',
  429: 'Too many attempts. Try again later.',
};

function cookie(name: string, value: string, opts: { maxAgeS: number; httpOnly: boolean; secure: boolean }): string {
  const parts = [`${name}=${value}`, 'Path=/', `Max-Age=${opts.maxAgeS}`, 'SameSite=Lax'];
  if (opts.maxAgeS === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (opts.httpOnly) parts.push('HttpOnly');
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url === '/api';
}

function wantsJson(request: FastifyRequest): boolean {
  if (isApi(request)) return true;
  const ct = request.headers['content-type'] ?? '';
  const accept = request.headers.accept ?? '';
  return ct.includes('application/json') || (accept.includes('application/json') && !accept.includes('text/html'));
}

/** A relative path to go back to after login; anything else (other hosts, //x, schemes) is dropped. */
function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  if (!/^\/(?![/\\])[A-Za-z0-9/_\-.~?=&%]*$/.test(value) || value.startsWith('/login') || value.startsWith('/logout') || value.startsWith('/setup') || value.startsWith('/invite')) return undefined;
  return value;
}

const html = 'text/html; charset=utf-8';

const LoginBody = z.object({ username: z.string().max(100).optional(), password: z.string().max(256).optional(), _csrf: z.string().max(300).optional(), next: z.string().max(500).optional() }).loose();
const SetupBody = z.object({ token: z.string().max(200), password: z.string().max(256), confirm: z.string().max(256), _csrf: z.string().max(300).optional() }).loose();
const InviteBody = z.object({ username: z.string().trim().min(1).max(64), role: z.enum(['admin', 'viewer']).default('viewer'), _csrf: z.string().max(300).optional() }).loose();
const RoleBody = z.object({ role: z.enum(['admin', 'viewer']), _csrf: z.string().max(300).optional() }).loose();
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LimitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();
const CompareQuery = z.object({ base: z.string().regex(AUDIT_ID), head: z.string().regex(AUDIT_ID) }).strict();

function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const first = r.error.issues[0];
    throw new HttpError(400, 'invalid_request', `Invalid ${what}${first ? `: ${first.path.map(String).join('.') || 'value'} ${first.message.replace(/^Invalid input: /, '')}` : ''}.`);
  }
  return r.data;
}

/**
 * Builds the dashboard app (not listening). Creates the admin from `adminPassword`, or a setup token,
 * when the store has no account yet.
 */
export async function buildDashboard(opts: DashboardOptions): Promise<BuiltDashboard> {
  const now = opts.now ?? Date.now;
  const { store, sql } = opts.db;
  const accounts = new Accounts(sql, { ...DEFAULT_SESSION_POLICY, ...opts.session }, now);
  const throttle = new LoginThrottle({ ...DEFAULT_THROTTLE, ...opts.throttle }, now);
  const preLogin = new PreLoginTokens();
  const metas = new Map(allChecks.map((c) => [c.meta.id, c.meta]));
  const checksMeta = allChecks.map((c) => c.meta);
  const apiTokenHash = opts.apiToken ? createHash('sha256').update(opts.apiToken).digest('hex') : undefined;
  if (opts.apiToken !== undefined && opts.apiToken.length < 32) throw new Error('LAUNCHREADY_API_TOKEN must be at least 32 characters long');

  let setupToken: string | undefined;
  const notices: string[] = [];
  if (await accounts.hasAdmin()) {
    if (opts.adminPassword !== undefined && !(await accounts.isAdminPassword(opts.adminPassword))) {
      notices.push('LAUNCHREADY_ADMIN_PASSWORD differs from the admin password in the store and is ignored: it only creates the admin on the first start. To change the password, run launchready serve --reset-password.');
    }
    if (opts.resetPassword) {
      await sql.run(`UPDATE dashboard_setup_tokens SET used_at = ? WHERE used_at IS NULL`, [now()]);
      setupToken = (await accounts.createSetupToken(opts.setupTtlMs ?? 30 * 60_000)).token;
    }
  } else {
    if (opts.adminPassword !== undefined) {
      const problem = passwordProblem(opts.adminPassword);
      if (problem) throw new Error(`LAUNCHREADY_ADMIN_PASSWORD: ${problem}`);
      await accounts.createAdmin(opts.adminPassword);
    } else {
      await sql.run(`UPDATE dashboard_setup_tokens SET used_at = ? WHERE used_at IS NULL`, [now()]);
      setupToken = (await accounts.createSetupToken(opts.setupTtlMs ?? 30 * 60_000)).token;
    }
  }

  const app = Fastify({
    ...(typeof opts.logger === 'object' ? { loggerInstance: opts.logger } : { logger: opts.logger ?? false }),
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 64 * 1024,
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  const routes: BuiltDashboard['routes'] = [];
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods) routes.push({ method: String(m), url: r.url, public: r.config?.dashboardPublic === true });
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(text)) if (!(k in out)) out[k] = v;
    done(null, out);
  });

  const secureFor = (request: FastifyRequest): boolean => request.protocol === 'https';

  // ------------------------------------------------------------ every request: the Host check first (DNS rebinding)
  const allowedHosts = opts.allowedHosts ? new Set(opts.allowedHosts.map((h) => hostOf(h) ?? h.toLowerCase())) : undefined;
  if (allowedHosts) {
    app.addHook('onRequest', async (request, reply) => {
      const host = hostOf(request.headers.host);
      if (host && allowedHosts.has(host)) return;
      const shown = (request.headers.host ?? '').slice(0, 100);
      return reply
        .code(421)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send(`Host "${shown}" is not allowed: this dashboard answers only to ${[...allowedHosts].join(', ')}. Start it with --allowed-host NAME to add a name.\n`);
    });
  }

  // ------------------------------------------------------------ every request: headers, then who is calling
  app.addHook('onRequest', async (request, reply) => {
    reply
      .header('content-security-policy', PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts, which the CSRF origin check must refuse.
      .header('referrer-policy', 'same-origin')
      .header('cross-origin-opener-policy', 'same-origin')
      .header('cross-origin-resource-policy', 'same-origin')
      .header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()')
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache');
    if (secureFor(request)) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');

    const authz = request.headers.authorization;
    if (authz !== undefined) {
      // A bearer credential is final: a wrong one is refused even if a cookie would have worked.
      const m = /^Bearer\s+(\S{1,500})\s*$/i.exec(authz);
      if (m?.[1] && apiTokenHash && safeEqual(createHash('sha256').update(m[1]).digest('hex'), apiTokenHash)) {
        principals.set(request, { via: 'token', username: 'api-token' });
      }
    } else {
      const sid = readCookie(request, SESSION_COOKIE);
      const session = sid ? await accounts.getSession(sid) : undefined;
      if (session && sid) principals.set(request, { via: 'session', username: session.user.username, role: session.user.role, session, sessionId: sid });
    }
    if (request.routeOptions.config?.dashboardPublic === true && !request.is404) return;
    if (principals.has(request)) return;
    if (isApi(request) || authz !== undefined) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="launchready dashboard"').send({ error: 'unauthorized', message: SAFE_MESSAGES[401] });
    }
    const next = SAFE_METHODS.has(request.method) ? safeNext(request.url) : undefined;
    return reply.redirect(next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login', 303);
  });

  // ------------------------------------------------------------ roles: the one place they are enforced (before any body is read)
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config ?? {};
    const p = principals.get(request);
    if (config.dashboardAdminOnly === true && !(p?.via === 'session' && p.role === 'admin')) throw new HttpError(403, 'forbidden', 'Only an admin can manage users.');
    if (p?.role === 'viewer' && !SAFE_METHODS.has(request.method) && config.dashboardPublic !== true && config.dashboardViewerWrite !== true) {
      throw new HttpError(403, 'forbidden_viewer', 'Viewers can read the dashboard but not change anything. Ask an admin.');
    }
  });

  // ------------------------------------------------------------ CSRF for signed-in writes (after the body is parsed)
  app.addHook('preHandler', async (request) => {
    if (SAFE_METHODS.has(request.method) || request.routeOptions.config?.dashboardPublic === true) return;
    const p = principals.get(request);
    if (!p || p.via === 'token') return; // bearer clients send no ambient credential: nothing to forge
    const foreign = foreignOrigin(request);
    if (foreign) throw new HttpError(403, 'csrf_origin', 'Cross-site request refused.');
    const sent = submittedToken(request);
    if (!sent || !p.session || !safeEqual(sent, p.session.csrfToken)) throw new HttpError(403, 'csrf_token_invalid', 'Missing or invalid CSRF token (X-CSRF-Token header or _csrf field).');
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const raw = typeof error.statusCode === 'number' ? error.statusCode : 500;
    const status = raw >= 400 && raw < 600 ? raw : 500;
    if (status >= 500) {
      request.log.error({ err: error, url: request.url.split('?')[0] }, 'dashboard error');
      return sendError(request, reply, 500, 'internal_error', 'Something went wrong on our side.');
    }
    // Our own errors carry a message written for the user; anything the framework raised gets a fixed one.
    const message = error instanceof HttpError ? error.message : (SAFE_MESSAGES[status] ?? 'The request is not valid.');
    const code = error instanceof HttpError ? error.code : (STATUS_CODES[status] ?? 'invalid_request');
    return sendError(request, reply, status, code, message);
  });

  function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
    reply.code(status);
    if (wantsJson(request)) return reply.type('application/json; charset=utf-8').send({ error: code, message });
    const p = principals.get(request);
    return reply.type(html).send(messagePage(status >= 500 ? 'Something went wrong' : status === 404 ? 'Not found' : 'Request refused', message, p?.session ? { csrfToken: p.session.csrfToken, username: p.username } : {}, p ? undefined : { href: '/login', text: 'Sign in' }));
  }

  app.setNotFoundHandler(async (request, reply) => sendError(request, reply, 404, 'not_found', SAFE_MESSAGES[404]!));

  const chromeOf = (request: FastifyRequest): { csrfToken?: string; username?: string; role?: Role } => {
    const p = principals.get(request);
    return p?.session ? { csrfToken: p.session.csrfToken, username: p.username, ...(p.role ? { role: p.role } : {}) } : {};
  };

  const pub = { config: { dashboardPublic: true } };

  // ------------------------------------------------------------ public: health, API description, stylesheet
  app.get('/healthz', pub, async (_request, reply) => {
    try {
      await sql.all('SELECT 1 AS ok');
      return reply.send({ status: 'ok' });
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  const openapi = JSON.stringify(buildOpenApi());
  app.get('/openapi.json', pub, async (_request, reply) => reply.type('application/json; charset=utf-8').send(openapi));
  app.get('/assets/dashboard.css', pub, async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').removeHeader('pragma').send(DASHBOARD_CSS));

  // ------------------------------------------------------------ login, logout, setup
  const setPreLoginCookie = (request: FastifyRequest, reply: FastifyReply, token: string): void => {
    reply.header('set-cookie', cookie(CSRF_COOKIE, token, { maxAgeS: 3600, httpOnly: false, secure: secureFor(request) }));
  };

  /** A pre-login form token: the one the browser already holds when it is genuine, else a new one. */
  const preLoginToken = (request: FastifyRequest, reply: FastifyReply): string => {
    const held = readCookie(request, CSRF_COOKIE);
    if (held && preLogin.valid(held)) return held;
    const fresh = preLogin.issue();
    setPreLoginCookie(request, reply, fresh);
    return fresh;
  };

  /** The pre-login CSRF defence: same origin, and the form echoes the signed cookie. */
  const preLoginCsrfOk = (request: FastifyRequest): boolean => {
    if (foreignOrigin(request)) return false;
    const sent = submittedToken(request);
    const held = readCookie(request, CSRF_COOKIE);
    return !!sent && !!held && safeEqual(sent, held) && preLogin.valid(sent);
  };

  const startSession = async (request: FastifyRequest, reply: FastifyReply, user: DashboardUser): Promise<{ csrfToken: string; expiresAt: number }> => {
    // Rotation: whatever session the browser had ends; the login gets a new id.
    const old = principals.get(request);
    if (old?.session) await accounts.destroySession(old.session.idHash);
    const s = await accounts.createSession(user);
    const maxAgeS = Math.max(1, Math.floor((s.expiresAt - now()) / 1000));
    const secure = secureFor(request);
    reply.header('set-cookie', [cookie(SESSION_COOKIE, s.id, { maxAgeS, httpOnly: true, secure }), cookie(CSRF_COOKIE, s.csrfToken, { maxAgeS, httpOnly: false, secure })]);
    return { csrfToken: s.csrfToken, expiresAt: s.expiresAt };
  };

  app.get('/login', pub, async (request, reply) => {
    if (principals.get(request)?.session) return reply.redirect('/', 303);
    const q = request.query as Record<string, unknown>;
    const next = safeNext(q['next']);
    const notice = q['signedOut'] === '1' ? 'You are signed out.' : undefined;
    return reply.type(html).send(loginPage(preLoginToken(request, reply), { ...(next ? { next } : {}), ...(notice ? { notice } : {}) }));
  });

  app.post('/login', pub, async (request, reply) => {
    const body = parseOr400(LoginBody, request.body, 'sign-in request');
    const username = typeof body.username === 'string' ? body.username.trim().slice(0, 100) : undefined;
    const ip = request.ip;
    const json = wantsJson(request);
    const wait = throttle.blocked(ip);
    if (wait !== undefined) {
      reply.header('retry-after', String(wait));
      throw new HttpError(429, 'too_many_requests', `Too many failed sign-in attempts from this address. Try again in ${wait < 60 ? `${wait} second${wait > 1 ? 's' : ''}` : `${Math.ceil(wait / 60)} minutes`}.`);
    }
    if (!preLoginCsrfOk(request)) {
      throttle.failed(ip);
      throw new HttpError(403, 'csrf_token_invalid', 'The sign-in form expired or came from another site. Reload the sign-in page and try again.');
    }
    const user = username && body.password ? await accounts.checkPassword(username, body.password) : undefined;
    if (!user) {
      throttle.failed(ip);
      reply.code(401);
      if (json) return reply.send({ error: 'invalid_credentials', message: 'Wrong user name or password.' });
      const next = safeNext(body.next);
      return reply.type(html).send(loginPage(submittedToken(request)!, { error: 'Wrong user name or password.', ...(next ? { next } : {}) }));
    }
    throttle.succeeded(ip);
    const s = await startSession(request, reply, user);
    if (json) return reply.send({ user: { username: user.username }, csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString() });
    return reply.redirect(safeNext(body.next) ?? '/', 303);
  });

  app.post('/logout', { config: { dashboardViewerWrite: true } }, async (request, reply) => {
    const p = principals.get(request);
    if (p?.session) await accounts.destroySession(p.session.idHash);
    const secure = secureFor(request);
    reply.header('set-cookie', [cookie(SESSION_COOKIE, '', { maxAgeS: 0, httpOnly: true, secure }), cookie(CSRF_COOKIE, '', { maxAgeS: 0, httpOnly: false, secure })]);
    if ((request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return reply.redirect('/login?signedOut=1', 303);
    return reply.send({ signedOut: true });
  });

  app.get('/setup', pub, async (request, reply) => {
    const token = (request.query as Record<string, unknown>)['token'];
    const valid = typeof token === 'string' && (await accounts.setupTokenValid(token));
    if (!valid && (await accounts.hasAdmin())) return reply.code(410).type(html).send(messagePage('Setup is done', 'The admin account exists already. Sign in instead.', {}, { href: '/login', text: 'Sign in' }));
    if (!valid || typeof token !== 'string') {
      return reply.code(410).type(html).send(messagePage('Setup link not valid', 'This setup link is used, expired or mistyped. Restart `launchready serve` for a new one.', {}, { href: '/login', text: 'Sign in' }));
    }
    return reply.type(html).send(setupPage(preLoginToken(request, reply), token));
  });

  /** Forms posted before sign-in (setup, invitation): the per-address throttle, then the pre-login CSRF check. */
  const preLoginGate = (request: FastifyRequest, reply: FastifyReply, csrfMessage: string): string => {
    const ip = request.ip;
    const wait = throttle.blocked(ip);
    if (wait !== undefined) {
      reply.header('retry-after', String(wait));
      throw new HttpError(429, 'too_many_requests', 'Too many attempts. Try again later.');
    }
    if (!preLoginCsrfOk(request)) {
      throttle.failed(ip);
      throw new HttpError(403, 'csrf_token_invalid', csrfMessage);
    }
    return ip;
  };

  app.post('/setup', pub, async (request, reply) => {
    const ip = preLoginGate(request, reply, 'The setup form expired or came from another site. Open the setup link again.');
    const body = parseOr400(SetupBody, request.body, 'setup request');
    if (!(await accounts.setupTokenValid(body.token))) {
      throttle.failed(ip);
      return reply.code(410).type(html).send(messagePage('Setup link not valid', 'This setup link is used, expired or mistyped.', {}, { href: '/login', text: 'Sign in' }));
    }
    const problem = body.password !== body.confirm ? 'The two passwords differ.' : passwordProblem(body.password);
    if (problem) return reply.code(400).type(html).send(setupPage(submittedToken(request)!, body.token, problem));
    const user = await accounts.completeSetup(body.token, body.password);
    if (!user) return reply.code(410).type(html).send(messagePage('Setup link not valid', 'This setup link was used a moment ago.', {}, { href: '/login', text: 'Sign in' }));
    await startSession(request, reply, user);
    return reply.redirect('/', 303);
  });

  // ------------------------------------------------------------ pages
  const auditOr404 = async (id: string) => {
    const audit = AUDIT_ID.test(id) ? await store.getAudit(id) : undefined;
    if (!audit) throw new HttpError(404, 'not_found', 'No such audit.');
    return audit;
  };
  const previousOf = async (target: string, id: string) => {
    const list = await store.listAudits(target, 500);
    const i = list.findIndex((a) => a.id === id);
    return i >= 0 ? list[i + 1] : undefined;
  };

  app.get('/', async (request, reply) => {
    const [targets, monitor] = await Promise.all([listTargets(sql), monitorView(store, sql, { now: now(), ...(opts.monitorFreshMs ? { freshMs: opts.monitorFreshMs } : {}) })]);
    return reply.type(html).send(overviewPage(targets, monitor, chromeOf(request)));
  });

  app.get('/targets/:key', async (request, reply) => {
    const { key } = request.params as { key: string };
    const target = await targetByKey(sql, key);
    if (!target) throw new HttpError(404, 'not_found', 'No such target.');
    return reply.type(html).send(targetPage(target, await store.listAudits(target.target, 200), chromeOf(request)));
  });

  app.get('/audits/:id', async (request, reply) => {
    const audit = await auditOr404((request.params as { id: string }).id);
    return reply.type(html).send(auditPage(audit, await previousOf(audit.target, audit.id), targetKey(audit.target), chromeOf(request)));
  });

  app.get('/audits/:id/report', async (request, reply) => {
    const audit = await auditOr404((request.params as { id: string }).id);
    const page = renderHtml(audit.report, checksMeta);
    // The report's own CSP (hashes of its one inline style and script), plus framing denied.
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1]?.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    return reply.type(html).header('content-security-policy', `${meta ?? "default-src 'none'"}; frame-ancestors 'none'`).send(page);
  });

  app.get('/audits/:id/findings/:findingId', async (request, reply) => {
    const { id, findingId } = request.params as { id: string; findingId: string };
    const audit = await auditOr404(id);
    const finding = FINDING_ID.test(findingId) ? audit.report.findings.find((f) => f.id === findingId) : undefined;
    if (!finding) throw new HttpError(404, 'not_found', 'No such finding in this audit.');
    const history = await findingHistory(sql, audit.target, finding.id);
    return reply.type(html).send(findingPage(audit, finding, metas.get(finding.check), history, chromeOf(request)));
  });

  app.get('/compare', async (request, reply) => {
    const q = parseOr400(CompareQuery, request.query, 'comparison (base and head must be audit ids)');
    const [base, head] = await Promise.all([auditOr404(q.base), auditOr404(q.head)]);
    return reply.type(html).send(comparePage(base, head, compareRuns(base.report, head.report), chromeOf(request)));
  });

  app.get('/monitor', async (request, reply) => {
    const view = await monitorView(store, sql, { now: now(), ...(opts.monitorFreshMs ? { freshMs: opts.monitorFreshMs } : {}) });
    return reply.type(html).send(monitorPage(view, chromeOf(request), now()));
  });

  registerFleetRoutes(app, { store, sql, now, chromeOf, canEdit: (r) => principals.get(r)?.via === 'session' && principals.get(r)?.role === 'admin' });

  // ------------------------------------------------------------ users (admins only: the role hook refuses everyone else)
  const adminOnly = { config: { dashboardAdminOnly: true } };
  const accountErr = (err: unknown): never => {
    if (err instanceof AccountError) throw new HttpError(err.statusCode, err.statusCode === 409 ? 'conflict' : err.statusCode === 404 ? 'not_found' : 'invalid_request', err.message);
    throw err;
  };
  const renderUsers = async (request: FastifyRequest, reply: FastifyReply, status: number, o: UsersPageOptions = {}) => {
    const p = principals.get(request);
    const users = await accounts.listUsers();
    return reply
      .code(status)
      .type(html)
      .send(usersPage(users, chromeOf(request), { ...o, ...(p?.session ? { selfId: p.session.user.id } : {}) }));
  };
  const usersCall = async (request: FastifyRequest, reply: FastifyReply, fn: () => Promise<void>, done: string) => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof AccountError && !wantsJson(request)) return renderUsers(request, reply, err.statusCode, { error: err.message });
      accountErr(err);
    }
    if (wantsJson(request)) return reply.send({ ok: true, users: (await accounts.listUsers()).map((u) => ({ id: u.id, username: u.username, role: u.role })) });
    return reply.redirect(`/users?done=${encodeURIComponent(done)}`, 303);
  };
  const userIdOr404 = (request: FastifyRequest): string => {
    const { id } = request.params as { id: string };
    if (!USER_ID.test(id)) throw new HttpError(404, 'not_found', 'No such user.');
    return id;
  };
  const DONE: Record<string, string> = { revoked: 'The user is revoked; their sessions ended.', role: 'Role changed.' };

  app.get('/users', adminOnly, async (request, reply) => {
    const done = (request.query as Record<string, unknown>)['done'];
    return renderUsers(request, reply, 200, typeof done === 'string' && DONE[done] ? { notice: DONE[done] } : {});
  });

  app.get('/api/users', adminOnly, async () => ({ users: (await accounts.listUsers()).map((u) => ({ id: u.id, username: u.username, role: u.role, createdAt: new Date(u.createdAt).toISOString() })) }));

  app.post('/users/invite', adminOnly, async (request, reply) => {
    const body = parseOr400(InviteBody, request.body, 'invitation');
    const p = principals.get(request)!;
    let invite: { token: string; expiresAt: number };
    try {
      invite = await accounts.createInvite(body.username, body.role, p.session!.user.id, opts.inviteTtlMs ?? 24 * 3600_000);
    } catch (err) {
      if (err instanceof AccountError && !wantsJson(request)) return renderUsers(request, reply, err.statusCode, { error: err.message });
      return accountErr(err);
    }
    // The Host header passed the allow-list, so the link names this dashboard as the admin reached it.
    const url = `${request.protocol}://${request.headers.host ?? 'localhost'}/invite?token=${invite.token}`;
    if (wantsJson(request)) return reply.code(201).send({ url, username: body.username, role: body.role, expiresAt: new Date(invite.expiresAt).toISOString() });
    return renderUsers(request, reply, 201, { invite: { url, username: body.username, role: body.role, expiresAt: invite.expiresAt } });
  });

  app.post('/users/:id/revoke', adminOnly, async (request, reply) => {
    const id = userIdOr404(request);
    return usersCall(request, reply, () => accounts.revokeUser(id), 'revoked');
  });

  app.post('/users/:id/role', adminOnly, async (request, reply) => {
    const id = userIdOr404(request);
    const body = parseOr400(RoleBody, request.body, 'role change');
    if (!ROLES.includes(body.role)) throw new HttpError(400, 'invalid_request', 'Unknown role.');
    return usersCall(request, reply, () => accounts.setRole(id, body.role), 'role');
  });

  // ------------------------------------------------------------ invitation acceptance (public: the link is the credential)
  const inviteGone = (reply: FastifyReply) =>
    reply.code(410).type(html).send(messagePage('Invitation not valid', 'This invitation link is used, expired or mistyped. Ask an admin for a new one.', {}, { href: '/login', text: 'Sign in' }));

  app.get('/invite', pub, async (request, reply) => {
    const token = (request.query as Record<string, unknown>)['token'];
    const invite = typeof token === 'string' ? await accounts.inviteFor(token) : undefined;
    if (!invite || typeof token !== 'string') return inviteGone(reply);
    return reply.type(html).send(invitePage(preLoginToken(request, reply), token, invite));
  });

  app.post('/invite', pub, async (request, reply) => {
    const ip = preLoginGate(request, reply, 'The form expired or came from another site. Open the invitation link again.');
    const body = parseOr400(SetupBody, request.body, 'invitation acceptance');
    const invite = await accounts.inviteFor(body.token);
    if (!invite) {
      throttle.failed(ip);
      return inviteGone(reply);
    }
    const problem = body.password !== body.confirm ? 'The two passwords differ.' : passwordProblem(body.password);
    if (problem) return reply.code(400).type(html).send(invitePage(submittedToken(request)!, body.token, invite, problem));
    const user = await accounts.acceptInvite(body.token, body.password);
    if (!user) return inviteGone(reply);
    await startSession(request, reply, user);
    return reply.redirect('/', 303);
  });

  // ------------------------------------------------------------ JSON API
  app.get('/api/session', async (request) => {
    const p = principals.get(request)!;
    return p.session
      ? { user: { username: p.username }, via: 'session', csrfToken: p.session.csrfToken, expiresAt: new Date(p.session.expiresAt).toISOString() }
      : { user: { username: p.username }, via: 'token' };
  });

  app.get('/api/targets', async () => ({ targets: await listTargets(sql) }));

  app.get('/api/targets/:key/audits', async (request) => {
    const target = await targetByKey(sql, (request.params as { key: string }).key);
    if (!target) throw new HttpError(404, 'not_found', 'No such target.');
    return { target: target.target, audits: await store.listAudits(target.target, 500) };
  });

  app.get('/api/audits', async (request) => {
    const q = parseOr400(LimitQuery, request.query, 'query');
    return { audits: await store.listAudits(undefined, q.limit) };
  });

  app.get('/api/audits/:id', async (request) => auditOr404((request.params as { id: string }).id));

  app.get('/api/audits/:id/findings/:findingId', async (request) => {
    const { id, findingId } = request.params as { id: string; findingId: string };
    const audit = await auditOr404(id);
    const finding = FINDING_ID.test(findingId) ? audit.report.findings.find((f) => f.id === findingId) : undefined;
    if (!finding) throw new HttpError(404, 'not_found', 'No such finding in this audit.');
    return { auditId: audit.id, target: audit.target, finding, history: await findingHistory(sql, audit.target, finding.id) };
  });

  app.get('/api/compare', async (request) => {
    const q = parseOr400(CompareQuery, request.query, 'comparison (base and head must be audit ids)');
    const [base, head] = await Promise.all([auditOr404(q.base), auditOr404(q.head)]);
    const c = compareRuns(base.report, head.report);
    const ids = (list: Array<{ id: string; title: string; status: string; severity: string }>) => list.map((f) => ({ id: f.id, title: f.title, status: f.status, severity: f.severity }));
    return {
      base: { id: base.id, startedAt: base.startedAt, score: base.score, verdict: base.verdict },
      head: { id: head.id, startedAt: head.startedAt, score: head.score, verdict: head.verdict },
      scoreDelta: c.scoreDelta,
      new: ids(c.newProblems),
      fixed: ids(c.fixed.map((x) => x.after)),
      unverified: ids(c.unverified.map((x) => x.before)),
      unchanged: ids(c.unchanged.map((x) => x.after)),
    };
  });

  app.post('/api/audits', { bodyLimit: opts.maxReportBytes ?? 8 * 1024 * 1024 }, async (request, reply) => {
    if (!(request.headers['content-type'] ?? '').includes('application/json')) throw new HttpError(415, 'unsupported_media_type', 'Send the report as application/json.');
    let id: string;
    try {
      id = await saveReport(store, request.body);
    } catch (err) {
      if (err instanceof InvalidReport) throw new HttpError(400, 'invalid_report', `Not a launchready report: ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`.slice(0, 2000));
      throw err;
    }
    return reply.code(201).header('location', `/audits/${id}`).send({ id, url: `/audits/${id}` });
  });

  app.get('/api/monitor', async () => monitorView(store, sql, { now: now(), ...(opts.monitorFreshMs ? { freshMs: opts.monitorFreshMs } : {}) }));

  await app.ready();
  return { app, accounts, routes, notices, ...(setupToken ? { setupToken } : {}) };
}

export interface RunningDashboard extends BuiltDashboard {
  url: string;
  /** The printed one-time link, when the admin still has to be created. */
  setupUrl?: string;
  close(): Promise<void>;
}

/** Builds and listens (port 0 picks a free port); `close()` stops the server, the purge timer and the store. */
export async function startDashboard(opts: DashboardOptions & { host?: string; port?: number; closeDb?: boolean }): Promise<RunningDashboard> {
  const host = opts.host ?? '127.0.0.1';
  const built = await buildDashboard({ ...opts, allowedHosts: defaultAllowedHosts(host, opts.allowedHosts ?? []) });
  await built.app.listen({ host, port: opts.port ?? 0 });
  const addr = built.app.server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? '127.0.0.1' : shownHost}:${addr.port}`;
  const purge = setInterval(() => void built.accounts.purgeExpired().catch(() => undefined), 10 * 60_000);
  purge.unref();
  return {
    ...built,
    url,
    ...(built.setupToken ? { setupUrl: `${url}/setup?token=${built.setupToken}` } : {}),
    async close() {
      clearInterval(purge);
      await built.app.close();
      if (opts.closeDb !== false) await opts.db.close();
    },
  };
}

/**
 * The Host names a dashboard bound to `bind` answers to: the bind address, localhost and the loopback
 * literals, and `extra` (--allowed-host). Bound to a wildcard, also this machine's interface
 * addresses (an IP literal cannot be rebound; a name can, so names must be allowed explicitly).
 */
export function defaultAllowedHosts(bind: string, extra: readonly string[]): string[] {
  const b = bind.replace(/^\[|\]$/g, '').toLowerCase();
  const literal = (a: string): string => (isIP(a) === 6 ? `[${a}]` : a);
  const out = new Set<string>(['localhost', '127.0.0.1', '[::1]', literal(b)]);
  if (b === '0.0.0.0' || b === '::') {
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) out.add(literal(i.address.toLowerCase()));
  }
  for (const e of extra) {
    const h = hostOf(e);
    if (h) out.add(h);
  }
  return [...out];
}

export { ADMIN_USERNAME };
