import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCookies, principalOf, publicUser, SESSION_COOKIE, type SessionRow, type UserRow } from '../auth.js';
import { audit, type PortalContext } from '../context.js';
import { nowIso } from '../db.js';
import { dummyPasswordHash, hashPassword, isCommonPassword, verifyPassword } from '../passwords.js';
import { tooManyRequests } from '../rate-limit.js';
import {
  CredentialsSchema,
  InviteAcceptSchema,
  InviteCreateSchema,
  MailboxQuery,
  PasswordChangeSchema,
  ResetConfirmSchema,
  ResetRequestSchema,
  SignupSchema,
  UpdateMeSchema,
} from '../schemas.js';
import { loginPage } from '../web/pages.js';

/** Signup, both logins, logout, the profile, password change and reset, invites, and the demo mailbox. */

const GENERIC_RESET_REPLY = { message: 'If an account exists for that address, we have sent a password reset link.' };
const INVALID_LOGIN = { error: 'invalid_credentials', message: 'Invalid email or password.' };
const INVALID_TOKEN = { error: 'invalid_token', message: 'This link is invalid or has expired.' };
const COMMON_PASSWORD = { error: 'password_too_common', message: 'This password is on lists of the most used passwords. Choose another one.' };

const sha256 = (v: string): string => createHash('sha256').update(v).digest('hex');
const newToken = (): string => randomBytes(32).toString('base64url');

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function orgOf(ctx: PortalContext, orgId: number): { id: number; slug: string; name: string } | undefined {
  return ctx.db.prepare('SELECT id, slug, name FROM orgs WHERE id = ?').get(orgId) as { id: number; slug: string; name: string } | undefined;
}

function userByEmail(ctx: PortalContext, email: string): UserRow | undefined {
  return ctx.db.prepare('SELECT * FROM users WHERE email = ?').get(email.trim()) as UserRow | undefined;
}

/** The demo's "outbox": a real portal would hand this to an email provider. */
function sendMail(ctx: PortalContext, to: string, subject: string, body: string, token: string, link: string): void {
  ctx.db.prepare('INSERT INTO mailbox (to_email, subject, body, token, link, sent_at) VALUES (?, ?, ?, ?, ?, ?)').run(to, subject, body, token, link, nowIso());
}

/**
 * Checks a password with the login throttles around it. Returns the user, or null after
 * sending the reply. Unknown emails run the same scrypt work so timing tells nothing.
 */
async function attemptLogin(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, email: string, password: string, throttled: boolean): Promise<UserRow | null> {
  // FLAW broken-login: the session store is "down", so every login fails while the rest of the
  // site (homepage, /healthz) looks healthy. Only a synthetic login monitor notices.
  if (ctx.flaws.has('broken-login')) throw new Error('session store unavailable: connection pool exhausted');

  const ip = ctx.limits.clientIp(request);
  const accountKey = ctx.limits.loginAccountKey(request, email);
  if (throttled) {
    const retry = Math.max(ctx.limits.loginIp.retryAfter(ip), ctx.limits.loginAccount.retryAfter(accountKey));
    if (retry > 0) {
      tooManyRequests(reply, retry);
      return null;
    }
  }
  const user = userByEmail(ctx, email);
  const ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash()));
  if (!user || !ok) {
    if (throttled) {
      ctx.limits.loginIp.add(ip);
      ctx.limits.loginAccount.add(accountKey);
    }
    return null;
  }
  ctx.limits.loginAccount.reset(accountKey);
  return user;
}

/** The web login's session: a brand-new id every time, so an id planted before login is worthless. */
function startCookieSession(ctx: PortalContext, request: FastifyRequest, user: UserRow): SessionRow {
  const presented = parseCookies(request.headers.cookie)[SESSION_COOKIE];
  if (ctx.flaws.has('session-fixation') && presented && /^[A-Za-z0-9_-]{16,128}$/.test(presented)) {
    // FLAW session-fixation: the session the browser arrived with is promoted to a logged-in
    // one (and an id the server never issued is adopted). Whoever planted that id before the
    // login — a shared computer, a crafted link — is now logged in as this user.
    const existing = ctx.auth.getSession(presented);
    return existing ? ctx.auth.upgradeSession(existing.id, user.id) : ctx.auth.createSession(user.id, presented);
  }
  if (presented) ctx.auth.destroySession(presented);
  return ctx.auth.createSession(user.id);
}

