import type { ProbePlan } from '../config.js';
import { runDnsProbe, runMailProbe } from './dns.js';
import { runHttpProbe } from './http.js';
import { runLoginProbe } from './login.js';
import { runTlsProbe } from './tls.js';
import { failed, type ProbeContext, type ProbeResult } from './types.js';
import { runWebhookProbe } from './webhook.js';

export type { ProbeContext, ProbeResult } from './types.js';

function once(plan: ProbePlan, ctx: ProbeContext): Promise<ProbeResult> {
  switch (plan.kind) {
    case 'http':
      return runHttpProbe(plan, ctx);
    case 'login':
      return runLoginProbe(plan, ctx);
    case 'tls':
      return runTlsProbe(plan, ctx);
    case 'dns':
      return runDnsProbe(plan, ctx);
    case 'mail':
      return runMailProbe(plan, ctx);
    case 'webhook':
      return runWebhookProbe(plan, ctx);
  }
}

/**
 * One scheduled run: the probe, retried up to `retries` times after a short pause when it fails,
 * each attempt inside a deadline, so a hung target can never stack runs up (the scheduler skips a
 * slot while a run is still in flight).
 */
export async function runProbe(plan: ProbePlan, ctx: ProbeContext): Promise<ProbeResult> {
  const started = Date.now();
  const pause = Math.min(1000, Math.max(10, plan.intervalMs / 20));
  // Each attempt gets the request timeout (a login makes up to three requests); nothing runs longer.
  const perAttempt = plan.timeoutMs * (plan.kind === 'login' ? 3 : 1) + 100;
  const deadline = started + perAttempt * (1 + plan.retries) + pause * plan.retries;
  let result: ProbeResult | undefined;
  for (let attempt = 1; attempt <= 1 + plan.retries; attempt++) {
    const left = Math.min(perAttempt, deadline - Date.now());
    if (left <= 0 || ctx.signal.aborted) break;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(() => resolve(failed(Date.now(), `${plan.describe}: no result within ${left} ms`)), left);
    });
    try {
      result = await Promise.race([
        once(plan, ctx).catch((err: unknown) => failed(Date.now(), `${plan.describe}: ${(err as Error).message}`)),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
    result.attempts = attempt;
    // A drift result is a fact, not a glitch: retrying would only repeat it.
    if (result.ok || plan.kind === 'dns' || plan.kind === 'mail') break;
    if (attempt <= plan.retries) await new Promise((r) => setTimeout(r, pause));
  }
  result ??= failed(started, `${plan.describe}: not run (deadline or shutdown)`);
  result.at = started;
  return result;
}
