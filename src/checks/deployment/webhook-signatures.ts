import { REPLAY_AGE_S, webhookDeliveriesGatherer, type DeliveryKind, type WebhookProbe } from '../../abuse/webhook-deliveries.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import type { Severity } from '../../model/severity.js';

const HEADER: Record<WebhookProbe['scheme'], string> = { stripe: 'Stripe-Signature', github: 'X-Hub-Signature-256', slack: 'X-Slack-Signature', hmac: 'signature header' };

const FORGERY: Record<Exclude<DeliveryKind, 'valid'>, { severity: Severity; words: (p: WebhookProbe) => string }> = {
  unsigned: { severity: 'critical', words: (p) => `accepts an unsigned delivery (no ${HEADER[p.scheme]})` },
  'wrong-signature': { severity: 'critical', words: () => 'accepts a delivery signed with the wrong secret' },
  'old-timestamp': { severity: 'high', words: () => `accepts a correctly signed delivery with a timestamp ${REPLAY_AGE_S / 60} minutes old (a captured delivery can be replayed)` },
};

const PASS_WORDS: Record<Exclude<DeliveryKind, 'valid'>, string> = { unsigned: 'an unsigned', 'wrong-signature': 'a wrongly signed', 'old-timestamp': `a ${REPLAY_AGE_S / 60}-minute-old (replayed)` };

const accepted = (status?: number): boolean => status !== undefined && status >= 200 && status < 300;

function judge(p: WebhookProbe, ctx: CheckContext): FindingDraft[] {
  const path = new URL(p.url).pathname;
  const location = { url: p.url, method: 'POST', detail: `${p.scheme} webhook` };
  const out: FindingDraft[] = [];
  const valid = p.deliveries.find((d) => d.kind === 'valid');
  const validOk = accepted(valid?.exchange.response?.status);
  for (const d of p.deliveries) {
    const status = d.exchange.response?.status;
    const statusWords = status !== undefined ? `HTTP ${status}` : `no response (${d.exchange.error?.code})`;
    if (d.kind === 'valid') {
      if (!validOk) {
        out.push({
          status: 'warn',
          severity: 'medium',
          title: `POST ${path} rejected a correctly signed ${p.scheme} test delivery (${statusWords}): check the configured secret, or the receiver refuses every delivery`,
          location,
          discriminator: 'valid',
          evidence: ctx.evidence.exchange(d.exchange, { bodyLimit: 300 }),
        });
      }
      continue;
    }
    const spec = FORGERY[d.kind];
    if (accepted(status)) {
      out.push({ status: 'fail', severity: spec.severity, title: `POST ${path} ${spec.words(p)}`, location, discriminator: d.kind, evidence: { ...ctx.evidence.exchange(d.exchange, { bodyLimit: 300 }), notes: [`a harmless test event; the receiver answered ${statusWords}`] } });
    } else if (status !== undefined && status >= 500) {
      out.push({ status: 'warn', severity: 'low', title: `POST ${path} answers ${statusWords} to a forged ${p.scheme} delivery (${d.kind}): refuse it with 400/401 instead`, location, discriminator: d.kind, evidence: ctx.evidence.exchange(d.exchange, { bodyLimit: 300 }) });
    } else if (valid && !validOk) {
      out.push({ status: 'skip', location, discriminator: d.kind, reason: `refused (${statusWords}), but so was the correctly signed delivery: the refusal proves nothing` });
    } else {
      out.push({ status: 'pass', title: `POST ${path} refuses ${PASS_WORDS[d.kind]} ${p.scheme} delivery (${statusWords})`, location, discriminator: d.kind, evidence: ctx.evidence.exchange(d.exchange, { bodyLimit: 200 }) });
    }
  }
  for (const n of p.notTested) out.push({ status: 'skip', location, discriminator: n.kind, reason: n.reason });
  return out;
}

export const webhookSignatures = defineCheck({
  meta: {
    id: 'deployment/webhook-signatures',
    area: 'deployment',
    severity: 'critical',
    title: 'Webhook receivers verify signatures and refuse replays',
    why: 'A webhook URL is public. If the receiver does not verify the provider\'s signature (and its timestamp), anyone can post "invoice paid" or "subscription active" events and the app will act on them.',
    breaks: 'Attackers mark invoices paid, unlock paid plans or trigger fulfilment with a forged request, or replay a captured genuine delivery again and again.',
    fix: 'Verify every delivery with the provider\'s library against the raw request body (Stripe constructEvent, GitHub X-Hub-Signature-256 with a constant-time compare, Slack v0 signing), reject missing or wrong signatures with 400, and reject timestamps older than 5 minutes; de-duplicate by event id.',
    references: ['OWASP API10:2023', 'CWE-345', 'CWE-294', 'https://docs.stripe.com/webhooks#verify-events', 'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries', 'https://api.slack.com/authentication/verifying-requests-from-slack'],
  },
  requires: { probes: webhookDeliveriesGatherer },
  run({ probes }, ctx) {
    return probes.flatMap((p) => judge(p, ctx));
  },
});
