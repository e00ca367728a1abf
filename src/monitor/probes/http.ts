import { credentialHeaders, login } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { describeFailures, evaluateAll, type Observation } from '../conditions.js';
import type { ProbePlan } from '../config.js';
import { failed, type ProbeContext, type ProbeResult } from './types.js';

type HttpPlan = Extract<ProbePlan, { kind: 'http' }>;

export function observationOf(ex: HttpExchange): Observation {
  const r = ex.response;
  if (!r) return { connected: false, responseTimeMs: ex.timing.totalMs };
  return { connected: true, status: r.status, responseTimeMs: ex.timing.totalMs, body: r.text(), json: r.json(), headers: r.headers };
}

export function evidenceOf(ctx: ProbeContext, ex: HttpExchange): string {
  const http = ctx.http();
  return `${http.formatRequest(ex)}\n\n${http.formatResponse(ex, 600)}`;
}

/** Judges an exchange against the probe's conditions. */
export function judgeExchange(ctx: ProbeContext, plan: { conditions: ProbePlan['conditions'] }, ex: HttpExchange, at: number, what: string): ProbeResult {
  const obs = observationOf(ex);
  const results = evaluateAll(plan.conditions, obs, ctx.http().knownSecrets);
  const ok = !!ex.response && results.every((r) => r.ok);
  const status = ex.response?.status ?? null;
  let message: string;
  if (ex.error) message = `${what}: no response (${ex.error.code}: ${ex.error.message})`;
  else if (ok) message = `${what}: HTTP ${status} in ${Math.round(ex.timing.totalMs)} ms`;
  else message = `${what}: HTTP ${status} — failed ${describeFailures(results)}`;
  // Evidence (redacted request + response) is only kept for failures: that is when an alert shows it.
  return { ok, at, latencyMs: ex.response ? ex.timing.totalMs : null, httpStatus: status, message, evidence: ok ? '' : evidenceOf(ctx, ex), value: null, conditions: results, attempts: 1 };
}

async function sessionFor(ctx: ProbeContext, identity: string, fresh: boolean) {
  const cached = ctx.sessions.get(identity);
  if (cached && !fresh) return cached;
  const id = ctx.config.identities[identity]!;
  const s = await login(ctx.http(), new URL(ctx.target!), identity, id);
  ctx.sessions.set(identity, s);
  return s;
}

/** HTTP(S) probe; with an identity, an authenticated API call (re-logs in once on 401). */
export async function runHttpProbe(plan: HttpPlan, ctx: ProbeContext): Promise<ProbeResult> {
  const at = Date.now();
  const http = ctx.http();
  const send = async (fresh: boolean): Promise<HttpExchange> => {
    const headers = { ...plan.headers };
    if (plan.identity) {
      if (ctx.target) http.addScope(ctx.target);
      const s = await sessionFor(ctx, plan.identity, fresh);
      Object.assign(headers, credentialHeaders(s, { write: plan.method !== 'GET' && plan.method !== 'HEAD' }));
    }
    return http.request({
      method: plan.method,
      url: plan.url,
      headers,
      ...(plan.json !== undefined ? { json: plan.json } : {}),
      ...(plan.body !== undefined ? { body: plan.body } : {}),
      followRedirects: plan.followRedirects,
      timeoutMs: plan.timeoutMs,
      area: 'monitoring',
      ...(plan.identity ? { credentialed: true, identity: plan.identity } : {}),
    });
  };
  let ex: HttpExchange;
  try {
    ex = await send(false);
    if (plan.identity && ex.response && (ex.response.status === 401 || ex.response.status === 419)) ex = await send(true);
  } catch (err) {
    if (plan.identity) ctx.sessions.delete(plan.identity);
    return failed(at, `${plan.method} ${plan.url}${plan.identity ? ` as ${plan.identity}` : ''}: ${(err as Error).message}`);
  }
  return judgeExchange(ctx, plan, ex, at, `${plan.method} ${new URL(plan.url).pathname}`);
}
