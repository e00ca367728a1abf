import { createHash } from 'node:crypto';
import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { credentialHeaders, loginCredentials, sessionsGatherer, type Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { apiSurfaceGatherer, type Route } from '../../surface/routes.js';
import { isSuccess, statusText } from '../../checks/authentication/content.js';
import { runMarker } from '../authorization/inventory.js';
import { flowBody, mailboxUrl, tokensIn } from '../session/lifecycle.js';
import { analyseTokens, type TokenSample, type TokenVerdicts } from './token-analysis.js';

/**
 * One-time tokens of throw-away accounts only: two sign-ups (their email-verification tokens), two
 * reset requests for the first and one for the second (reset tokens), two invites when an invite
 * endpoint is set, two magic links when `endpoints.magicLink` is set. Tokens are read from
 * `endpoints.mailbox` or from the response. Each token is compared with hashes of the account's
 * email (here, with node:crypto) and the set is analysed for sequences, timestamps and entropy;
 * then the older reset token is tried after the newer one was issued.
 */

export type TokenKind = 'reset' | 'verification' | 'invite' | 'magic-link';

export interface TokenKindResult {
  kind: TokenKind;
  count: number;
  verdicts?: TokenVerdicts;
  /** "md5(email)" … when a token is a hash of the account's own identifiers. */
  derived?: string;
  /** The older token still worked after a newer one was issued. */
  olderStillValid?: { exchange: HttpExchange; detail: string };
  olderRefused?: string;
  notTested?: string;
  steps: Array<{ label: string; exchange: HttpExchange }>;
}

export interface TokenQuality {
  kinds: TokenKindResult[];
  accounts: number;
}

const FATAL = new Set(['BudgetExhausted', 'RunAborted', 'ScopeViolation', 'LoopbackViolation']);

/** The hash of an identifier that equals (or is contained in) the token, named. */
export function derivedFrom(token: string, identifiers: Record<string, string>): string | undefined {
  const t = token.toLowerCase();
  for (const [label, value] of Object.entries(identifiers)) {
    if (!value) continue;
    for (const algo of ['md5', 'sha1', 'sha256', 'sha512']) {
      const d = createHash(algo).update(value).digest();
      for (const [enc, s] of [['hex', d.toString('hex')], ['base64url', d.toString('base64url').toLowerCase()], ['base64', d.toString('base64').replace(/=+$/, '').toLowerCase()]] as const) {
        if (t === s || (s.length >= 32 && t.includes(s))) return `${algo}(${label})${enc === 'hex' ? '' : ` as ${enc}`}`;
      }
    }
    const raw = [Buffer.from(value).toString('base64url').toLowerCase(), Buffer.from(value).toString('hex')];
    if (raw.some((r) => r.length >= 8 && t.includes(r))) return `${label} itself, encoded`;
  }
  return undefined;
}

/** Tokens of messages that were not there before, whatever order the mailbox lists them in (repeats counted). */
export function newMessages(before: readonly string[], now: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const t of before) left.set(t, (left.get(t) ?? 0) + 1);
  const out: string[] = [];
  for (const t of now) {
    const c = left.get(t) ?? 0;
    if (c > 0) left.set(t, c - 1);
    else out.push(t);
  }
  return out;
}

/** One token per message, in order, repeats kept (a mailbox that is a JSON list, or `{ messages: [...] }`). */
export function messageTokens(body: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return tokensIn(body);
  }
  const list = Array.isArray(json) ? json : json && typeof json === 'object' ? Object.values(json as Record<string, unknown>).find(Array.isArray) : undefined;
  if (!Array.isArray(list)) return tokensIn(body);
  return list.map((m) => tokenOf(m)).filter((t): t is string => typeof t === 'string');
}

