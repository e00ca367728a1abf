import type { GatherContext } from '../../engine/context.js';
import { login, loginCredentials, loginWithCredentials } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import type { Route } from '../../surface/routes.js';
import { schemaFields } from '../../surface/sample-body.js';
import { isSuccess, statusText } from '../../checks/authentication/content.js';
import type { Actor, Inventory } from './inventory.js';
import type { BolaCase } from './probe.js';

/**
 * "Change another user's password": a write to a route that sets credentials, pointed at the victim.
 * Only with --allow-writes. Proven by logging in as the victim with the new password; then the
 * original password is put back (through the same route, which evidently lets us) and that login is
 * checked too. The new password is registered as a secret, so it never reaches the report.
 */

const CREDENTIAL_PATH = /pass(?:word)?s?\b|passwd|credentials?|\/pwd\b/i;

export function isCredentialRoute(route: Pick<Route, 'method' | 'path'>): boolean {
  return route.method !== 'GET' && route.method !== 'DELETE' && CREDENTIAL_PATH.test(route.path);
}

/** The body that sets `password` on a credential route: its schema's new-password fields, else `password`. */
export function credentialBody(route: Route, password: string): Record<string, unknown> {
  const fields = schemaFields(route.requestSchema);
  const example = route.examples?.find((e) => e.requestBody)?.requestBody;
  let names = fields;
  if (names.length === 0 && example) {
    try {
      const parsed: unknown = JSON.parse(example);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) names = Object.keys(parsed);
    } catch {
      names = [...example.matchAll(/(?:^|&)([^=&]+)=/g)].map((m) => decodeURIComponent(m[1]!));
    }
  }
  const body: Record<string, unknown> = {};
  for (const n of names) if (/pass|pwd/i.test(n) && !/current|old|existing/i.test(n)) body[n] = password;
  if (Object.keys(body).length === 0) body['password'] = password;
  return body;
}

export async function credentialWrite(
  ctx: GatherContext,
  inv: Inventory,
  route: Route,
  attacker: Actor,
  victim: Actor,
  path: string,
  send: (a: Actor, method: string, path: string, json?: unknown) => Promise<HttpExchange>,
): Promise<{ case?: BolaCase; notTested?: string }> {
  const cfg = ctx.config.identities[victim.name];
  const creds = cfg ? loginCredentials(cfg) : {};
  if (!cfg || !creds.identifier || !creds.password) return { notTested: `changes ${victim.name}'s password, but ${victim.name}'s login has no identifier and password to prove it with (a ${cfg?.login.kind ?? 'missing'} login)` };
  const fresh = `Lr-${inv.marker}-Pw9!`;
  ctx.http.registerSecret(fresh);
  const attack = await send(attacker, route.method, path, credentialBody(route, fresh));
  if (!isSuccess(attack)) {
    return { case: { route, operation: 'credentials', attacker: attacker.name, victim: victim.name, attack, leaked: false, matched: [], proof: `refused (${statusText(attack)})` } };
  }
  const tryLogin = async (password: string, label: string): Promise<HttpExchange | undefined> => {
    const id = loginWithCredentials(cfg, { identifier: creds.identifier!, password });
    if (!id) return undefined;
    try {
      const s = await login(ctx.http, inv.base, `${victim.name} (${label})`, id);
      return s.loginExchanges.at(-1);
    } catch (err) {
      if (err instanceof Error && /BudgetExhausted|RunAborted|LoopbackViolation|ScopeViolation/.test(err.name)) throw err;
      return undefined;
    }
  };
  const proof = await tryLogin(fresh, 'new password');
  if (!proof) {
    return { case: { route, operation: 'credentials', attacker: attacker.name, victim: victim.name, attack, leaked: false, matched: [], proof: `the request was accepted (${statusText(attack)}) but ${victim.name} cannot log in with the new password: not changed` } };
  }
  // Put the original password back through the same route, then prove the original login works.
  const undo = await send(attacker, route.method, path, credentialBody(route, creds.password));
  const back = await tryLogin(creds.password, 'original password');
  const restored = !!back && isSuccess(back);
  const outcome = restored
    ? `restored ${victim.name}'s original password (${statusText(undo)}); logging in with it works again`
    : `could not restore ${victim.name}'s original password (${statusText(undo)}): reset it by hand`;
  return {
    case: {
      route,
      operation: 'credentials',
      attacker: attacker.name,
      victim: victim.name,
      owner: proof,
      attack,
      leaked: true,
      matched: [],
      proof: `${attacker.name} set a new password on ${victim.name}'s account and ${victim.name} then logged in with it`,
      restore: { exchanges: [undo, ...(back ? [back] : [])], ok: restored, outcome },
    },
  };
}
