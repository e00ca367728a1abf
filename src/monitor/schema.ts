import { z } from 'zod';
import { ConditionSyntaxError, parseCondition } from './conditions.js';
import { parseDuration } from './duration.js';

/**
 * `monitor:` in launchready.yml. Everything is optional: with nothing written, the monitor watches the
 * homepage, the login page, the health endpoint, a synthetic login, the certificate and (when
 * configured) DNS and mail records, with the checklist's thresholds.
 *
 * Parsing is idempotent (durations become milliseconds, which parse again as milliseconds), so the
 * root config schema can embed MonitorSchema and the monitor can validate `config.monitor` again.
 */

/** `30s`, `500ms`, `2m`, `1h`, `7d`, or a number of milliseconds. */
export const durationMs = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 500ms, 2m or 1h (got ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  return ms;
});

const condition = z.string().superRefine((v, ctx) => {
  try {
    parseCondition(v);
  } catch (err) {
    if (err instanceof ConditionSyntaxError) ctx.addIssue({ code: 'custom', message: err.message });
    else throw err;
  }
});

/** A fraction of the interval (0.1) or a percentage string ("10%"). */
const fraction = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : /^\d+(\.\d+)?%$/.test(v.trim()) ? Number(v.trim().slice(0, -1)) / 100 : NaN;
  if (!(n >= 0 && n <= 1)) {
    ctx.addIssue({ code: 'custom', message: 'expected a fraction between 0 and 1, or a percentage such as 10%' });
    return z.NEVER;
  }
  return n;
});

export const AlertPolicySchema = z
  .object({
    /** Down after this many failed checks … */
    failureThreshold: z.number().int().min(1).max(100).optional(),
    /** … among the last this many (default: the failure threshold, i.e. consecutive failures). */
    failureWindow: z.number().int().min(1).max(1000).optional(),
    /** … or when failing continuously for this long. */
    downAfter: durationMs.optional(),
    /** Up again after this many consecutive successes (a recovery notice follows). */
    successThreshold: z.number().int().min(1).max(100).optional(),
    /** While still down, remind every … */
    reAlertEvery: durationMs.optional(),
    /** … at most this many times per incident (the re-alert cap). */
    maxReAlerts: z.number().int().min(0).max(100).optional(),
    /** Error-rate spikes (5xx, 401, 403) against a rolling baseline; false to turn off. */
    errorRate: z
      .union([
        z.literal(false),
        z
          .object({
            window: durationMs.optional(),
            baseline: durationMs.optional(),
            factor: z.number().positive().optional(),
            minErrors: z.number().int().min(1).optional(),
            minRate: fraction.optional(),
            statuses: z.array(z.union([z.number().int().min(100).max(599), z.string().regex(/^[1-5]xx$/, 'a status such as 401 or a class such as 5xx')])).optional(),
          })
          .strict(),
      ])
      .optional(),
    /** p95 latency over a window above a threshold; false to turn off. */
    latency: z
      .union([
        z.literal(false),
        z.object({ p95: durationMs.optional(), window: durationMs.optional(), minSamples: z.number().int().min(1).optional() }).strict(),
      ])
      .optional(),
    /** Alert when a certificate expires in fewer than this many days (TLS probes). */
    certDays: z.number().nonnegative().optional(),
  })
  .strict();

const common = {
  name: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'a name of letters, digits, _ . : or -').optional(),
  interval: durationMs.optional(),
  timeout: durationMs.optional(),
  retries: z.number().int().min(0).max(5).optional(),
  alerts: z.union([z.literal(false), AlertPolicySchema]).optional(),
  /** Names of the notifiers this probe alerts (default: all). */
  notify: z.array(z.string()).optional(),
  /**
   * `launchready worker` only: a failure is an incident only when workers in at least this many
   * different --location values see it in the same interval (default 1).
   */
  confirm: z.number().int().min(1).max(10).optional(),
};

const expectShape = z
  .object({
    status: z.union([z.number().int(), z.array(z.number().int())]).optional(),
    bodyContains: z.string().optional(),
    /** JSON pointer → expected value, e.g. { "/status": "ok" }. */
    json: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    maxLatency: durationMs.optional(),
  })
  .strict();

export const HttpProbeSchema = z
  .object({
    kind: z.literal('http'),
    ...common,
    /** Absolute, or a path on `target`. */
    url: z.string().min(1),
    method: z.string().regex(/^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/i, 'an HTTP method').optional(),
    headers: z.record(z.string(), z.string()).optional(),
    json: z.unknown().optional(),
    body: z.string().optional(),
    /** An identity from `identities:`: the call is made logged in as it (an authenticated API probe). */
    identity: z.string().optional(),
    followRedirects: z.number().int().min(0).max(10).optional(),
    conditions: z.array(condition).optional(),
    expect: expectShape.optional(),
  })
  .strict();

export const LoginProbeSchema = z
  .object({
    kind: z.literal('login'),
    ...common,
    identity: z.string(),
    /** An authenticated resource to load after logging in (default: the identity's `verify`). */
    resource: z.string().optional(),
    conditions: z.array(condition).optional(),
  })
  .strict();

export const TlsProbeSchema = z
  .object({
    kind: z.literal('tls'),
    ...common,
    /** host or host:port (default: the target's host, port 443). */
    host: z.string().min(1),
    conditions: z.array(condition).optional(),
  })
  .strict();

const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'CAA'] as const;

