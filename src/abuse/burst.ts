import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import type { Session } from '../identity/session.js';
import type { HttpExchange } from '../net/http.js';
import { apiSurfaceGatherer, type Route } from '../surface/routes.js';
import { emailBody, loginBody, sensitiveEndpoints, signupBody, tokenBody, type BodySpec, type SensitiveEndpoint } from './endpoints.js';
import { abuseMarker, documentationIp, seededRng } from './random.js';
import { reachedCheck } from './reached.js';
import { isFatal, sendBody, sessionsIfAny } from './send.js';
import { abuseSettings } from './settings.js';
import { throttleSignal, type ThrottleSignal } from './throttle.js';

/**
 * Bounded bursts against the sensitive endpoints: each burst sends at most `burstSize` requests and
 * stops at the first sign of throttling, so a correct app sees a handful of attempts. Login and
 * reset are tried against one throw-away account (per-account limit) and against many unknown
 * accounts (per-IP limit); signups use unique addresses; token endpoints get made-up tokens. The
 * configured identities are never used: locking them would break every other area.
 */
export type BurstMode = 'per-account' | 'per-ip';

export interface XffProbe {
  value: string;
  exchange: HttpExchange;
  /** The request with a fresh X-Forwarded-For was not throttled (and reached the app's check). */
  bypassed: boolean;
}

export interface BurstRun {
  mode: BurstMode;
  /** Who the attempts were for, in words. */
  subject: string;
  limit: number;
  sent: number;
  /** 1-based index of the first throttled answer. */
  throttledAt?: number;
  signal?: ThrottleSignal;
  stoppedBy: 'throttle' | 'count' | 'time' | 'unreached';
  /** How many answers reached the app's real check (see reachedCheck). */
  reached: number;
  statuses: Record<string, number>;
  first?: HttpExchange;
  last?: HttpExchange;
  throttled?: HttpExchange;
  wallMs: number;
  xff?: XffProbe;
}

export interface EndpointBursts {
  endpoint: SensitiveEndpoint;
  runs: BurstRun[];
  /** Why it was not burst (no session for an authenticated endpoint, writes not allowed …). */
  skipped?: string;
}

export interface ThrowawayAccount {
  identifier: string;
  /** true: this run's signup created it (or it existed from a run with the same seed). */
  created: boolean;
  detail: string;
}

export interface BurstEvidence {
  endpoints: EndpointBursts[];
  throwaway?: ThrowawayAccount;
  behindProxy: boolean;
  burstSize: number;
  requests: number;
  wallMs: number;
}

export const burstGatherer = defineGatherer<BurstEvidence>({
  id: 'abuse/rate-limit-bursts',
  gather(ctx) {
    return runBursts(ctx);
  },
});

