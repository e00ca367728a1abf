import type { GatherContext } from '../engine/context.js';
import { credentialHeaders, sessionsGatherer, type Session } from '../identity/session.js';
import type { Area } from '../model/area.js';
import type { HttpExchange } from '../net/http.js';
import type { BodySpec } from './endpoints.js';

/** Sends one abuse request (anonymous unless a session is given). */
export function sendBody(
  ctx: GatherContext,
  req: { method: string; path: string; body?: BodySpec; headers?: Record<string, string>; session?: Session; area: Area; timeoutMs?: number },
): Promise<HttpExchange> {
  const base = ctx.target.baseUrl!;
  const write = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
  return ctx.http.request({
    method: req.method,
    url: new URL(req.path, base),
    headers: { ...(req.session ? credentialHeaders(req.session, { write }) : {}), ...(req.body?.headers ?? {}), ...(req.headers ?? {}) },
    ...(req.body?.json !== undefined ? { json: req.body.json } : {}),
    ...(req.body?.form ? { form: req.body.form } : {}),
    ...(req.session ? { credentialed: true, identity: req.session.identity } : {}),
    area: req.area,
    ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
  });
}

/** Errors that end the run (budget, interruption, guards) must never be swallowed by a probe. */
export function isFatal(err: unknown): boolean {
  return err instanceof Error && ['BudgetExhausted', 'RunAborted', 'ScopeViolation', 'LoopbackViolation', 'TargetDown', 'ExcludedRequest'].includes(err.name);
}

/** The identities' sessions, or none when no identity could log in (run-ending errors still end the run). */
export async function sessionsIfAny(ctx: GatherContext): Promise<Map<string, Session>> {
  try {
    return (await ctx.gather(sessionsGatherer)).sessions;
  } catch (err) {
    if (isFatal(err)) throw err;
    return new Map();
  }
}