export const DnsProbeSchema = z
  .object({
    kind: z.literal('dns'),
    ...common,
    names: z.array(z.string().min(1)).min(1),
    types: z.array(z.enum(RECORD_TYPES)).optional(),
  })
  .strict();

export const MailProbeSchema = z
  .object({
    kind: z.literal('mail'),
    ...common,
    domain: z.string().min(1),
    dkimSelectors: z.array(z.string()).optional(),
  })
  .strict();

export const WebhookProbeSchema = z
  .object({
    kind: z.literal('webhook'),
    ...common,
    /** The `url` of an entry in `webhooks:` (its scheme and secret sign the test delivery). */
    webhook: z.string().min(1),
    conditions: z.array(condition).optional(),
  })
  .strict();

const probeUnion = z.discriminatedUnion('kind', [HttpProbeSchema, LoginProbeSchema, TlsProbeSchema, DnsProbeSchema, MailProbeSchema, WebhookProbeSchema]);

/** `kind` defaults to http, so the common case is just `{ name, url, conditions }`. */
export const ProbeSchema = z.preprocess(
  (v) => (v && typeof v === 'object' && !Array.isArray(v) && !('kind' in v) ? { kind: 'http', ...v } : v),
  probeUnion,
);

const retry = {
  /** Delivery attempts before the notification is marked failed. */
  attempts: z.number().int().min(1).max(20).optional(),
  /** First retry delay; doubles each attempt up to maxBackoff. */
  backoff: durationMs.optional(),
  maxBackoff: durationMs.optional(),
  timeout: durationMs.optional(),
};

export const NotifierSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('webhook'),
      name: z.string().optional(),
      url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
      /** Signs the body: X-Launchready-Signature: t=UNIX,v1=hex(HMAC-SHA256(secret, "t.body")). */
      secret: z.string().min(8, 'at least 8 characters').optional(),
      headers: z.record(z.string(), z.string()).optional(),
      ...retry,
    })
    .strict(),
  z
    .object({ kind: z.literal('slack'), name: z.string().optional(), url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }), ...retry })
    .strict(),
  z
    .object({
      kind: z.literal('email'),
      name: z.string().optional(),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).optional(),
      /** Implicit TLS (port 465). Otherwise STARTTLS, required unless `starttls: false`. */
      secure: z.boolean().optional(),
      starttls: z.boolean().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      from: z.string().min(3),
      to: z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]),
      /** PEM file of a CA to trust for the SMTP server's certificate. */
      ca: z.string().optional(),
      ...retry,
    })
    .strict(),
]);

const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 02:30 (UTC)');

export const MaintenanceSchema = z.union([
  z
    .object({
      from: z.iso.datetime({ offset: true, error: 'an ISO time such as 2026-11-24T02:00:00Z' }),
      to: z.iso.datetime({ offset: true, error: 'an ISO time such as 2026-11-24T03:00:00Z' }),
      probes: z.array(z.string()).optional(),
    })
    .strict(),
  z
    .object({
      /** Weekly, in UTC. */
      days: z.array(weekday).min(1),
      start: hhmm,
      end: hhmm,
      probes: z.array(z.string()).optional(),
    })
    .strict(),
]);

export const MonitorSchema = z
  .object({
    interval: durationMs.optional(),
    /** Spread of the probes' start times, as a fraction of the interval (default 10%); each run also drifts ±5% of that. */
    jitter: fraction.optional(),
    timeout: durationMs.optional(),
    retries: z.number().int().min(0).max(5).optional(),
    /** `launchready worker` only: locations that must see a failure before it is an incident (default 1; per probe too). */
    confirm: z.number().int().min(1).max(10).optional(),
    /** Derive the default probes from the audit config (homepage, login page, health, synthetic login, TLS, DNS, mail). */
    defaults: z.boolean().optional(),
    /** SQLite file (default .launchready/launchready.db) or postgres:// URL. */
    store: z.string().optional(),
    /** Where /status, /metrics and /healthz listen: PORT or HOST:PORT (default 127.0.0.1:9464). */
    listen: z.union([z.number().int().min(0).max(65535), z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d+$|^\d+$/, 'PORT or HOST:PORT')]).optional(),
    /** The status-page link put in every alert (default: this monitor's /status). */
    statusPage: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional(),
    /** Requests per second across all probes, and the hourly request cap. */
    maxRate: z.number().positive().optional(),
    maxRequestsPerHour: z.number().int().positive().optional(),
    retention: z.object({ raw: durationMs.optional(), rollups: durationMs.optional(), bucket: durationMs.optional(), incidents: durationMs.optional() }).strict().optional(),
    alerts: AlertPolicySchema.optional(),
    maintenance: z.array(MaintenanceSchema).optional(),
    notifiers: z.array(NotifierSchema).optional(),
    probes: z.array(ProbeSchema).optional(),
    /** DNS servers for the dns and mail probes (SERVER[:PORT]); default the system's. */
    dns: z.array(z.string()).optional(),
  })
  .strict();

export type MonitorConfig = z.output<typeof MonitorSchema>;
export type MonitorConfigInput = z.input<typeof MonitorSchema>;
export type ProbeConfig = z.output<typeof probeUnion>;
export type AlertPolicyConfig = z.output<typeof AlertPolicySchema>;
export type NotifierConfig = z.output<typeof NotifierSchema>;
export type MaintenanceConfig = z.output<typeof MaintenanceSchema>;