async function runBursts(ctx: GatherContext): Promise<BurstEvidence> {
  const base = ctx.target.baseUrl;
  if (!base) throw new NotApplicable('no target URL');
  const settings = abuseSettings(ctx);
  let routes: Route[] = [];
  try {
    routes = (await ctx.gather(apiSurfaceGatherer)).routes;
  } catch (err) {
    if (isFatal(err)) throw err;
  }
  const endpoints = sensitiveEndpoints(ctx.config, routes).slice(0, settings.maxBurstEndpoints);
  if (endpoints.length === 0) {
    throw new NotApplicable('no login, signup, password-reset, one-time-code or invite endpoint found: name them under endpoints: in launchready.yml');
  }
  const sessions = await sessionsIfAny(ctx);
  const startRequests = ctx.http.stats.requests;
  const started = performance.now();
  const runDeadline = started + settings.burstTotalMs;
  const marker = abuseMarker(ctx.options.seed);
  const rng = seededRng(ctx.options.seed, 'bursts');
  const password = `Lr-${marker}-Throwaway-9!`;

  // A throw-away account, so per-account limits are tested without touching a real one.
  let throwaway: ThrowawayAccount | undefined;
  const signup = endpoints.find((e) => e.kind === 'signup');
  if (signup) {
    const identifier = `${marker}-account@example.com`;
    const ex = await sendBody(ctx, { method: signup.method, path: signup.path, body: signupBody(ctx.config, signup, identifier, password, marker), area: 'rate-limiting' });
    const s = ex.response?.status;
    if (s !== undefined && ((s >= 200 && s < 300) || s === 409)) {
      throwaway = { identifier, created: true, detail: `throw-away account ${identifier}, ${s === 409 ? 'already created by an earlier run with the same seed' : 'created by this run'} through ${signup.method} ${signup.path}` };
    } else {
      throwaway = { identifier: `${marker}-nobody@example.com`, created: false, detail: `signup at ${signup.path} answered ${s ?? ex.error?.code}, so per-account limits were tried on a non-existent account` };
    }
  }
  const accountFor = (): { identifier: string; words: string } =>
    throwaway?.created
      ? { identifier: throwaway.identifier, words: `the throw-away account ${throwaway.identifier}` }
      : { identifier: throwaway?.identifier ?? `${marker}-nobody@example.com`, words: `a non-existent account (${throwaway?.identifier ?? `${marker}-nobody@example.com`})` };

  const out: EndpointBursts[] = [];
  const session = pickSession(sessions);
  // Login and reset first (their per-IP limits are the ones other probes trip), signups last.
  const order: Record<string, number> = { login: 0, reset: 1, resend: 2, otp: 3, token: 4, invite: 5, export: 6, signup: 7 };
  for (const e of [...endpoints].sort((a, b) => (order[a.kind] ?? 9) - (order[b.kind] ?? 9))) {
    if (performance.now() > runDeadline) {
      out.push({ endpoint: e, runs: [], skipped: `not tried: the ${settings.burstTotalMs} ms bound of all bursts was spent` });
      continue;
    }
    const endpointDeadline = Math.min(runDeadline, performance.now() + settings.burstEndpointMs);
    const burst = (mode: BurstMode, subject: string, make: (i: number) => { body?: BodySpec; session?: Session }): Promise<BurstRun> =>
      runBurst(ctx, e, mode, subject, settings.burstSize, endpointDeadline, make, ctx.config.behindProxy ? () => documentationIp(rng) : undefined);
    const runs: BurstRun[] = [];
    switch (e.kind) {
      case 'login': {
        const acct = accountFor();
        runs.push(await burst('per-account', acct.words, (i) => ({ body: loginBody(ctx.config, e, acct.identifier, `Wrong-${marker}-${i}!`) })));
        runs.push(
          await burst('per-ip', `${settings.burstSize} different unknown accounts from one address`, (i) => ({ body: loginBody(ctx.config, e, `${marker}-ip${i}@example.com`, `Wrong-${marker}-${i}!`) })),
        );
        break;
      }
      case 'reset':
      case 'resend': {
        const acct = accountFor();
        runs.push(await burst('per-account', acct.words, () => ({ body: emailBody(e, acct.identifier) })));
        runs.push(await burst('per-ip', `${settings.burstSize} different unknown addresses from one address`, (i) => ({ body: emailBody(e, `${marker}-ip${i}@example.com`) })));
        break;
      }
      case 'signup':
        runs.push(await burst('per-ip', `${settings.burstSize} new accounts (${marker}-s<N>@example.com) from one address`, (i) => ({ body: signupBody(ctx.config, e, `${marker}-s${i}@example.com`, password, marker) })));
        break;
      case 'token':
      case 'otp':
        runs.push(await burst('per-ip', `${settings.burstSize} made-up ${e.kind === 'otp' ? 'codes' : 'tokens'} from one address`, (i) => ({ body: tokenBody(e, `${marker}bogus${String(i).padStart(4, '0')}${'x'.repeat(16)}`, password, marker) })));
        break;
      case 'invite': {
        if (!ctx.options.allowWrites) {
          out.push({ endpoint: e, runs: [], skipped: 'not burst: each invite emails someone; run with --allow-writes to test the invite limit' });
          continue;
        }
        const s = pickSession(sessions, 'admin');
        if (!s) {
          out.push({ endpoint: e, runs: [], skipped: 'not burst: no logged-in identity to send invites with' });
          continue;
        }
        runs.push(await burst('per-ip', `${settings.burstSize} invites to unique addresses`, (i) => ({ body: emailBody(e, `${marker}-invite${i}@example.com`), session: s })));
        break;
      }
      case 'export': {
        if (!session) {
          out.push({ endpoint: e, runs: [], skipped: 'not burst: no logged-in identity to export with' });
          continue;
        }
        runs.push(await burst('per-ip', `${settings.burstSize} exports by ${session.identity}`, () => ({ session })));
        break;
      }
    }
    out.push({ endpoint: e, runs });
  }
  const requests = ctx.http.stats.requests - startRequests;
  const wallMs = Math.round(performance.now() - started);
  ctx.contribute({ facts: { 'rate-limiting': { requests, wallMs, burstSize: settings.burstSize, endpoints: out.length } } });
  return { endpoints: out, ...(throwaway ? { throwaway } : {}), behindProxy: ctx.config.behindProxy, burstSize: settings.burstSize, requests, wallMs };
}

