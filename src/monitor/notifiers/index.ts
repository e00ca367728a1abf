import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { HttpClient } from '../../net/http.js';
import { assertLoopbackAllowed } from '../../net/loopback-guard.js';
import { redactText } from '../../net/redact.js';
import type { NotifierPlan } from '../config.js';
import { plainText, slackText, type AlertPayload } from './message.js';

export type { AlertPayload } from './message.js';
export { plainText, slackText, titleFor } from './message.js';

/** A way to deliver one notification. Throws with a message a person can act on when it fails. */
export interface Notifier {
  readonly name: string;
  readonly kind: NotifierPlan['kind'];
  readonly plan: NotifierPlan;
  deliver(payload: AlertPayload): Promise<void>;
  close(): Promise<void>;
}

export const SIGNATURE_HEADER = 'x-launchready-signature';

/**
 * `t=UNIX,v1=hex(HMAC-SHA256(secret, "UNIX.body"))`, like Stripe's: receivers check the HMAC and
 * refuse timestamps older than a few minutes (replays).
 */
export function signBody(secret: string, body: string, nowS: number): string {
  return `t=${nowS},v1=${createHmac('sha256', secret).update(`${nowS}.${body}`).digest('hex')}`;
}

/** Verifies a signature header (for receivers and tests). */
export function verifySignature(secret: string, body: string, header: string, nowS: number, toleranceS = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts['t']);
  if (!Number.isFinite(t) || Math.abs(nowS - t) > toleranceS) return false;
  const expected = signBody(secret, body, t);
  return expected === `t=${parts['t']},v1=${parts['v1']}`;
}

/** `label` names the endpoint in errors and logs without its secret parts (Slack's path is the credential). */
async function postJson(http: () => HttpClient, url: string, label: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const ex = await http().request({ method: 'POST', url, body, headers: { 'content-type': 'application/json', ...headers }, timeoutMs, area: 'monitoring', maxBodyBytes: 64 * 1024 });
  if (ex.error) throw new Error(`${label}: no response (${ex.error.code}: ${ex.error.message})`);
  const status = ex.response!.status;
  if (status < 200 || status >= 300) throw new Error(`${label}: HTTP ${status} ${redactText(ex.response!.text().slice(0, 200), http().knownSecrets)}`.trim());
}

function webhookNotifier(plan: Extract<NotifierPlan, { kind: 'webhook' }>, http: () => HttpClient): Notifier {
  if (plan.secret) http().registerSecret(plan.secret);
  return {
    name: plan.name,
    kind: 'webhook',
    plan,
    async deliver(p) {
      const body = JSON.stringify(p);
      const headers: Record<string, string> = { ...(plan.headers ?? {}), 'x-launchready-event': p.event, 'x-launchready-delivery': p.id };
      if (plan.secret) headers[SIGNATURE_HEADER] = signBody(plan.secret, body, Math.floor(Date.now() / 1000));
      const u = new URL(plan.url);
      await postJson(http, plan.url, `${u.origin}${u.pathname}`, body, headers, plan.retry.timeoutMs);
    },
    async close() {},
  };
}

function slackNotifier(plan: Extract<NotifierPlan, { kind: 'slack' }>, http: () => HttpClient): Notifier {
  http().registerSecret(new URL(plan.url).pathname);
  return {
    name: plan.name,
    kind: 'slack',
    plan,
    async deliver(p) {
      await postJson(http, plan.url, `Slack webhook at ${new URL(plan.url).origin}`, JSON.stringify({ text: slackText(p) }), {}, plan.retry.timeoutMs);
    },
    async close() {},
  };
}

function emailNotifier(plan: Extract<NotifierPlan, { kind: 'email' }>, baseDir: string): Notifier {
  const ca = plan.ca ? readFileSync(resolve(baseDir, plan.ca), 'utf8') : undefined;
  const to = Array.isArray(plan.to) ? plan.to : [plan.to];
  return {
    name: plan.name,
    kind: 'email',
    plan,
    async deliver(p) {
      // Resolve first so the loopback guard judges the address actually dialled.
      const address = isIP(plan.host) ? plan.host : (await lookup(plan.host)).address;
      assertLoopbackAllowed(address);
      const secure = plan.secure ?? false;
      const transport = nodemailer.createTransport({
        host: address,
        port: plan.port ?? (secure ? 465 : 587),
        secure,
        requireTLS: !secure && plan.starttls !== false,
        ignoreTLS: !secure && plan.starttls === false,
        tls: { servername: isIP(plan.host) ? undefined : plan.host, ...(ca ? { ca } : {}) },
        ...(plan.username ? { auth: { user: plan.username, pass: plan.password ?? '' } } : {}),
        connectionTimeout: plan.retry.timeoutMs,
        greetingTimeout: plan.retry.timeoutMs,
        socketTimeout: plan.retry.timeoutMs,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      try {
        await transport.sendMail({
          from: plan.from,
          to,
          subject: p.title,
          text: plainText(p),
          headers: { 'X-Launchready-Incident': p.incident, 'X-Launchready-Delivery': p.id },
          messageId: `<${p.id}@launchready.monitor>`,
        });
      } finally {
        transport.close();
      }
    },
    async close() {},
  };
}

export function createNotifier(plan: NotifierPlan, http: () => HttpClient, baseDir: string): Notifier {
  switch (plan.kind) {
    case 'webhook':
      return webhookNotifier(plan, http);
    case 'slack':
      return slackNotifier(plan, http);
    case 'email':
      return emailNotifier(plan, baseDir);
  }
}
