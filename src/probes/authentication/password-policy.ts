import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import type { IdentityConfig } from '../../config/schema.js';
import { credentialHeaders, login, loginCredentials, loginWithCredentials, type Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { apiSurfaceGatherer, type Route } from '../../surface/routes.js';
import { isSuccess, statusText } from '../../checks/authentication/content.js';
import { runMarker } from '../authorization/inventory.js';
import { flowBody } from '../session/lifecycle.js';

/**
 * Password policy on throw-away accounts only: sign-ups with a 1-character, a 6-digit and a very
 * common password, and on one throw-away account password changes to the same three; whether a
 * change without the current password is accepted. "Accepted" is proven by logging in with the
 * password that was set (when a login flow with email and password is configured to copy).
 */

export const WEAK_PASSWORDS = [
  { label: 'a 1-character password', password: 'x' },
  { label: 'an all-digits 6-character password', password: '482915' },
  { label: 'a top-20 common password', password: 'password' },
] as const;

export interface PolicyAttempt {
  flow: 'signup' | 'change';
  label: string;
  /** The weak password tried (a public dictionary value, not a secret). */
  password: string;
  accepted: boolean;
  /** A login with it succeeded afterwards. */
  proven: boolean;
  exchange: HttpExchange;
}

export interface PasswordPolicy {
  attempts: PolicyAttempt[];
  currentPassword?: { required: boolean; proven: boolean; exchange: HttpExchange };
  notTested: string[];
}

const FATAL = new Set(['BudgetExhausted', 'RunAborted', 'ScopeViolation', 'LoopbackViolation']);

export const passwordPolicyGatherer = defineGatherer<PasswordPolicy>({
  id: 'authentication/password-policy',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const ep = ctx.config.endpoints;
    if (!ep.signup) throw new NotApplicable('set endpoints.signup: the password policy is only tested on throw-away accounts the run creates');
    let routes: Route[] = [];
    try {
      routes = (await ctx.gather(apiSurfaceGatherer)).routes;
    } catch (err) {
      if (err instanceof Error && FATAL.has(err.name)) throw err;
    }
    const routeAt = (p: string | undefined): Route | undefined => (p ? routes.find((r) => r.method === 'POST' && r.path === p) : undefined);
    const template = Object.entries(ctx.config.identities).find(([, c]) => loginCredentials(c).identifier?.includes('@') && loginCredentials(c).password && c.login.kind !== 'bearer');
    const domain = template ? loginCredentials(template[1]).identifier!.split('@')[1] : 'example.test';
    const marker = runMarker(ctx.options.seed + 31);
    const notTested: string[] = [];
    const attempts: PolicyAttempt[] = [];
    const loginAs = async (email: string, password: string): Promise<Session | undefined> => {
      const cfg: IdentityConfig | undefined = template ? loginWithCredentials(template[1], { identifier: email, password }) : undefined;
      if (!cfg) return undefined;
      try {
        return await login(ctx.http, base, `throw-away ${email}`, cfg);
      } catch (err) {
        if (err instanceof Error && FATAL.has(err.name)) throw err;
        return undefined;
      }
    };
    const signup = (email: string, password: string): Promise<HttpExchange> =>
      ctx.http.request({ method: 'POST', url: new URL(ep.signup!, base), json: flowBody(routeAt(ep.signup), { email, password, name: `Launchready ${marker}` }, marker), area: 'authentication' });

    // A strong sign-up first: the account for the change tests, and proof the sign-up works at all.
    const strong = `Lr-${marker}-Pp1!x`;
    const mainEmail = `${marker}-pp0@${domain}`;
    const control = await signup(mainEmail, strong);
    if (!isSuccess(control)) throw new NotApplicable(`a sign-up with a strong password was refused (${statusText(control)}), so refusals of weak ones would prove nothing`);
    for (const [i, w] of WEAK_PASSWORDS.entries()) {
      const email = `${marker}-pp${i + 1}@${domain}`;
      const ex = await signup(email, w.password);
      const accepted = isSuccess(ex);
      const proven = accepted && template ? (await loginAs(email, w.password)) !== undefined : false;
      attempts.push({ flow: 'signup', label: w.label, password: w.password, accepted, proven, exchange: ex });
    }

    const change = ep.passwordChange;
    if (!change) notTested.push('password change: set endpoints.passwordChange');
    else if (!template) notTested.push('password change: needs a login flow with email and password to copy for the throw-away account');
    else {
      let current = strong;
      let s = await loginAs(mainEmail, current);
      if (!s) notTested.push('password change: the throw-away account could not log in');
      const send = (session: Session, body: Record<string, unknown>): Promise<HttpExchange> =>
        ctx.http.request({ method: 'POST', url: new URL(change, base), json: body, headers: credentialHeaders(session, { write: true }), credentialed: true, identity: session.identity, area: 'authentication' });
      if (s) {
        // Without the current password: the new one in every usual field name, no current one.
        const next = `Lr-${marker}-Pp2!x`;
        const route = routeAt(change);
        const body = route?.requestSchema ? flowBody(route, { password: next }, marker) : { newPassword: next, password: next, new_password: next };
        const ex = await send(s, body);
        const accepted = isSuccess(ex);
        const after = accepted ? await loginAs(mainEmail, next) : undefined;
        ctx.http.registerSecret(next);
        if (after) {
          current = next;
          s = after;
        }
        const proven = after !== undefined;
        const required = !(accepted && proven);
        const cp = { required, proven, exchange: ex };
        for (const w of WEAK_PASSWORDS) {
          if (!s) break;
          const ex2 = await send(s, flowBody(route, { currentPassword: current, password: w.password }, marker));
          const ok = isSuccess(ex2);
          const relog = ok ? await loginAs(mainEmail, w.password) : undefined;
          attempts.push({ flow: 'change', label: w.label, password: w.password, accepted: ok, proven: relog !== undefined, exchange: ex2 });
          if (relog) {
            current = w.password;
            s = relog;
          } else if (ok) s = await loginAs(mainEmail, current);
        }
        return { attempts, currentPassword: cp, notTested };
      }
    }
    return { attempts, notTested };
  },
});
