import { createHmac } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { HttpExchange } from '../net/http.js';
import { abuseMarker } from './random.js';

/**
 * Webhook deliveries as the provider would send them, and the forgeries a receiver must refuse:
 * unsigned, signed with the wrong secret, and (for schemes that sign a timestamp) correctly signed
 * but an hour old — a captured delivery replayed. The events are test events that change nothing.
 */
export type WebhookScheme = Config['webhooks'][number]['scheme'];
export type DeliveryKind = 'valid' | 'unsigned' | 'wrong-signature' | 'old-timestamp';

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

export const REPLAY_AGE_S = 3600;

/** Schemes whose signature covers a timestamp (so replay protection can be tested). */
export const TIMESTAMPED: ReadonlySet<WebhookScheme> = new Set(['stripe', 'slack']);

const hmacHex = (secret: string, data: string): string => createHmac('sha256', secret).update(data).digest('hex');

/** The scheme's signature headers for `body` at `timestampS` (RFC-less, per provider documentation). */
export function signDelivery(scheme: WebhookScheme, secret: string, body: string, timestampS: number, header?: string): Record<string, string> {
  switch (scheme) {
    case 'stripe':
      return { 'stripe-signature': `t=${timestampS},v1=${hmacHex(secret, `${timestampS}.${body}`)}` };
    case 'github':
      return { 'x-hub-signature-256': `sha256=${hmacHex(secret, body)}` };
    case 'slack':
      return { 'x-slack-request-timestamp': String(timestampS), 'x-slack-signature': `v0=${hmacHex(secret, `v0:${timestampS}:${body}`)}` };
    case 'hmac':
      return { [(header ?? 'x-signature').toLowerCase()]: hmacHex(secret, body) };
  }
}

/** A harmless test event in the provider's shape. */
export function testEvent(scheme: WebhookScheme, id: string, timestampS: number): { body: string; headers: Record<string, string> } {
  switch (scheme) {
    case 'stripe':
      return { body: JSON.stringify({ id: `evt_${id}`, object: 'event', type: 'launchready.test', created: timestampS, livemode: false, data: { object: { id, object: 'launchready_test' } } }), headers: {} };
    case 'github':
      return { body: JSON.stringify({ zen: 'launchready test delivery', hook_id: 0, hook: { type: 'launchready', id } }), headers: { 'x-github-event': 'ping', 'x-github-delivery': id } };
    case 'slack':
      return { body: JSON.stringify({ token: 'launchready', type: 'url_verification', challenge: id }), headers: {} };
    case 'hmac':
      return { body: JSON.stringify({ id, type: 'launchready.test', created: timestampS }), headers: {} };
  }
}

export interface Delivery {
  kind: DeliveryKind;
  exchange: HttpExchange;
}

export interface WebhookProbe {
  url: string;
  scheme: WebhookScheme;
  secretConfigured: boolean;
  deliveries: Delivery[];
  /** Deliveries that could not be built, with why. */
  notTested: Array<{ kind: DeliveryKind; reason: string }>;
}

export const webhookDeliveriesGatherer = defineGatherer<WebhookProbe[]>({
  id: 'abuse/webhook-deliveries',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    if (ctx.config.webhooks.length === 0) throw new NotApplicable('no webhooks configured (add webhooks: with url, scheme and secret to launchready.yml)');
    const marker = abuseMarker(ctx.options.seed);
    const out: WebhookProbe[] = [];
    for (const [i, w] of ctx.config.webhooks.entries()) {
      const url = new URL(w.url, base);
      const secret = w.secret && w.secret.length > 0 ? w.secret : undefined;
      ctx.http.registerSecret(secret);
      const probe: WebhookProbe = { url: url.href, scheme: w.scheme, secretConfigured: !!secret, deliveries: [], notTested: [] };
      const now = Math.floor(Date.now() / 1000);
      const send = async (kind: DeliveryKind, sign: (body: string, ts: number) => Record<string, string>, ts = now): Promise<void> => {
        // A new event id per delivery: receivers that de-duplicate must not mask the answer.
        const ev = testEvent(w.scheme, `${marker}_${i}_${kind.replace(/-/g, '_')}`, ts);
        const exchange = await ctx.http.request({ method: 'POST', url, headers: { 'content-type': 'application/json', ...ev.headers, ...sign(ev.body, ts) }, body: ev.body, area: 'deployment' });
        probe.deliveries.push({ kind, exchange });
      };
      if (secret) await send('valid', (body, ts) => signDelivery(w.scheme, secret, body, ts, w.header));
      else probe.notTested.push({ kind: 'valid', reason: `no secret configured for ${w.url}: set secret: "\${ENV_VAR}" so a correctly signed delivery can be sent` });
      await send('unsigned', () => ({}));
      await send('wrong-signature', (body, ts) => signDelivery(w.scheme, `launchready-wrong-${marker}`, body, ts, w.header));
      if (!TIMESTAMPED.has(w.scheme)) probe.notTested.push({ kind: 'old-timestamp', reason: `the ${w.scheme} scheme signs no timestamp: replays can only be refused by remembering delivery ids` });
      else if (secret) await send('old-timestamp', (body, ts) => signDelivery(w.scheme, secret, body, ts, w.header), now - REPLAY_AGE_S);
      else probe.notTested.push({ kind: 'old-timestamp', reason: 'no secret configured to sign an old delivery with' });
      out.push(probe);
    }
    return out;
  },
});