export function accountRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { db, auth, flaws, limits } = ctx;

  app.post('/api/signup', { schema: { body: SignupSchema } }, async (request, reply) => {
    const body = request.body as { email: string; password: string; name: string; organisation?: string };
    const ip = limits.clientIp(request);
    const retry = limits.signupIp.retryAfter(ip);
    if (retry > 0) return tooManyRequests(reply, retry);
    limits.signupIp.add(ip);
    if (userByEmail(ctx, body.email)) {
      return reply.code(409).send({ error: 'email_taken', message: 'An account with this email already exists. Sign in instead.' });
    }
    // FLAW weak-password-policy: without this check "password" and "123456789" are accepted.
    if (!flaws.has('weak-password-policy') && isCommonPassword(body.password)) return reply.code(400).send(COMMON_PASSWORD);
    const hash = await hashPassword(body.password);
    const orgName = body.organisation ?? `${body.name}'s organisation`;
    const slug = `${orgName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'org'}-${randomBytes(3).toString('hex')}`;
    let user: UserRow;
    try {
      user = db.transaction(() => {
        const orgId = Number(db.prepare('INSERT INTO orgs (slug, name, created_at) VALUES (?, ?, ?)').run(slug, orgName, nowIso()).lastInsertRowid);
        // The person who signs up owns a new organisation, so they are its admin.
        const id = Number(
          db
            .prepare("INSERT INTO users (org_id, email, name, role, password_hash, email_verified, created_at) VALUES (?, ?, ?, 'admin', ?, 0, ?)")
            .run(orgId, body.email.trim(), body.name, hash, nowIso()).lastInsertRowid,
        );
        return auth.userById(id) as UserRow;
      })();
    } catch (err) {
      // Two signups for one address raced past the check above while hashing.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return reply.code(409).send({ error: 'email_taken', message: 'An account with this email already exists. Sign in instead.' });
      throw err;
    }
    audit(ctx, user.org_id, user.id, 'user.signed_up', user.email);
    const issued = auth.issueToken(user);
    return reply.code(201).send({ user: publicUser(user, orgOf(ctx, user.org_id)), token: issued.token, token_type: 'Bearer' });
  });

  // API login: a short-lived bearer JWT for API clients and scripts.
  app.post('/api/login', { schema: { body: CredentialsSchema } }, async (request, reply) => {
    const { email, password } = request.body as { email: string; password: string };
    // FLAW no-rate-limit-login: the throttle was mounted on the web login only; the API login,
    // added later for the mobile app, lets a password be guessed as fast as the server answers.
    const user = await attemptLogin(ctx, request, reply, email, password, !flaws.has('no-rate-limit-login'));
    if (!user) return reply.sent ? reply : reply.code(401).send(INVALID_LOGIN);
    const issued = auth.issueToken(user);
    audit(ctx, user.org_id, user.id, 'user.login', 'api');
    return {
      token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresAt === null ? null : Math.round((issued.expiresAt - Date.now()) / 1000),
      user: publicUser(user, orgOf(ctx, user.org_id)),
    };
  });

  // The login page starts a pre-login session (it remembers where to go after login).
  app.get('/login', async (request, reply) => {
    let session = auth.getSession(parseCookies(request.headers.cookie)[SESSION_COOKIE]);
    if (session?.user_id) return reply.redirect('/dashboard', 303);
    session ??= auth.createSession(null);
    return reply.header('set-cookie', auth.sessionCookie(request, session)).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(loginPage());
  });

  // Web login: an HTML form post (or JSON from the SPA) that answers with a session cookie.
  app.post('/login', { schema: { body: CredentialsSchema } }, async (request, reply) => {
    const { email, password } = request.body as { email: string; password: string };
    const isForm = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ?? false;
    const user = await attemptLogin(ctx, request, reply, email, password, true);
    if (!user) {
      if (reply.sent) return reply;
      return isForm
        ? reply.code(401).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(loginPage(INVALID_LOGIN.message))
        : reply.code(401).send(INVALID_LOGIN);
    }
    const session = startCookieSession(ctx, request, user);
    audit(ctx, user.org_id, user.id, 'user.login', 'web');
    reply.header('set-cookie', [auth.sessionCookie(request, session), auth.csrfCookie(request, session)]).header('cache-control', 'no-store');
    if (isForm) return reply.redirect('/dashboard', 303);
    return { user: publicUser(user, orgOf(ctx, user.org_id)), csrf_token: session.csrf_token };
  });

  app.post('/api/logout', { onRequest: auth.guard({ csrf: false }) }, async (request, reply) => {
    const p = principalOf(request);
    // FLAW session-after-logout: the browser is told to forget the cookie, but nothing is
    // revoked on the server; a copied cookie or token keeps working until it expires.
    if (!flaws.has('session-after-logout')) {
      if (p.sessionId) auth.destroySession(p.sessionId);
      if (p.jti) auth.revokeToken(p.jti);
    }
    audit(ctx, p.user.org_id, p.user.id, 'user.logout', p.via);
    return reply.header('set-cookie', auth.clearSessionCookies(request)).send({ ok: true });
  });

  app.get('/api/me', { onRequest: auth.guard() }, async (request, reply) => {
    const p = principalOf(request);
    // FLAW cache-public: the profile is marked cacheable by shared caches, so a CDN or proxy
    // can serve one user's profile to the next visitor.
    if (flaws.has('cache-public')) reply.header('cache-control', 'public, max-age=3600');
    const body: Record<string, unknown> = { ...publicUser(p.user, orgOf(ctx, p.user.org_id)) };
    if (p.via === 'cookie') body.csrf_token = p.csrfToken;
    return body;
  });

  if (flaws.has('mass-assignment')) {
    // FLAW mass-assignment: "update whatever the client sent" — every body field that matches a
    // column is written, so a member can send {"role":"admin"} or {"org_id":2}. The legacy
    // is_admin flag from the old mobile app is still honoured too.
    app.patch('/api/me', { onRequest: auth.guard() }, async (request, reply) => {
      const p = principalOf(request);
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) return reply.code(400).send({ error: 'invalid_request', message: 'Expected a JSON object.' });
      const fields: Record<string, unknown> = { ...(body as Record<string, unknown>) };
      if (fields.is_admin === true || fields.isAdmin === true) fields.role = 'admin';
      const columns = ['name', 'email', 'role', 'org_id', 'email_verified'];
      const sets = columns.filter((c) => c in fields && ['string', 'number', 'boolean'].includes(typeof fields[c]));
      if (sets.length === 0) return reply.code(400).send({ error: 'invalid_request', message: 'Nothing to update.' });
      try {
        db.prepare(`UPDATE users SET ${sets.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({
          ...Object.fromEntries(sets.map((c) => [c, typeof fields[c] === 'boolean' ? Number(fields[c]) : fields[c]])),
          id: p.user.id,
        });
      } catch {
        return reply.code(400).send({ error: 'invalid_request', message: 'Could not save those values.' });
      }
      const user = auth.userById(p.user.id) as UserRow;
      return publicUser(user, orgOf(ctx, user.org_id));
    });
  } else {
    app.patch('/api/me', { onRequest: auth.guard(), schema: { body: UpdateMeSchema } }, async (request) => {
      const p = principalOf(request);
      const { name } = request.body as { name: string };
      db.prepare('UPDATE users SET name = ? WHERE id = ?').run(name, p.user.id);
      const user = auth.userById(p.user.id) as UserRow;
      return publicUser(user, orgOf(ctx, user.org_id));
    });
  }

  app.post('/api/me/password', { onRequest: auth.guard(), schema: { body: PasswordChangeSchema } }, async (request, reply) => {
    const p = principalOf(request);
    const { currentPassword, newPassword } = request.body as { currentPassword: string; newPassword: string };
    const key = String(p.user.id);
    const retry = limits.passwordChangeAccount.retryAfter(key);
    if (retry > 0) return tooManyRequests(reply, retry);
    if (!(await verifyPassword(currentPassword, p.user.password_hash))) {
      limits.passwordChangeAccount.add(key);
      return reply.code(400).send({ error: 'current_password_incorrect', message: 'Your current password is not correct.' });
    }
    // FLAW weak-password-policy (see sign-up).
    if (!flaws.has('weak-password-policy') && isCommonPassword(newPassword)) return reply.code(400).send(COMMON_PASSWORD);
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(await hashPassword(newPassword), p.user.id);
    // A password change is how users lock out someone who knows the old one: end every other
    // session and token, keep the one making the change.
    auth.revokeAllForUser(p.user.id, { sessionId: p.sessionId, jti: p.jti });
    audit(ctx, p.user.org_id, p.user.id, 'user.password_changed', p.user.email);
    return { ok: true };
  });

  app.post('/api/password-reset', { schema: { body: ResetRequestSchema } }, async (request, reply) => {
    const { email } = request.body as { email: string };
    // FLAW no-rate-limit-reset: without this block anyone can flood a user's inbox with reset
    // mails (and hammer the mail provider's quota).
    if (!flaws.has('no-rate-limit-reset')) {
      const ip = limits.clientIp(request);
      const account = email.trim().toLowerCase();
      const retry = Math.max(limits.resetIp.retryAfter(ip), limits.resetAccount.retryAfter(account));
      if (retry > 0) return tooManyRequests(reply, retry);
      limits.resetIp.add(ip);
      limits.resetAccount.add(account);
    }
    const user = userByEmail(ctx, email);
    if (user) {
      const token = newToken();
      // FLAW reset-token-reuse: reset links are never voided — not after use, and not when a newer one is sent.
      if (!flaws.has('reset-token-reuse')) db.prepare('UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL').run(Date.now(), user.id);
      db.prepare('INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)').run(sha256(token), user.id, Date.now() + ctx.tokenLinkTtlMs);
      const link = `${origin(request)}/reset-password?token=${token}`;
      sendMail(ctx, user.email, 'Reset your password', `Someone asked to reset your password. Open ${link} within 30 minutes, or ignore this email.`, token, link);
    }
    if (flaws.has('user-enumeration-reset')) {
      // FLAW user-enumeration-reset: a different status and message for unknown addresses tell
      // an attacker which emails have accounts.
      return user ? reply.code(200).send({ message: 'Password reset email sent.' }) : reply.code(404).send({ error: 'not_found', message: 'No account with that email address.' });
    }
    return reply.code(202).send(GENERIC_RESET_REPLY);
  });

  app.post('/api/password-reset/confirm', { schema: { body: ResetConfirmSchema } }, async (request, reply) => {
    const { token, password } = request.body as { token: string; password: string };
    const ip = limits.clientIp(request);
    const retry = limits.tokenIp.retryAfter(ip);
    if (retry > 0) return tooManyRequests(reply, retry);
    const row = db.prepare('SELECT * FROM password_resets WHERE token_hash = ? AND expires_at > ?').get(sha256(token), Date.now()) as
      | { token_hash: string; user_id: number; used_at: number | null }
      | undefined;
    if (!row || row.used_at !== null) {
      limits.tokenIp.add(ip);
      return reply.code(400).send(INVALID_TOKEN);
    }
    // FLAW weak-password-policy (see sign-up).
    if (!flaws.has('weak-password-policy') && isCommonPassword(password)) return reply.code(400).send(COMMON_PASSWORD);
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(await hashPassword(password), row.user_id);
    // FLAW reset-token-reuse: the token is never marked as used, so the link in the mailbox
    // (or in browser history, or a proxy log) resets the password again later.
    if (!flaws.has('reset-token-reuse')) db.prepare('UPDATE password_resets SET used_at = ? WHERE token_hash = ?').run(Date.now(), row.token_hash);
    auth.revokeAllForUser(row.user_id);
    const user = auth.userById(row.user_id);
    if (user) audit(ctx, user.org_id, user.id, 'user.password_reset', user.email);
    return { ok: true, message: 'Your password has been reset. Sign in with the new one.' };
  });

  app.post('/api/invites', { onRequest: auth.guard({ role: 'admin' }), schema: { body: InviteCreateSchema } }, async (request, reply) => {
    const p = principalOf(request);
    const { email, role = 'member' } = request.body as { email: string; role?: 'member' | 'admin' };
    const retry = limits.inviteAccount.retryAfter(String(p.user.id));
    if (retry > 0) return tooManyRequests(reply, retry);
    limits.inviteAccount.add(String(p.user.id));
    if (userByEmail(ctx, email)) return reply.code(409).send({ error: 'already_member', message: 'That person already has an account.' });
    const token = newToken();
    const expiresAt = Date.now() + 7 * 24 * 3600 * 1000;
    const id = Number(
      db
        .prepare('INSERT INTO invites (org_id, email, role, token_hash, invited_by, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(p.user.org_id, email.trim(), role, sha256(token), p.user.id, expiresAt, nowIso()).lastInsertRowid,
    );
    const link = `${origin(request)}/invite?token=${token}`;
    const org = orgOf(ctx, p.user.org_id);
    sendMail(ctx, email, `${p.user.name} invited you to ${org?.name ?? 'their organisation'}`, `Accept the invitation: ${link}`, token, link);
    audit(ctx, p.user.org_id, p.user.id, 'invite.created', email);
    // Admins get the link too, to share it another way ("copy invite link").
    return reply.code(201).send({ id, email: email.trim(), role, expires_at: new Date(expiresAt).toISOString(), accept_url: link, token });
  });

  app.post('/api/invites/accept', { schema: { body: InviteAcceptSchema } }, async (request, reply) => {
    const { token, name, password } = request.body as { token: string; name: string; password: string };
    const ip = limits.clientIp(request);
    const retry = limits.tokenIp.retryAfter(ip);
    if (retry > 0) return tooManyRequests(reply, retry);
    const invite = db.prepare('SELECT * FROM invites WHERE token_hash = ? AND expires_at > ?').get(sha256(token), Date.now()) as
      | { id: number; org_id: number; email: string; role: 'member' | 'admin'; accepted_at: number | null }
      | undefined;
    if (!invite || invite.accepted_at !== null) {
      limits.tokenIp.add(ip);
      return reply.code(400).send(INVALID_TOKEN);
    }
    // FLAW weak-password-policy (see sign-up).
    if (!flaws.has('weak-password-policy') && isCommonPassword(password)) return reply.code(400).send(COMMON_PASSWORD);
    const hash = await hashPassword(password);
    let user = userByEmail(ctx, invite.email);
    if (user) {
      if (!flaws.has('invite-token-reuse')) return reply.code(409).send({ error: 'already_member', message: 'That account already exists. Sign in instead.' });
      // FLAW invite-token-reuse: accepting "again" sets a new password on the invited account,
      // so anyone holding an old invite link can take that account over.
      db.prepare('UPDATE users SET name = ?, password_hash = ? WHERE id = ?').run(name, hash, user.id);
    } else {
      const id = Number(
        db
          .prepare('INSERT INTO users (org_id, email, name, role, password_hash, email_verified, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)')
          .run(invite.org_id, invite.email, name, invite.role, hash, nowIso()).lastInsertRowid,
      );
      user = auth.userById(id) as UserRow;
    }
    // FLAW invite-token-reuse: the invite is never marked accepted.
    if (!flaws.has('invite-token-reuse')) db.prepare('UPDATE invites SET accepted_at = ? WHERE id = ?').run(Date.now(), invite.id);
    audit(ctx, invite.org_id, user.id, 'invite.accepted', invite.email);
    const issued = auth.issueToken(user);
    return reply.code(201).send({ user: publicUser(user, orgOf(ctx, user.org_id)), token: issued.token, token_type: 'Bearer' });
  });

  // Demo only: the "inbox" where reset and invite emails land, so a test or a person can follow
  // the links. A real deployment has no such route; it is deliberately left out of the OpenAPI
  // document and can be switched off with { mailbox: false }.
  app.get('/__demo/mailbox', { schema: { querystring: MailboxQuery } }, async (request, reply) => {
    const { email } = request.query as { email: string };
    const rows = db.prepare('SELECT to_email AS "to", subject, body, token, link, sent_at FROM mailbox WHERE to_email = ? ORDER BY id DESC LIMIT 50').all(email.trim());
    return reply.header('cache-control', 'no-store').send({ messages: rows });
  });
}
