import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../context.js';
import { nowIso } from '../db.js';

/**
 * Stripe-style webhook receiver. Stripe signs `${t}.${rawBody}` with HMAC-SHA256 and sends
 * `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`. The receiver must verify against the
 * exact bytes received and refuse timestamps outside a tolerance, or a captured delivery can be
 * replayed forever.
 */
export const WEBHOOK_TOLERANCE_S = 300;

export function stripeSignatureHeader(secret: string, payload: string, timestampS = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestampS}.${payload}`).digest('hex');
  return `t=${timestampS},v1=${v1}`;
}

function parseSignature(header: string): { t: number | null; v1: string[] } {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.split('=', 2).map((s) => s.trim());
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    if (k === 'v1' && v && /^[0-9a-f]{64}$/i.test(v)) v1.push(v.toLowerCase());
  }
  return { t, v1 };
}

export function webhookRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { db, flaws } = ctx;

  app.post('/webhooks/stripe', async (request, reply) => {
    const raw = request.rawBody ?? '';
    const header = request.headers['stripe-signature'];
    const reject = (message: string) => reply.code(400).send({ error: 'invalid_signature', message });

    if (typeof header !== 'string' || header === '') {
      // FLAW webhook-unsigned: "verify if signed" — an unsigned delivery skips verification
      // entirely, so anyone can post a fake invoice.paid event.
      if (!flaws.has('webhook-unsigned')) return reject('Missing Stripe-Signature header.');
    } else {
      const sig = parseSignature(header);
      if (sig.t === null || sig.v1.length === 0) return reject('Malformed Stripe-Signature header.');
      const expected = Buffer.from(createHmac('sha256', ctx.webhookSecret).update(`${sig.t}.${raw}`).digest('hex'));
      const match = sig.v1.some((v) => {
        const got = Buffer.from(v);
        return got.length === expected.length && timingSafeEqual(got, expected);
      });
      if (!match) return reject('Signature does not match.');
      // FLAW webhook-replay: the timestamp is signed but never compared with the clock, so a
      // delivery captured last month is accepted again today.
      if (!flaws.has('webhook-replay') && Math.abs(Date.now() / 1000 - sig.t) > WEBHOOK_TOLERANCE_S) {
        return reject('Timestamp outside the tolerance window.');
      }
    }

    let event: { id?: unknown; type?: unknown; data?: { object?: { metadata?: { invoice_id?: unknown } } } };
    try {
      event = JSON.parse(raw) as typeof event;
    } catch {
      return reply.code(400).send({ error: 'invalid_request', message: 'Body is not valid JSON.' });
    }
    if (!event || typeof event !== 'object' || Array.isArray(event)) {
      return reply.code(400).send({ error: 'invalid_request', message: 'Expected a JSON event object.' });
    }
    // Event types this portal does not handle are acknowledged and ignored, as Stripe expects.
    if (typeof event.id !== 'string' || typeof event.type !== 'string') return { received: true };
    // Stripe retries deliveries: the same event id is acknowledged once and then ignored.
    const inserted = db.prepare('INSERT OR IGNORE INTO webhook_events (id, type, payload, received_at) VALUES (?, ?, ?, ?)').run(event.id, event.type, raw, nowIso());
    if (inserted.changes === 0) return { received: true, duplicate: true };
    if (event.type === 'invoice.paid') {
      const invoiceId = Number(event.data?.object?.metadata?.invoice_id);
      if (Number.isSafeInteger(invoiceId)) db.prepare("UPDATE invoices SET status = 'paid' WHERE id = ?").run(invoiceId);
    }
    return { received: true };
  });
}
