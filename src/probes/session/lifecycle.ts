import { randomBytes } from 'node:crypto';
import type { IdentityConfig } from '../../config/schema.js';
import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { CookieJar, isDeletion, parseSetCookie } from '../../identity/cookies.js';
import { credentialHeaders, login, loginCredentials, loginWithCredentials, logout, sessionsGatherer, type Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { apiSurfaceGatherer, type Route } from '../../surface/routes.js';
import { sampleFromSchema } from '../../surface/sample-body.js';
import { carriesData, isSuccess, statusText } from '../../checks/authentication/content.js';
import { runMarker } from '../authorization/inventory.js';

/**
 * The life of a session: does logout end it, does login issue a new id, does a password change end
 * the other sessions, are reset and invite links single-use. Each test uses fresh logins or a
 * throw-away account it creates, so the configured identities' own sessions are never disturbed.
 * Reading the mailbox is app-specific: `endpoints.mailbox` names a GET that returns the messages
 * sent to `{{email}}` (or `?email=` is appended).
 */

export type LifecycleTest = 'after-logout' | 'fixation' | 'password-change' | 'reset-reuse' | 'invite-reuse';

export interface LifecycleResult {
  test: LifecycleTest;
  identity?: string;
  outcome: 'vulnerable' | 'ok' | 'not-tested';
  /** What happened, in words; for not-tested, why. */
  detail: string;
  /** The requests that prove it, in order, with labels. */
  steps: Array<{ label: string; exchange: HttpExchange }>;
}

export interface SessionLifecycle {
  results: LifecycleResult[];
}

const SESSION_COOKIE = /sess|sid|auth|token|jwt|login|connect\.sid|^id$/i;
const CSRF_COOKIE = /csrf|xsrf/i;
const FATAL = new Set(['BudgetExhausted', 'RunAborted', 'ScopeViolation', 'LoopbackViolation']);

function routeAt(routes: Route[], path: string | undefined, method = 'POST'): Route | undefined {
  return path ? routes.find((r) => r.method === method && r.path === path) : undefined;
}

/** A body for an account flow (signup, reset, change, accept) from the route's schema, by field names. */
export function flowBody(route: Route | undefined, v: { email?: string; password?: string; currentPassword?: string; token?: string; name?: string; role?: string }, marker: string): Record<string, unknown> {
  const pick = (k: string): unknown => {
    const n = k.toLowerCase();
    if (/pass|pwd/.test(n)) return /current|old/.test(n) ? v.currentPassword : v.password;
    if (/e-?mail|^user(name)?$|^login$|identifier/.test(n)) return v.email;
    if (/token|code|key|nonce/.test(n)) return v.token;
    if (/^role$/.test(n)) return v.role;
    if (/name/.test(n)) return v.name ?? `Launchready ${marker}`;
    return undefined;
  };
  const schema = route?.requestSchema as { properties?: Record<string, unknown> } | undefined;
  if (schema?.properties) {
    const values: Record<string, unknown> = {};
    for (const k of Object.keys(schema.properties)) {
      const x = pick(k);
      if (x !== undefined) values[k] = x;
    }
    const body = sampleFromSchema(schema, { marker, optional: false, values }) as Record<string, unknown>;
    for (const [k, x] of Object.entries(values)) body[k] = x;
    return body;
  }
  const out: Record<string, unknown> = {};
  if (v.email) out['email'] = v.email;
  if (v.token) out['token'] = v.token;
  if (v.currentPassword) {
    out['currentPassword'] = v.currentPassword;
    out['newPassword'] = v.password;
  } else if (v.password) out['password'] = v.password;
  if (v.name) out['name'] = v.name;
  return out;
}

/** Tokens in a mailbox or invite response: fields named like tokens, and token-ish link parameters. */
export function tokensIn(body: string): string[] {
  const found: string[] = [];
  const add = (t: string): void => {
    if (t.length >= 12 && !found.includes(t)) found.push(t);
  };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string') {
      if (/token|code|key/i.test(key) && /^[A-Za-z0-9_.~-]+$/.test(v)) add(v);
      for (const m of v.matchAll(/[?&](?:token|code|key|t)=([A-Za-z0-9_.~-]+)/g)) add(m[1]!);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  if (json !== undefined) walk(json);
  else for (const m of body.matchAll(/[?&](?:token|code|key)=([A-Za-z0-9_.~-]+)/g)) add(m[1]!);
  return found;
}

export function mailboxUrl(template: string, email: string, base: URL): URL {
  if (template.includes('{{')) return new URL(template.replace(/\{\{\s*email\s*\}\}/g, encodeURIComponent(email)), base);
  const u = new URL(template, base);
  u.searchParams.set('email', email);
  return u;
}

export const sessionLifecycleGatherer = defineGatherer<SessionLifecycle>({
  id: 'session/lifecycle',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const { sessions } = await ctx.gather(sessionsGatherer);
    if (sessions.size === 0) throw new NotApplicable('no identity could log in');
    let routes: Route[] = [];
    try {
      routes = (await ctx.gather(apiSurfaceGatherer)).routes;
    } catch (err) {
      if (err instanceof Error && FATAL.has(err.name)) throw err;
    }
    const ep = ctx.config.endpoints;
    const results: LifecycleResult[] = [];
    const marker = runMarker(ctx.options.seed + 7);
    const guard = async (test: LifecycleTest, fn: () => Promise<LifecycleResult>): Promise<void> => {
      try {
        results.push(await fn());
      } catch (err) {
        if (err instanceof Error && FATAL.has(err.name)) throw err;
        results.push({ test, outcome: 'not-tested', detail: `the flow failed: ${(err as Error).message}`, steps: [] });
      }
    };
    const verifyOf = (s: Session, name: string): string | undefined => ctx.config.identities[name]?.verify ?? sessions.get(name)?.verifyPath ?? s.verifyPath;
    const get = (s: Session, path: string, label?: string): Promise<HttpExchange> =>
      ctx.http.request({ url: new URL(path, base), headers: credentialHeaders(s), credentialed: true, identity: label ?? s.identity, area: 'session' });

    // ------------------------------------------------ reuse after logout (one identity per login kind)
    const byKind = new Map<string, [string, IdentityConfig]>();
    for (const [name, cfg] of Object.entries(ctx.config.identities)) {
      if (!sessions.has(name) || !(cfg.logout || ep.logout)) continue;
      const kind = cfg.login.kind === 'form' || (cfg.login.kind === 'json' && cfg.login.cookie) ? 'cookie' : cfg.login.kind;
      if (!byKind.has(kind)) byKind.set(kind, [name, cfg]);
    }
    if (byKind.size === 0) results.push({ test: 'after-logout', outcome: 'not-tested', detail: 'no identity has a logout flow (identities.NAME.logout or endpoints.logout)', steps: [] });
    for (const [name, cfg] of byKind.values()) {
      await guard('after-logout', async () => {
        const verify = verifyOf(sessions.get(name)!, name);
        if (!verify) return { test: 'after-logout', identity: name, outcome: 'not-tested', detail: `no verify route for ${name}`, steps: [] };
        if (cfg.login.kind === 'bearer' || cfg.login.kind === 'header' || cfg.login.kind === 'cookie') {
          return { test: 'after-logout', identity: name, outcome: 'not-tested', detail: `${name} uses a fixed ${cfg.login.kind} credential: logging it out would end it for the rest of the run`, steps: [] };
        }
        const fresh = await login(ctx.http, base, name, cfg);
        const before = await get(fresh, verify, `${name} (fresh session)`);
        if (!isSuccess(before)) return { test: 'after-logout', identity: name, outcome: 'not-tested', detail: `a fresh session of ${name} could not read ${verify} (${statusText(before)})`, steps: [] };
        const out = await logout(ctx.http, base, fresh, cfg, ep.logout);
        if (!out || !isSuccess(out)) return { test: 'after-logout', identity: name, outcome: 'not-tested', detail: `logout answered ${statusText(out)}`, steps: [] };
        const after = await get(fresh, verify, `${name} (after logout)`);
        const v = carriesData(after, before);
        const steps = [
          { label: `${name}: a fresh session reads ${verify}`, exchange: before },
          { label: `${name}: logout`, exchange: out },
          { label: `${name}: the same credentials after logout`, exchange: after },
        ];
        return v.data
          ? { test: 'after-logout', identity: name, outcome: 'vulnerable', detail: `the ${fresh.bearer ? 'bearer token' : 'session cookie'} still works after logout: ${v.why}`, steps }
          : { test: 'after-logout', identity: name, outcome: 'ok', detail: `refused after logout (${v.why})`, steps };
      });
    }

    // ------------------------------------------------ session fixation (cookie logins)
    const cookieIdentity = Object.entries(ctx.config.identities).find(([n, c]) => sessions.has(n) && (c.login.kind === 'form' || (c.login.kind === 'json' && c.login.cookie) || (c.login.kind === 'steps' && c.login.use.startsWith('cookie'))));
    if (!cookieIdentity) results.push({ test: 'fixation', outcome: 'not-tested', detail: 'no identity logs in with a session cookie', steps: [] });
    else {
      const [name, cfg] = cookieIdentity;
      await guard('fixation', async () => {
        const main = sessions.get(name)!;
        const declared = cfg.login.kind === 'form' || cfg.login.kind === 'json' ? cfg.login.cookie : cfg.login.kind === 'steps' ? cfg.login.use.split(':')[1] : undefined;
        const cookieName = declared ?? main.jar.entries().map(([k]) => k).find((k) => SESSION_COOKIE.test(k) && !CSRF_COOKIE.test(k));
        const verify = verifyOf(main, name);
        if (!cookieName || !verify) return { test: 'fixation', identity: name, outcome: 'not-tested', detail: 'the session cookie name or a verify route is unknown', steps: [] };
        const jar = new CookieJar();
        const steps: LifecycleResult['steps'] = [];
        // A pre-login session id as the server hands it out (login page), else one we plant.
        const loginPage = ctx.config.pages?.login ?? (cfg.login.kind === 'form' ? cfg.login.url : undefined);
        if (loginPage) {
          const page = await ctx.http.request({ url: new URL(loginPage, base), area: 'session', headers: { accept: 'text/html' } });
          if (page.response) jar.update(page.response.setCookies);
          steps.push({ label: 'before login: the login page', exchange: page });
        }
        const planted = jar.get(cookieName) ?? `lrfix${randomBytes(24).toString('base64url')}`;
        const issuedByServer = jar.get(cookieName) !== undefined;
        jar.set(cookieName, planted);
        ctx.http.registerSecret(planted);
        const s = await login(ctx.http, base, `${name} (fixation)`, cfg, jar);
        const loginEx = s.loginExchanges.at(-1)!;
        steps.push({ label: `${name} logs in carrying ${cookieName}=<pre-login id>`, exchange: loginEx });
        const reissued = (loginEx.response?.setCookies ?? []).map(parseSetCookie).some((c) => c && c.name === cookieName && !isDeletion(c) && c.value !== planted);
        if (reissued) return { test: 'fixation', identity: name, outcome: 'ok', detail: `login issued a new ${cookieName}`, steps };
        const only = new CookieJar();
        only.set(cookieName, planted);
        const probe = await ctx.http.request({ url: new URL(verify, base), headers: { cookie: only.header()! }, credentialed: true, identity: `${name} (pre-login id)`, area: 'session' });
        steps.push({ label: `the ${issuedByServer ? 'pre-login' : 'planted'} ${cookieName} alone, after ${name}'s login`, exchange: probe });
        return isSuccess(probe) && carriesData(probe).data
          ? { test: 'fixation', identity: name, outcome: 'vulnerable', detail: `the ${issuedByServer ? 'session id the login page issued' : 'session id we chose before login'} is now logged in as ${name}`, steps }
          : { test: 'fixation', identity: name, outcome: 'ok', detail: `the pre-login id does not carry the login (${statusText(probe)})`, steps };
      });
    }

    // ------------------------------------------------ a throw-away account for the password flows
    const template = Object.entries(ctx.config.identities).find(([n, c]) => sessions.has(n) && loginCredentials(c).identifier && loginCredentials(c).password && c.login.kind !== 'bearer');
    const mailbox = ep['mailbox'];
    const readMailbox = async (email: string): Promise<{ tokens: string[]; exchange: HttpExchange } | undefined> => {
      if (!mailbox) return undefined;
      const ex = await ctx.http.request({ url: mailboxUrl(mailbox, email, base), area: 'session' });
      return ex.response && isSuccess(ex) ? { tokens: tokensIn(ex.response.text()), exchange: ex } : undefined;
    };
    let throwaway: { email: string; password: string; how: string } | undefined;
    const domain = (template && loginCredentials(template[1]).identifier?.split('@')[1]) ?? 'example.test';

    // Invites first: an accepted invite is also a throw-away account.
    const inviteRoute = routeAt(routes, ep.invite);
    const acceptPath = ep['inviteAccept'] ?? routes.find((r) => r.method === 'POST' && /invit/i.test(r.path) && /accept|join|redeem|claim/i.test(r.path))?.path;
    if (!ep.invite || !acceptPath) results.push({ test: 'invite-reuse', outcome: 'not-tested', detail: 'set endpoints.invite and endpoints.inviteAccept (and endpoints.mailbox when the token only arrives by email)', steps: [] });
    else {
      await guard('invite-reuse', async () => {
        const inviter = [...sessions.values()].sort((a, b) => Number(/admin|owner/i.test(b.role)) - Number(/admin|owner/i.test(a.role))).find((s) => !inviteRoute?.roles || inviteRoute.roles.includes(s.role));
        if (!inviter) return { test: 'invite-reuse', outcome: 'not-tested', detail: 'no identity may send invites', steps: [] };
        const email = `${marker}-invite@${domain}`;
        const before = await readMailbox(email);
        const create = await ctx.http.request({ method: 'POST', url: new URL(ep.invite!, base), headers: credentialHeaders(inviter, { write: true }), json: flowBody(inviteRoute, { email, role: 'member' }, marker), credentialed: true, identity: inviter.identity, area: 'session' });
        if (!isSuccess(create)) return { test: 'invite-reuse', identity: inviter.identity, outcome: 'not-tested', detail: `the invite was not created (${statusText(create)})`, steps: [{ label: 'invite', exchange: create }] };
        const after = await readMailbox(email);
        const token = after?.tokens.find((t) => !before?.tokens.includes(t)) ?? tokensIn(create.response!.text())[0];
        if (!token) return { test: 'invite-reuse', identity: inviter.identity, outcome: 'not-tested', detail: 'no invite token found in the mailbox or the invite response (set endpoints.mailbox)', steps: [] };
        ctx.http.registerSecret(token);
        const password = `Lr-${marker}-Pw1!`;
        const acceptRoute = routeAt(routes, acceptPath);
        const first = await ctx.http.request({ method: 'POST', url: new URL(acceptPath, base), json: flowBody(acceptRoute, { email, token, password, name: `Launchready ${marker}` }, marker), area: 'session' });
        if (!isSuccess(first)) return { test: 'invite-reuse', identity: inviter.identity, outcome: 'not-tested', detail: `accepting the invite failed (${statusText(first)})`, steps: [{ label: 'accept', exchange: first }] };
        throwaway = { email, password, how: 'an accepted invite' };
        const second = await ctx.http.request({ method: 'POST', url: new URL(acceptPath, base), json: flowBody(acceptRoute, { email, token, password: `Lr-${marker}-Pw2!`, name: `Launchready ${marker} again` }, marker), area: 'session' });
        const steps = [
          { label: `${inviter.identity} invites ${email}`, exchange: create },
          ...(after ? [{ label: 'the invite email (mailbox)', exchange: after.exchange }] : []),
          { label: 'the invite is accepted', exchange: first },
          { label: 'the same invite link, accepted again', exchange: second },
        ];
        if (isSuccess(second)) throwaway.password = `Lr-${marker}-Pw2!`;
        return isSuccess(second)
          ? { test: 'invite-reuse', identity: inviter.identity, outcome: 'vulnerable', detail: `the invite token worked a second time (${statusText(second)}): whoever holds an old invite link can take the account over`, steps }
          : { test: 'invite-reuse', identity: inviter.identity, outcome: 'ok', detail: `a used invite is refused (${statusText(second)})`, steps };
      });
    }
    if (!throwaway && ep.signup) {
      const email = `${marker}-signup@${domain}`;
      const password = `Lr-${marker}-Pw1!`;
      const ex = await ctx.http.request({ method: 'POST', url: new URL(ep.signup, base), json: flowBody(routeAt(routes, ep.signup), { email, password, name: `Launchready ${marker}` }, marker), area: 'session' });
      if (isSuccess(ex)) throwaway = { email, password, how: 'a signup' };
    }
    const throwawayLogin = (password: string): IdentityConfig | undefined => (template && throwaway ? loginWithCredentials(template[1], { identifier: throwaway.email, password }) : undefined);
    const verifyPath = template ? verifyOf(sessions.get(template[0])!, template[0]) : undefined;

    // ------------------------------------------------ other sessions after a password change
    if (!ep.passwordChange) results.push({ test: 'password-change', outcome: 'not-tested', detail: 'set endpoints.passwordChange to test that a password change ends the other sessions', steps: [] });
    else if (!throwaway || !template || !verifyPath) results.push({ test: 'password-change', outcome: 'not-tested', detail: 'needs a throw-away account (endpoints.signup or an invite flow) and a login flow with email and password to copy', steps: [] });
    else {
      await guard('password-change', async () => {
        const cfg = throwawayLogin(throwaway!.password)!;
        const s1 = await login(ctx.http, base, 'throwaway (session 1)', cfg);
        const s2 = await login(ctx.http, base, 'throwaway (session 2)', cfg);
        const ok2 = await get(s2, verifyPath);
        if (!isSuccess(ok2)) return { test: 'password-change', outcome: 'not-tested', detail: `the throw-away account's session does not work (${statusText(ok2)})`, steps: [] };
        const newPassword = `Lr-${marker}-Pw3!`;
        const change = await ctx.http.request({ method: 'POST', url: new URL(ep.passwordChange!, base), headers: credentialHeaders(s1, { write: true }), json: flowBody(routeAt(routes, ep.passwordChange), { currentPassword: throwaway!.password, password: newPassword }, marker), credentialed: true, identity: 'throwaway (session 1)', area: 'session' });
        if (!isSuccess(change)) return { test: 'password-change', outcome: 'not-tested', detail: `the password change was refused (${statusText(change)})`, steps: [{ label: 'password change', exchange: change }] };
        throwaway!.password = newPassword;
        const after = await get(s2, verifyPath, 'throwaway (session 2, after the change)');
        const v = carriesData(after, ok2);
        const steps = [
          { label: `session 2 of ${throwaway!.how} works`, exchange: ok2 },
          { label: 'session 1 changes the password', exchange: change },
          { label: 'session 2 after the change', exchange: after },
        ];
        return v.data
          ? { test: 'password-change', outcome: 'vulnerable', detail: `another session of the account still works after the password change (${v.why})`, steps }
          : { test: 'password-change', outcome: 'ok', detail: `other sessions end with a password change (${v.why})`, steps };
      });
    }

    // ------------------------------------------------ password reset links
    const confirmPath = ep['passwordResetConfirm'] ?? routes.find((r) => r.method === 'POST' && /reset|forgot/i.test(r.path) && /confirm|complete|new|set|verify/i.test(r.path))?.path;
    if (!ep.passwordReset || !confirmPath || !mailbox) results.push({ test: 'reset-reuse', outcome: 'not-tested', detail: 'set endpoints.passwordReset, endpoints.passwordResetConfirm and endpoints.mailbox (how to read the reset email) to test reset links', steps: [] });
    else if (!throwaway) results.push({ test: 'reset-reuse', outcome: 'not-tested', detail: 'needs a throw-away account (endpoints.signup or an invite flow) so no real account\'s password is reset', steps: [] });
    else {
      await guard('reset-reuse', async () => {
        const email = throwaway!.email;
        const before = await readMailbox(email);
        const ask = await ctx.http.request({ method: 'POST', url: new URL(ep.passwordReset!, base), json: flowBody(routeAt(routes, ep.passwordReset), { email }, marker), area: 'session' });
        if (!ask.response || ask.response.status >= 400) return { test: 'reset-reuse', outcome: 'not-tested', detail: `the reset request was refused (${statusText(ask)})`, steps: [{ label: 'reset request', exchange: ask }] };
        const after = await readMailbox(email);
        const token = after?.tokens.find((t) => !before?.tokens.includes(t));
        if (!token) return { test: 'reset-reuse', outcome: 'not-tested', detail: 'no new reset token appeared in the mailbox', steps: [{ label: 'reset request', exchange: ask }] };
        ctx.http.registerSecret(token);
        const confirmRoute = routeAt(routes, confirmPath);
        const first = await ctx.http.request({ method: 'POST', url: new URL(confirmPath, base), json: flowBody(confirmRoute, { token, password: `Lr-${marker}-Pw4!`, email }, marker), area: 'session' });
        if (!isSuccess(first)) return { test: 'reset-reuse', outcome: 'not-tested', detail: `the reset link did not work the first time (${statusText(first)})`, steps: [{ label: 'reset', exchange: first }] };
        const second = await ctx.http.request({ method: 'POST', url: new URL(confirmPath, base), json: flowBody(confirmRoute, { token, password: `Lr-${marker}-Pw5!`, email }, marker), area: 'session' });
        const steps = [
          { label: `reset requested for ${throwaway!.how}`, exchange: ask },
          { label: 'the reset email (mailbox)', exchange: after!.exchange },
          { label: 'the link resets the password', exchange: first },
          { label: 'the same link, used again', exchange: second },
        ];
        return isSuccess(second)
          ? { test: 'reset-reuse', outcome: 'vulnerable', detail: `the reset token worked a second time (${statusText(second)})`, steps }
          : { test: 'reset-reuse', outcome: 'ok', detail: `a used reset token is refused (${statusText(second)})`, steps };
      });
    }
    return { results };
  },
});
