import { DURATION_RULE, loadDurationProblem, parseDuration } from './duration.js';
import { z } from 'zod';
import { AREAS } from '../model/area.js';
import { MonitorSchema } from '../monitor/schema.js';

/**
 * launchready.yml. Every key a default can cover is optional; the defaults are the checklist's
 * pass criteria, so most users write almost nothing (Gatus's lesson).
 */

const routeString = z
  .string()
  .regex(/^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\s+\/\S*$/i, 'a route like "GET /api/invoices/{id}"');

export const RouteSchema = z.union([
  routeString,
  z
    .object({
      method: z.string().regex(/^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/i, 'an HTTP method'),
      path: z.string().startsWith('/', 'a path starting with /'),
      roles: z.array(z.string()).optional(),
      auth: z.boolean().optional(),
      tags: z.array(z.string()).optional(),
    })
    .strict(),
]);

const jsonValue: z.ZodType<unknown> = z.unknown();

export const RequestStepSchema = z
  .object({
    method: z.string().default('POST'),
    url: z.string(),
    json: jsonValue.optional(),
    form: z.record(z.string(), z.string()).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Values to pull out of the response for later steps: name → JSON pointer, regex (/…/) or cookie:NAME. */
    extract: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const LoginSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('json'),
      url: z.string(),
      method: z.string().default('POST'),
      json: jsonValue,
      tokenPath: z.string().optional(),
      cookie: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('form'),
      url: z.string(),
      method: z.string().default('POST'),
      form: z.record(z.string(), z.string()),
      cookie: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('bearer'), token: z.string() }).strict(),
  z.object({ kind: z.literal('header'), name: z.string(), value: z.string() }).strict(),
  z.object({ kind: z.literal('cookie'), name: z.string(), value: z.string() }).strict(),
  z
    .object({
      kind: z.literal('steps'),
      steps: z.array(RequestStepSchema).min(1),
      /** How the session is carried after the steps: `bearer:{{name}}`, `header:X-Key:{{name}}` or `cookie:NAME`. */
      use: z.string(),
    })
    .strict(),
]);

export const IdentitySchema = z
  .object({
    tenant: z.string().optional(),
    role: z.string().default('member'),
    register: RequestStepSchema.optional(),
    login: LoginSchema,
    logout: RequestStepSchema.partial({ url: true }).extend({ url: z.string() }).optional(),
    /** A request that only succeeds when logged in; used to verify the session. */
    verify: z.string().optional(),
    /**
     * Objects this identity owns, for routes whose ids discovery cannot learn (see docs/identities.md):
     * `"GET /books/v1/{book_title}": { book_title: "Bob's diary" }`. A value `login:/basket/id` reads
     * the login response (JSON pointer), `jwt:sub` a claim of the identity's token.
     */
    objects: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number()]).transform(String))).optional(),
  })
  .strict()
  .superRefine((id, ctx) => {
    for (const [route, values] of Object.entries(id.objects ?? {})) {
      const m = /^(?:(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\s+)?(\/\S*)$/i.exec(route.trim());
      if (!m) {
        ctx.addIssue({ code: 'custom', path: ['objects', route], message: `expected "METHOD /path/{param}" or "/path/{param}", got "${route}"` });
        continue;
      }
      const params = [...m[2]!.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]!);
      for (const k of Object.keys(values)) {
        if (!params.includes(k)) ctx.addIssue({ code: 'custom', path: ['objects', route, k], message: `"${k}" is not a parameter of ${m[2]} (its parameters: ${params.map((p) => `{${p}}`).join(', ') || 'none'})` });
      }
    }
  });

export const WebhookSchema = z
  .object({
    url: z.string(),
    scheme: z.enum(['stripe', 'github', 'slack', 'hmac']),
    secret: z.string().optional(),
    header: z.string().optional(),
  })
  .strict();

