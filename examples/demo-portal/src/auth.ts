import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Db } from './db.js';
import type { FlawSet } from './flaws.js';

/**
 * Who is calling: bearer JWTs for API clients, an opaque session cookie for the web UI.
 * Both end up as a Principal whose user row is read fresh from the database on every request,
 * so a role change or a deleted account takes effect at once.
 */

export interface UserRow {
  id: number;
  org_id: number;
  email: string;
  name: string;
  role: 'member' | 'admin';
  password_hash: string;
  email_verified: number;
  created_at: string;
}

export interface SessionRow {
  id: string;
  user_id: number | null;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface Principal {
  user: UserRow;
  via: 'bearer' | 'cookie';
  sessionId?: string;
  csrfToken?: string;
  jti?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The exact request body bytes as text, kept for webhook signature verification. */
    rawBody?: string;
  }
}

export const SESSION_COOKIE = 'sid';
/**
 * The CSRF token's cookie (double-submit): scripts read it and echo it in X-CSRF-Token. It is
 * readable on purpose (no HttpOnly); the server compares the header with the token bound to the
 * session, so a cookie planted by another site cannot forge a match.
 */
export const CSRF_COOKIE = 'csrf';
/** Pre-login sessions (visitors on /login) live briefly; they carry nothing but a CSRF token. */
const ANON_SESSION_TTL_MS = 30 * 60 * 1000;

export interface AuthOptions {
  jwtSecret: Buffer | string;
  tokenTtlMs: number;
  sessionTtlMs: number;
}

function b64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function parseB64urlJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!(name in out)) {
      try {
        out[name] = decodeURIComponent(value);
      } catch {
        out[name] = value;
      }
    }
  }
  return out;
}

export interface CookieOptions {
  maxAgeSeconds?: number;
  httpOnly?: boolean;
  sameSite?: 'Lax' | 'Strict' | 'None';
  secure?: boolean;
  path?: string;
}

