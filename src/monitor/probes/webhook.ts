import { createHmac } from 'node:crypto';
import type { ProbePlan } from '../config.js';
import { judgeExchange } from './http.js';
import { failed, type ProbeContext, type ProbeResult } from './types.js';

type WebhookPlan = Extract<ProbePlan, { kind: 'webhook' }>;

const hmacHex = (secret: string, data: string): string => createHmac('sha256', secret).update(data).digest('hex');

/** Signature headers as each provider sends them, so the app's real verification path is exercised. */
export function signWebhook(scheme: WebhookPlan['scheme'], secret: string, body: string, nowS: number, header?: string): Record<string, string> {
  switch (scheme) {
    case 'stripe':
      return { 'stripe-signature': `t=${nowS},v1=${hmacHex(secret, `${nowS}.${body}`)}` };
    case 'github':
      return { 'x-hub-signature-256': `sha256=${hmacHex(secret, body)}`, 'x-github-event': 'ping', 'x-github-delivery': `launchready-${nowS}` };
    case 'slack':
      return { 'x-slack-signature': `v0=${hmacHex(secret, `v0:${nowS}:${body}`)}`, 'x-slack-request-timestamp': String(nowS) };
    case 'hmac':
      return { [(header ?? 'x-signature').toLowerCase()]: hmacHex(secret, body) };
  }
}

/**
 * Webhook delivery: sends a correctly signed test event to the app's webhook endpoint. A 401/400
 * means the app would reject the provider's real deliveries too (secret rotated, verification broken).
 */
export async function runWebhookProbe(plan: WebhookPlan, ctx: ProbeContext): Promise<ProbeResult> {
  const at = Date.now();
  const http = ctx.http();
  http.registerSecret(plan.secret);
  const nowS = Math.floor(at / 1000);
  const event = plan.scheme === 'stripe'
    ? { id: `evt_launchready_${nowS}`, object: 'event', type: 'launchready.monitor.ping', created: nowS, livemode: false, data: { object: {} } }
    : plan.scheme === 'github'
      ? { zen: 'launchready monitor ping', hook_id: 0 }
      : { type: 'launchready.monitor.ping', id: `launchready-${nowS}`, created: nowS };
  const body = JSON.stringify(event);
  try {
    const ex = await http.request({
      method: 'POST',
      url: plan.url,
      headers: { 'content-type': 'application/json', ...signWebhook(plan.scheme, plan.secret, body, nowS, plan.header) },
      body,
      timeoutMs: plan.timeoutMs,
      area: 'monitoring',
    });
    return judgeExchange(ctx, plan, ex, at, `signed ${plan.scheme} delivery to ${new URL(plan.url).pathname}`);
  } catch (err) {
    return failed(at, `webhook delivery to ${plan.url}: ${(err as Error).message}`);
  }
}