/** One duration rule for the whole config (src/config/duration.ts): 500ms, 30s, 2m, 1h; a bare number is milliseconds. */
const duration = z.union([z.number(), z.string()]).superRefine((v, ctx) => {
  if (parseDuration(v) === undefined) ctx.addIssue({ code: 'custom', message: `expected ${DURATION_RULE} (got ${JSON.stringify(v)})` });
});
/** A load test shorter than a second measures nothing: a short bare number was almost surely meant as seconds. */
const loadDuration = duration.superRefine((v, ctx) => {
  const problem = loadDurationProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const ConfigSchema = z
  .object({
    target: z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://app.example.com' }).optional(),
    domains: z.array(z.string().min(1)).default([]),
    mail: z
      .object({ domain: z.string().min(1), dkimSelectors: z.array(z.string()).default([]) })
      .strict()
      .optional(),
    repo: z.string().optional(),
    /** How the repo is scanned for secrets (paths relative to the config file). */
    secrets: z
      .object({
        /** Every unique blob of the git history too (default true). */
        history: z.boolean().default(true),
        /** Built output: bundles and source maps. */
        bundles: z.array(z.string()).default([]),
        /** Log files (globs, relative to repo). */
        logs: z.array(z.string()).default([]),
        /** The deploy environment as a dotenv file: names only are kept, to check every variable the code reads is set. */
        envFile: z.string().optional(),
        allFiles: z.boolean().default(false),
      })
      .strict()
      .default({ history: true, bundles: [], logs: [], allFiles: false }),
    pages: z
      .object({ landing: z.string().default('/'), login: z.string().optional() })
      .strict()
      .optional(),
    api: z
      .object({
        openapi: z.string().optional(),
        har: z.string().optional(),
        routes: z.array(RouteSchema).default([]),
        exclude: z.array(z.string()).default([]),
        /**
         * The authenticated Chromium crawl that finds the API the front end calls (true/false, or its
         * bounds). Default: on when the landing page serves HTML.
         */
        crawl: z
          .union([
            z.boolean(),
            z
              .object({
                enabled: z.boolean().optional(),
                /** Pages visited per identity (the anonymous pass gets half). */
                maxPages: z.number().int().positive().max(2000).default(30),
                /** Link depth from the start pages. */
                maxDepth: z.number().int().nonnegative().max(20).default(3),
                /** Wall-clock bound of the whole crawl, seconds. */
                seconds: z.number().positive().max(3600).default(30),
                /** Requests the browser may send (reserved from the run's budget; at most a third of what is left). */
                maxRequests: z.number().int().positive().default(400),
              })
              .strict(),
          ])
          .optional(),
      })
      .strict()
      .default({ routes: [], exclude: [] }),
    identities: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'a name of letters, digits, _ or -'), IdentitySchema).default({}),
    endpoints: z
      .object({
        login: z.string().optional(),
        signup: z.string().optional(),
        passwordReset: z.string().optional(),
        passwordChange: z.string().optional(),
        otp: z.string().optional(),
        invite: z.string().optional(),
        health: z.string().optional(),
        logout: z.string().optional(),
      })
      .catchall(z.string())
      .default({}),
    webhooks: z.array(WebhookSchema).default([]),
    trustedOrigins: z.array(z.string()).default([]),
    behindProxy: z.boolean().default(false),
    thresholds: z
      .object({
        p95Ms: z.number().positive().default(500),
        lcpMs: z.number().positive().default(2500),
        certDaysWarn: z.number().int().nonnegative().default(21),
        certDaysFail: z.number().int().nonnegative().default(7),
      })
      .strict()
      .default({ p95Ms: 500, lcpMs: 2500, certDaysWarn: 21, certDaysFail: 7 }),
    load: z
      .object({
        rate: z.number().positive().optional(),
        concurrency: z.number().int().positive().optional(),
        duration: loadDuration.optional(),
        warmup: duration.optional(),
        actions: z.array(z.union([routeString, z.object({ route: routeString, weight: z.number().positive().default(1), identity: z.string().optional() }).strict()])).default([]),
      })
      .strict()
      .optional(),
    budget: z
      .object({
        maxRequests: z.number().int().positive().default(3000),
        rate: z.number().positive().default(50),
        timeoutMs: z.number().int().positive().default(10_000),
        maxBodyBytes: z.number().int().positive().default(2 * 1024 * 1024),
        deadlineMs: z.number().int().positive().default(120_000),
      })
      .strict()
      .default({ maxRequests: 3000, rate: 50, timeoutMs: 10_000, maxBodyBytes: 2 * 1024 * 1024, deadlineMs: 120_000 }),
    /** Bounds of the abuse probes (bursts, enumeration, fuzzing); defaults are the checklist's. */
    abuse: z
      .object({
        burstSize: z.number().int().min(1).max(200),
        burstEndpointMs: z.number().int().positive(),
        burstTotalMs: z.number().int().positive(),
        maxBurstEndpoints: z.number().int().min(0).max(50),
        enumerationSamples: z.number().int().min(1).max(20),
        enumerationTimingFloorMs: z.number().nonnegative(),
        fuzzMaxRoutes: z.number().int().min(0).max(200),
        fuzzMaxRequests: z.number().int().min(0).max(5000),
        fuzzDeadlineMs: z.number().int().positive(),
        fuzzRequestTimeoutMs: z.number().int().positive(),
        hugeStringLength: z.number().int().min(1).max(10_000_000),
        nestingDepth: z.number().int().min(1).max(100_000),
        injectionMaxSlots: z.number().int().min(0).max(200),
        injectionMaxRequests: z.number().int().min(0).max(5000),
        injectionDeadlineMs: z.number().int().positive(),
        enumerationMaxRoutes: z.number().int().min(0).max(50),
      })
      .partial()
      .strict()
      .optional(),
    handover: z
      .object({ rollback: z.string().optional(), owners: z.record(z.string(), z.string()).default({}) })
      .strict()
      .optional(),
    monitor: MonitorSchema.optional(),
    /** `launchready worker`: a cron expression (UTC; 5 fields, or 6 with seconds) for scheduled audits of this target, e.g. "0 6 * * *". */
    schedule: z.string().regex(/^\s*\S+(\s+\S+){4,5}\s*$/, 'a cron expression such as "0 6 * * *" (minute hour day month weekday, UTC)').optional(),
    baseline: z.string().optional(),
    /**
     * Checklist areas that do not apply to this product, each with the reason
     * (`waive: { email: "this product sends no mail" }`). A waived area does not keep the verdict
     * from `ready` when it could not be tested; its checks still run, and the waiver is listed in every format.
     */
    waive: z
      .partialRecord(
        z.enum(AREAS, { error: `an area of the checklist (${AREAS.join(', ')})` }),
        z.string({ error: 'a reason (why this area does not apply)' }).trim().min(3, 'a reason of a few words (why this area does not apply)'),
      )
      .default({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type IdentityConfig = z.infer<typeof IdentitySchema>;
export type LoginConfig = z.infer<typeof LoginSchema>;
export type RouteConfig = z.infer<typeof RouteSchema>;
export type RequestStep = z.infer<typeof RequestStepSchema>;