function pickSession(sessions: Map<string, Session>, role?: string): Session | undefined {
  const list = [...sessions.values()];
  return (role ? list.find((s) => s.role === role) : undefined) ?? list.find((s) => s.bearer || s.header) ?? list[0];
}

async function runBurst(
  ctx: GatherContext,
  e: SensitiveEndpoint,
  mode: BurstMode,
  subject: string,
  limit: number,
  deadline: number,
  make: (i: number) => { body?: BodySpec; session?: Session },
  freshIp: (() => string) | undefined,
): Promise<BurstRun> {
  const t0 = performance.now();
  const run: BurstRun = { mode, subject, limit, sent: 0, stoppedBy: 'count', reached: 0, statuses: {}, wallMs: 0 };
  const send = (i: number, headers?: Record<string, string>): Promise<HttpExchange> => {
    const { body, session } = make(i);
    return sendBody(ctx, { method: e.method, path: e.path, ...(body ? { body } : {}), ...(session ? { session } : {}), ...(headers ? { headers } : {}), area: 'rate-limiting' });
  };
  for (let i = 0; i < limit; i++) {
    if (i > 0 && performance.now() > deadline) {
      run.stoppedBy = 'time';
      break;
    }
    const ex = await send(i);
    run.sent += 1;
    run.first ??= ex;
    run.last = ex;
    const key = ex.response ? String(ex.response.status) : (ex.error?.code ?? 'error');
    run.statuses[key] = (run.statuses[key] ?? 0) + 1;
    const signal = throttleSignal(ex, run.first);
    if (signal) {
      run.throttledAt = i + 1;
      run.signal = signal;
      run.throttled = ex;
      run.stoppedBy = 'throttle';
      break;
    }
    if (reachedCheck(ex, e.kind)) run.reached += 1;
    else if (run.reached === 0 && i >= 1) {
      // The first attempts never reached the app's check (wrong shape, missing route): stop early.
      run.stoppedBy = 'unreached';
      break;
    }
  }
  if (run.throttled && freshIp) {
    // A proxy-aware app must key its limit on the address the proxy saw, not on a header the client writes.
    const value = freshIp();
    const ex = await send(run.sent, { 'x-forwarded-for': value });
    const bypassed = !throttleSignal(ex, run.first) && reachedCheck(ex, e.kind);
    run.xff = { value, exchange: ex, bypassed };
  }
  run.wallMs = Math.round(performance.now() - t0);
  return run;
}
