import { credentialHeaders, login, sendStep } from '../../identity/session.js';
import type { HttpClient, HttpExchange } from '../../net/http.js';
import type { ProbePlan } from '../config.js';
import { evidenceOf, judgeExchange } from './http.js';
import { failed, type ProbeContext, type ProbeResult } from './types.js';

type LoginPlan = Extract<ProbePlan, { kind: 'login' }>;

/**
 * Synthetic login: the identity logs in from scratch (as a customer would), loads one authenticated
 * resource, and logs out again so the probe leaves no sessions behind.
 */
export async function runLoginProbe(plan: LoginPlan, ctx: ProbeContext): Promise<ProbeResult> {
  const at = Date.now();
  const real = ctx.http();
  // Records the last exchange so a failed login still has its (redacted) response as evidence.
  let last: HttpExchange | undefined;
  const http = new Proxy(real, {
    get(target, prop) {
      if (prop === 'request') {
        return async (req: Parameters<HttpClient['request']>[0]) => (last = await target.request(req));
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const base = new URL(ctx.target!);
  http.addScope(base.origin);
  const id = ctx.config.identities[plan.identity]!;
  const t0 = performance.now();
  let session;
  try {
    session = await login(http, base, plan.identity, id);
  } catch (err) {
    const message = `synthetic login as ${plan.identity} failed: ${(err as Error).message}`;
    return failed(at, message, last ? evidenceOf(ctx, last) : '', { httpStatus: last?.response?.status ?? null });
  }
  const loginEvidence = session.loginExchanges.at(-1);
  const status = loginEvidence?.response?.status ?? null;
  if (!plan.resource) {
    const ms = performance.now() - t0;
    return { ok: true, at, latencyMs: ms, httpStatus: status, message: `logged in as ${plan.identity} in ${Math.round(ms)} ms`, evidence: loginEvidence ? evidenceOf(ctx, loginEvidence) : '', value: null, conditions: [], attempts: 1 };
  }
  const ex = await http.request({ url: new URL(plan.resource, base), headers: credentialHeaders(session), credentialed: true, identity: plan.identity, area: 'monitoring', timeoutMs: plan.timeoutMs });
  const result = judgeExchange(ctx, plan, ex, at, `logged in as ${plan.identity}, then GET ${plan.resource}`);
  result.latencyMs = result.latencyMs === null ? null : performance.now() - t0;
  const logout = id.logout;
  if (logout) await sendStep(http, base, { method: logout.method ?? 'POST', url: logout.url }, {}, session.jar, plan.identity, credentialHeaders(session, { write: true })).catch(() => undefined);
  return result;
}