export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${opts.path ?? '/'}`];
  if (opts.maxAgeSeconds !== undefined) {
    parts.push(`Max-Age=${opts.maxAgeSeconds}`);
    if (opts.maxAgeSeconds === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }
  if (opts.httpOnly) parts.push('HttpOnly');
  if (opts.secure) parts.push('Secure');
  if (opts.sameSite) parts.push(`SameSite=${opts.sameSite}`);
  return parts.join('; ');
}

export class Auth {
  constructor(
    private readonly db: Db,
    private readonly flaws: FlawSet,
    private readonly opts: AuthOptions,
  ) {}

  // ---------------------------------------------------------------- bearer tokens (JWT, HS256)

  issueToken(user: UserRow): { token: string; jti: string; expiresAt: number | null } {
    const now = Date.now();
    const jti = randomUUID();
    const iat = Math.floor(now / 1000);
    // FLAW jwt-no-expiry: the token is issued without "exp", so a leaked token works forever.
    const exp = this.flaws.has('jwt-no-expiry') ? undefined : Math.floor((now + this.opts.tokenTtlMs) / 1000);
    const payload: Record<string, unknown> = { sub: String(user.id), org: user.org_id, role: user.role, jti, iat };
    if (exp !== undefined) payload.exp = exp;
    const signingInput = `${b64urlJson({ alg: 'HS256', typ: 'JWT' })}.${b64urlJson(payload)}`;
    const signature = createHmac('sha256', this.opts.jwtSecret).update(signingInput).digest('base64url');
    // Issued tokens are recorded so logout and password change can revoke them by jti.
    this.db
      .prepare('INSERT INTO api_tokens (jti, user_id, issued_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(jti, user.id, now, exp === undefined ? null : exp * 1000);
    return { token: `${signingInput}.${signature}`, jti, expiresAt: exp === undefined ? null : exp * 1000 };
  }

  /** Returns the token's subject and jti when the token is genuine, unexpired and not revoked. */
  verifyToken(token: string): { sub: string; jti: string | undefined } | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [headerPart, payloadPart, signature] = parts as [string, string, string];
    const header = parseB64urlJson(headerPart);
    const payload = parseB64urlJson(payloadPart);
    if (!header || !payload) return null;

    if (typeof header.alg === 'string' && header.alg.toLowerCase() === 'none') {
      // FLAW jwt-alg-none: a hand-rolled verifier that honours the token's own "alg" header.
      // An unsigned token (alg "none", empty signature) is taken at its word.
      if (!this.flaws.has('jwt-alg-none')) return null;
    } else {
      // The algorithm is pinned: the header may not choose it.
      if (header.alg !== 'HS256') return null;
      const expected = createHmac('sha256', this.opts.jwtSecret).update(`${headerPart}.${payloadPart}`).digest('base64url');
      if (!safeEqual(signature, expected)) return null;
    }

    const nowS = Date.now() / 1000;
    if (typeof payload.exp === 'number') {
      if (payload.exp <= nowS) return null;
    } else if (!this.flaws.has('jwt-no-expiry')) {
      // A token without "exp" is refused: every token must die on its own.
      return null;
    }
    if (typeof payload.sub !== 'string' && typeof payload.sub !== 'number') return null;
    const jti = typeof payload.jti === 'string' ? payload.jti : undefined;
    if (jti) {
      const row = this.db.prepare('SELECT revoked_at FROM api_tokens WHERE jti = ?').get(jti) as { revoked_at: number | null } | undefined;
      if (row?.revoked_at) return null;
    }
    return { sub: String(payload.sub), jti };
  }

  revokeToken(jti: string): void {
    this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL').run(Date.now(), jti);
  }

  // ---------------------------------------------------------------- cookie sessions

  /** A new session with a fresh random id (or, for the fixation flaw, the id given). */
  createSession(userId: number | null, id: string = randomBytes(32).toString('base64url')): SessionRow {
    const now = Date.now();
    const row: SessionRow = {
      id,
      user_id: userId,
      csrf_token: randomBytes(24).toString('base64url'),
      created_at: now,
      expires_at: now + (userId === null ? ANON_SESSION_TTL_MS : this.opts.sessionTtlMs),
    };
    this.db
      .prepare('INSERT OR REPLACE INTO sessions (id, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(row.id, row.user_id, row.csrf_token, row.created_at, row.expires_at);
    return row;
  }

  getSession(id: string | undefined): SessionRow | null {
    if (!id) return null;
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
    if (!row) return null;
    if (row.expires_at <= Date.now()) {
      this.destroySession(id);
      return null;
    }
    return row;
  }

  /** Binds an existing session to a user (only the session-fixation flaw does this). */
  upgradeSession(id: string, userId: number): SessionRow {
    const expires = Date.now() + this.opts.sessionTtlMs;
    this.db.prepare('UPDATE sessions SET user_id = ?, expires_at = ? WHERE id = ?').run(userId, expires, id);
    return this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow;
  }

  destroySession(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
  }

  /** Password change and reset end every other session and token of the account. */
  revokeAllForUser(userId: number, keep: { sessionId?: string; jti?: string } = {}): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?').run(userId, keep.sessionId ?? null);
    this.db
      .prepare('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND jti IS NOT ?')
      .run(Date.now(), userId, keep.jti ?? null);
  }

  sessionCookie(request: FastifyRequest, session: SessionRow): string {
    const maxAgeSeconds = Math.max(0, Math.floor((session.expires_at - Date.now()) / 1000));
    if (this.flaws.has('weak-cookies')) {
      // FLAW weak-cookies: no HttpOnly (page scripts, and so any XSS, can read the session id)
      // and no SameSite (the browser sends it on cross-site requests).
      return serializeCookie(SESSION_COOKIE, session.id, { maxAgeSeconds });
    }
    // Secure is only meaningful over HTTPS; on plain-HTTP localhost a Secure cookie would never
    // come back, so it is set whenever the request arrived over TLS.
    return serializeCookie(SESSION_COOKIE, session.id, {
      maxAgeSeconds,
      httpOnly: true,
      sameSite: 'Lax',
      secure: request.protocol === 'https',
    });
  }

  csrfCookie(request: FastifyRequest, session: SessionRow): string {
    const maxAgeSeconds = Math.max(0, Math.floor((session.expires_at - Date.now()) / 1000));
    return serializeCookie(CSRF_COOKIE, session.csrf_token, { maxAgeSeconds, sameSite: 'Lax', secure: request.protocol === 'https' });
  }

  /** The Set-Cookie values that end the session in the browser. */
  clearSessionCookies(request: FastifyRequest): string[] {
    const secure = request.protocol === 'https';
    return [
      serializeCookie(SESSION_COOKIE, '', {
        maxAgeSeconds: 0,
        httpOnly: !this.flaws.has('weak-cookies'),
        sameSite: this.flaws.has('weak-cookies') ? undefined : 'Lax',
        secure,
      }),
      serializeCookie(CSRF_COOKIE, '', { maxAgeSeconds: 0, sameSite: 'Lax', secure }),
    ];
  }

  // ---------------------------------------------------------------- request authentication

  userById(id: number | string): UserRow | null {
    const n = Number(id);
    if (!Number.isSafeInteger(n)) return null;
    return (this.db.prepare('SELECT * FROM users WHERE id = ?').get(n) as UserRow | undefined) ?? null;
  }

  /** The caller, or null. A bearer header that fails verification is final: no cookie fallback. */
  authenticate(request: FastifyRequest): Principal | null {
    const authz = request.headers.authorization;
    if (authz !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
      if (!m?.[1]) return null;
      const claims = this.verifyToken(m[1]);
      if (!claims) return null;
      const user = this.userById(claims.sub);
      return user ? { user, via: 'bearer', jti: claims.jti } : null;
    }
    const session = this.getSession(parseCookies(request.headers.cookie)[SESSION_COOKIE]);
    if (!session || session.user_id === null) return null;
    const user = this.userById(session.user_id);
    return user ? { user, via: 'cookie', sessionId: session.id, csrfToken: session.csrf_token } : null;
  }

  /**
   * The onRequest hook every protected route uses: it runs before the body is parsed or
   * validated, so an anonymous caller learns nothing about the route (401, not 400). `role` restricts to a role; `csrf: false` exempts
   * a route from the CSRF token (logout: forcing a logout is harmless, and a client that lost its
   * token must still be able to end its session).
   */
  guard(opts: { role?: 'admin'; csrf?: boolean } = {}): onRequestHookHandler {
    return (request, reply, done) => {
      const principal = this.authenticate(request);
      if (!principal) {
        unauthorized(reply);
        return;
      }
      if (opts.role && principal.user.role !== opts.role) {
        void reply.code(403).send({ error: 'forbidden', message: 'You do not have permission to do that.' });
        return;
      }
      if (principal.via === 'cookie' && opts.csrf !== false && !SAFE_METHODS.has(request.method)) {
        // FLAW no-csrf: cookie-authenticated writes are accepted without proof that the request
        // came from our own pages, so any website the user visits can submit them.
        if (!this.flaws.has('no-csrf')) {
          const sent = request.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !principal.csrfToken || !safeEqual(sent, principal.csrfToken)) {
            void reply.code(403).send({ error: 'csrf_token_invalid', message: 'Missing or invalid X-CSRF-Token header.' });
            return;
          }
        }
      }
      request.principal = principal;
      done();
    };
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function unauthorized(reply: FastifyReply): void {
  void reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="portal"')
    .send({ error: 'unauthorized', message: 'Sign in to continue.' });
}

/** The principal a guarded handler runs with; a missing one is a wiring bug, not a user error. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`route ${request.method} ${request.url} is missing the auth guard`);
  return request.principal;
}

/** The user as the API shows it: never the password hash. */
export function publicUser(user: UserRow, org?: { id: number; slug: string; name: string }): Record<string, unknown> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    org_id: user.org_id,
    ...(org ? { org } : {}),
    email_verified: user.email_verified === 1,
    created_at: user.created_at,
  };
}