/** The one-time token of a message: a field named like a token or code, or a token-ish link parameter (short ones too). */
export function tokenOf(message: unknown): string | undefined {
  let found: string | undefined;
  const walk = (v: unknown, key: string): void => {
    if (found) return;
    if ((typeof v === 'string' || typeof v === 'number') && /token|code|otp|key|nonce/i.test(key) && /^[A-Za-z0-9_.~-]{4,}$/.test(String(v))) found = String(v);
    else if (typeof v === 'string') {
      const m = /[?&#](?:token|code|key|t|otp)=([A-Za-z0-9_.~-]{4,})/.exec(v);
      if (m) found = m[1];
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(message, '');
  return found;
}

function routeAt(routes: Route[], path: string | undefined): Route | undefined {
  return path ? routes.find((r) => r.method === 'POST' && r.path === path) : undefined;
}

export const tokenQualityGatherer = defineGatherer<TokenQuality>({
  id: 'authentication/token-quality',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const ep = ctx.config.endpoints;
    if (!ep.signup) throw new NotApplicable('set endpoints.signup so throw-away accounts can be created (tokens of real accounts are never requested)');
    let routes: Route[] = [];
    try {
      routes = (await ctx.gather(apiSurfaceGatherer)).routes;
    } catch (err) {
      if (err instanceof Error && FATAL.has(err.name)) throw err;
    }
    let sessions = new Map<string, Session>();
    try {
      sessions = (await ctx.gather(sessionsGatherer)).sessions;
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
    const template = Object.values(ctx.config.identities).map((c) => loginCredentials(c).identifier).find((x) => x?.includes('@'));
    const domain = template?.split('@')[1] ?? 'example.test';
    const marker = runMarker(ctx.options.seed + 20);
    const mailbox = ep['mailbox'];
    const post = (path: string, body: unknown, extra: { headers?: Record<string, string>; identity?: string } = {}): Promise<HttpExchange> =>
      ctx.http.request({ method: 'POST', url: new URL(path, base), json: body, ...(extra.headers ? { headers: extra.headers, credentialed: true } : {}), ...(extra.identity ? { identity: extra.identity } : {}), area: 'authentication' });
    const inbox = new Map<string, string[]>();
    /** Tokens of the messages that arrived for this address since the last look (mailbox), else the ones in the response. */
    const newTokens = async (email: string, response: HttpExchange): Promise<string[]> => {
      let found: string[] = [];
      if (mailbox) {
        const ex = await ctx.http.request({ url: mailboxUrl(mailbox, email, base), area: 'authentication' });
        const all = ex.response && isSuccess(ex) ? messageTokens(ex.response.text()) : [];
        found = newMessages(inbox.get(email) ?? [], all);
        inbox.set(email, all);
      }
      if (found.length === 0 && response.response) {
        const t = tokenOf(response.response.json());
        if (t) found = [t];
      }
      for (const t of found) ctx.http.registerSecret(t);
      return found;
    };
    const samples = new Map<TokenKind, TokenSample[]>();
    const steps = new Map<TokenKind, TokenKindResult['steps']>();
    const note = (kind: TokenKind, label: string, exchange: HttpExchange): void => {
      steps.set(kind, [...(steps.get(kind) ?? []), { label, exchange }]);
    };
    const add = (kind: TokenKind, account: string, issuedAt: number, tokens: string[]): void => {
      const t = tokens[0];
      if (t) samples.set(kind, [...(samples.get(kind) ?? []), { value: t, issuedAt, account }]);
    };

    // Two throw-away accounts.
    const accounts: string[] = [];
    for (const i of [1, 2]) {
      const email = `${marker}-tq${i}@${domain}`;
      const at = Date.now();
      const ex = await post(ep.signup, flowBody(routeAt(routes, ep.signup), { email, password: `Lr-${marker}-Tq${i}!x`, name: `Launchready ${marker}` }, marker));
      note('verification', `sign-up of ${email}`, ex);
      if (!isSuccess(ex)) continue;
      accounts.push(email);
      add('verification', email, at, await newTokens(email, ex));
    }
    if (accounts.length === 0) throw new NotApplicable(`the sign-up at ${ep.signup} did not create a throw-away account (${statusText(steps.get('verification')?.[0]?.exchange)})`);

    // Reset tokens: two for the first account, one for the second.
    const resetOrder: Array<{ email: string; token?: string }> = [];
    if (ep.passwordReset) {
      for (const email of [accounts[0]!, accounts[0]!, accounts[1] ?? accounts[0]!]) {
        const at = Date.now();
        const ex = await post(ep.passwordReset, flowBody(routeAt(routes, ep.passwordReset), { email }, marker));
        note('reset', `reset requested for ${email}`, ex);
        const tokens = await newTokens(email, ex);
        add('reset', email, at, tokens);
        resetOrder.push({ email, ...(tokens[0] ? { token: tokens[0] } : {}) });
      }
    }
    // Magic links, when the app has them.
    const magic = ep['magicLink'];
    if (magic) {
      for (const email of accounts) {
        const at = Date.now();
        const ex = await post(magic, flowBody(routeAt(routes, magic), { email }, marker));
        note('magic-link', `magic link requested for ${email}`, ex);
        add('magic-link', email, at, await newTokens(email, ex));
      }
    }
    // Invites, sent by an identity that may (admins first), to fresh addresses.
    if (ep.invite) {
      const inviter = [...sessions.values()].sort((a, b) => Number(/admin|owner/i.test(b.role)) - Number(/admin|owner/i.test(a.role)))[0];
      if (inviter) {
        for (const i of [1, 2]) {
          const email = `${marker}-tqinv${i}@${domain}`;
          const at = Date.now();
          const ex = await post(ep.invite, flowBody(routeAt(routes, ep.invite), { email, role: 'member' }, marker), { headers: credentialHeaders(inviter, { write: true }), identity: inviter.identity });
          note('invite', `${inviter.identity} invites ${email}`, ex);
          if (isSuccess(ex)) add('invite', email, at, await newTokens(email, ex));
        }
      }
    }

    const kinds: TokenKindResult[] = [];
    for (const kind of ['reset', 'verification', 'magic-link', 'invite'] as TokenKind[]) {
      const list = samples.get(kind) ?? [];
      const st = steps.get(kind) ?? [];
      if (st.length === 0) continue;
      const r: TokenKindResult = { kind, count: list.length, steps: st };
      if (list.length < 2) r.notTested = `${list.length} ${kind} token(s) collected, 2 are needed${mailbox ? '' : ' (set endpoints.mailbox so tokens sent by email can be read)'}`;
      else r.verdicts = analyseTokens(list);
      for (const s of list) {
        const local = s.account.split('@')[0] ?? '';
        const d = derivedFrom(s.value, { email: s.account, 'email in upper case': s.account.toUpperCase(), 'the part before @': local });
        if (d) {
          r.derived = d;
          break;
        }
      }
      kinds.push(r);
    }

    // The older reset token after a newer one was issued (both for the first account).
    const confirm = ep['passwordResetConfirm'];
    const reset = kinds.find((k) => k.kind === 'reset');
    const [older, newer] = resetOrder;
    if (reset && confirm && older?.token && newer?.token) {
      if (older.token === newer.token) reset.olderRefused = 'the same token was issued twice (see above)';
      const ex = await post(confirm, flowBody(routeAt(routes, confirm), { token: older.token, password: `Lr-${marker}-Tq9!x`, email: older.email }, marker));
      reset.steps.push({ label: 'the older reset link, used after a newer one was issued', exchange: ex });
      if (isSuccess(ex)) reset.olderStillValid = { exchange: ex, detail: older.token === newer.token ? 'the newer token is the same token, so the old link works' : `the older token reset the password (${statusText(ex)}) although a newer one had been issued` };
      else reset.olderRefused = `refused (${statusText(ex)})`;
    } else if (reset) reset.olderRefused = confirm ? 'fewer than two reset tokens of one account were collected' : 'set endpoints.passwordResetConfirm to test whether an older reset token still works';
    return { kinds, accounts: accounts.length };
  },
});
