import { describe, expect, it } from 'vitest';
import type { BurstEvidence, BurstRun } from '../../src/abuse/burst.js';
import { normalizeBody } from '../../src/abuse/compare.js';
import { kindOfConfigKey, kindOfRoute, sensitiveEndpoints } from '../../src/abuse/endpoints.js';
import type { EnumerationProbe } from '../../src/abuse/enumeration.js';
import { casesFor, FUZZ_PAYLOADS } from '../../src/abuse/fuzz-payloads.js';
import { templateFor, violates } from '../../src/abuse/fuzz-template.js';
import { HARM } from '../../src/abuse/harm.js';
import { seededRng } from '../../src/abuse/random.js';
import { throttleSignal } from '../../src/abuse/throttle.js';
import type { WebhookProbe } from '../../src/abuse/webhook-deliveries.js';
import { enumerationDifference } from '../../src/checks/authentication/user-enumeration.js';
import { webhookSignatures } from '../../src/checks/deployment/webhook-signatures.js';
import { bruteForceThrottling } from '../../src/checks/rate-limiting/brute-force.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { defineCheck, defineGatherer } from '../../src/engine/check.js';
import { checkCases } from '../../src/engine/check-tester.js';
import { runChecks } from '../../src/engine/runner.js';
import { HttpClient } from '../../src/net/http.js';
import type { HttpExchange } from '../../src/net/http.js';
import type { Route } from '../../src/surface/routes.js';
import { exchange } from '../helpers.js';

const timed = (ex: HttpExchange, ms: number): HttpExchange => ({ ...ex, timing: { startedAt: 0, ttfbMs: ms, totalMs: ms } });

describe('throttle signals', () => {
  it('recognises status codes, Retry-After and remaining-zero headers at once', () => {
    expect(throttleSignal(exchange({ status: 429 }))?.label).toBe('HTTP 429');
    expect(throttleSignal(exchange({ status: 423 }))?.label).toMatch(/423/);
    expect(throttleSignal(exchange({ status: 503, headers: { 'retry-after': '30' } }))?.kind).toBe('header');
    expect(throttleSignal(exchange({ status: 401, headers: { 'x-ratelimit-remaining': '0' } }))?.kind).toBe('header');
    expect(throttleSignal(exchange({ status: 401, body: '{"error":"invalid_credentials"}' }))).toBeUndefined();
  });

  it('takes an API message at its word, but an HTML page only when its first answer lacked the text', () => {
    const api = exchange({ status: 403, headers: { 'content-type': 'application/json' }, body: '{"error":"Too many attempts. Try again later."}' });
    expect(throttleSignal(api, api)?.kind).toBe('message');
    const widget = exchange({ status: 401, headers: { 'content-type': 'text/html' }, body: '<form><div class="g-recaptcha"></div></form>' });
    expect(throttleSignal(widget, widget)).toBeUndefined();
    expect(throttleSignal(exchange({ status: 401, headers: { 'content-type': 'text/html' }, body: '<div class="g-recaptcha"></div>' }), widget)).toBeUndefined();
    const plain = exchange({ status: 401, headers: { 'content-type': 'text/html' }, body: '<p>Invalid email or password</p>' });
    expect(throttleSignal(exchange({ status: 401, headers: { 'content-type': 'text/html' }, body: '<p>Please complete the CAPTCHA</p>' }), plain)?.kind).toBe('challenge');
  });
});

describe('sensitive endpoints', () => {
  it('reads config keys and recognises routes of any naming', () => {
    expect(['login', 'webLogin', 'signup', 'passwordReset', 'passwordResetConfirm', 'inviteAccept', 'otp', 'logout', 'health', 'passwordChange'].map(kindOfConfigKey)).toEqual([
      'login', 'login', 'signup', 'reset', 'token', 'token', 'otp', undefined, undefined, undefined,
    ]);
    const r = (path: string): Pick<Route, 'method' | 'path'> => ({ method: 'POST', path });
    expect(['/v2/users/login', '/auth/sign-in', '/api/register', '/account/password/forgot', '/api/password-reset', '/api/invites/accept', '/mfa/verify', '/api/orders'].map((p) => kindOfRoute(r(p)))).toEqual([
      'login', 'login', 'signup', 'reset', 'reset', 'token', 'otp', undefined,
    ]);
    expect(kindOfRoute({ method: 'GET', path: '/login' })).toBeUndefined();
  });

  it('lists config endpoints once, and never an excluded one', () => {
    const config = ConfigSchema.parse({ endpoints: { login: '/api/login', signup: 'POST /api/signup' }, api: { exclude: ['POST /api/signup'] } });
    const routes: Route[] = [{ method: 'POST', path: '/api/login', source: 'openapi', params: [] }];
    expect(sensitiveEndpoints(config, routes).map((e) => `${e.kind} ${e.method} ${e.path} (${e.source})`)).toEqual(['login POST /api/login (config endpoints.login)']);
  });
});

describe('the fuzz catalogue', () => {
  const route: Route = {
    method: 'POST',
    path: '/api/things',
    source: 'openapi',
    params: [],
    requestSchema: {
      type: 'object',
      required: ['title', 'count'],
      additionalProperties: false,
      properties: { title: { type: 'string', maxLength: 50 }, count: { type: 'integer', minimum: 0 }, file_name: { type: 'string', pattern: '^[a-z.]+$' }, kind: { type: 'string', enum: ['a', 'b'] }, owner_id: { type: 'integer', minimum: 1 } },
    },
  };

  it('marks as must-reject exactly the cases the published schema forbids', () => {
    const t = templateFor(route, 'lrtest')!;
    const cases = casesFor(t, { rng: seededRng(1), marker: 'lrtest', hugeStringLength: 100, nestingDepth: 50 });
    const byPayload = Object.fromEntries(cases.map((c) => [c.payload, c.mustReject]));
    expect(byPayload).toMatchObject({ 'invalid-json': true, 'wrong-content-type': true, 'missing-required': true, 'wrong-type': true, 'unexpected-property': true, 'huge-string': true, 'deep-nesting': true, 'numeric-overflow': true, 'numeric-edge': true, 'nosql-injection': true, 'path-traversal': true });
    // Quotes in a free-text field are legal input: a correct server may store them.
    expect(byPayload['sql-injection']).toBe(false);
    expect(new Set(cases.map((c) => c.payload))).toEqual(new Set(FUZZ_PAYLOADS.map((p) => p.id)));
    for (const c of cases.filter((x) => x.contentType === 'application/json' && x.payload !== 'invalid-json')) expect(() => JSON.parse(c.body)).not.toThrow();
  });

  it('from a recorded request nothing is must-reject but broken syntax', () => {
    const t = templateFor({ method: 'POST', path: '/x', source: 'har', params: [], examples: [{ url: '/x', requestBody: '{"name":"a","qty":2}', contentType: 'application/json' }] }, 'lr')!;
    const cases = casesFor(t, { rng: seededRng(1), marker: 'lr', hugeStringLength: 100, nestingDepth: 50 });
    expect(cases.filter((c) => c.mustReject).map((c) => c.payload).sort()).toEqual(['invalid-json', 'wrong-content-type']);
  });

  it('is the same for the same seed and differs for another', () => {
    const t = templateFor(route, 'lr')!;
    const make = (seed: number): string => JSON.stringify(casesFor(t, { rng: seededRng(seed, 'POST /api/things'), marker: 'lr', hugeStringLength: 100, nestingDepth: 50 }));
    expect(make(5)).toBe(make(5));
    expect([1, 2, 3, 4, 6].some((s) => make(s) !== make(5))).toBe(true);
  });

  it('judges values against the declared contract', () => {
    const f = (schema: Record<string, unknown>) => ({ name: 'f', schema, type: schema['type'] as string, required: false });
    expect(violates(f({ type: 'string', format: 'email' }), 'a@b.co')).toBe(false);
    expect(violates(f({ type: 'string', format: 'email' }), "a'@b")).toBe(true);
    expect(violates(f({ type: 'integer' }), 1.5)).toBe(true);
    expect(violates(f({ type: 'number' }), Infinity)).toBe(true);
    expect(violates(f({ type: 'string', maxLength: 3 }), '\u{1F600}\u{1F600}\u{1F600}')).toBe(false);
  });
});

describe('user enumeration judgement', () => {
  const probe = (existing: Array<[number, string, number]>, unknown: Array<[number, string, number]>): EnumerationProbe => ({
    endpoint: { kind: 'login', method: 'POST', path: '/login', source: 'test' },
    samples: existing.flatMap(([status, body, ms], i) => [
      { group: 'existing' as const, identifier: `user${i}@acme.test`, exchange: timed(exchange({ status, body }), ms) },
      { group: 'unknown' as const, identifier: `lrx-nobody${i}@acme.test`, exchange: timed(exchange({ status: unknown[i]![0], body: unknown[i]![1] }), unknown[i]![2]) },
    ]),
  });
  const same = (ms: number[]): Array<[number, string, number]> => ms.map((m) => [401, '{"error":"Invalid email or password"}', m]);

  it('passes identical answers with ordinary jitter', () => {
    expect(enumerationDifference(probe(same([12, 15, 11, 14]), same([13, 12, 16, 11])), 25)).toBeUndefined();
  });
  it('fails on a status difference', () => {
    expect(enumerationDifference(probe(same([1, 1, 1, 1]), [[404, 'no', 1], [404, 'no', 1], [404, 'no', 1], [404, 'no', 1]]), 25)?.how).toBe('status');
  });
  it('fails on a stable body difference, but not on bodies that differ every time', () => {
    const named: Array<[number, string, number]> = [0, 1, 2, 3].map((i) => [401, `{"error":"wrong password for user${i}@acme.test"}`, 1]);
    expect(enumerationDifference(probe(named, [0, 1, 2, 3].map((i) => [401, `{"error":"unknown account lrx-nobody${i}@acme.test"}`, 1])), 25)?.how).toBe('body');
    const nonce = (i: number): Array<[number, string, number]> => [[401, `{"error":"x","req":"r${i}a"}`, 1], [401, `{"error":"x","req":"r${i}b"}`, 1], [401, `{"error":"x","req":"r${i}c"}`, 1], [401, `{"error":"x","req":"r${i}d"}`, 1]];
    expect(enumerationDifference(probe(nonce(1), nonce(2)), 25)).toBeUndefined();
  });
  it('fails on timing only beyond the floor, the noise and with no overlap', () => {
    expect(enumerationDifference(probe(same([82, 85, 81, 84]), same([2, 3, 2, 1])), 25)?.how).toBe('timing');
    expect(enumerationDifference(probe(same([12, 14, 13, 15]), same([2, 3, 2, 1])), 25)).toBeUndefined(); // under the floor
    expect(enumerationDifference(probe(same([80, 85, 3, 84]), same([2, 3, 2, 90])), 25)).toBeUndefined(); // overlapping
  });
  it('normalises the identifier, tokens, times and numbers away', () => {
    expect(normalizeBody('{"msg":"sent to bob@x.io at 2026-11-23T10:00:00Z","id":"a1b2c3d4e5f6a7b8c9d0e1f2","n":42}', 'bob@x.io')).toBe('{"msg":"sent to <id> at <time>","id":"<token>","n":<n>}');
  });
});

describe('rate-limit and webhook checks (evidence tables)', () => {
  const run = (over: Partial<BurstRun>): BurstRun => ({ mode: 'per-account', subject: 'the throw-away account lr@example.com', limit: 30, sent: 30, stoppedBy: 'count', reached: 30, statuses: { '401': 30 }, last: exchange({ status: 401 }), wallMs: 100, ...over });
  const bursts = (runs: BurstRun[], kind: 'login' | 'signup' = 'login'): BurstEvidence => ({ endpoints: [{ endpoint: { kind, method: 'POST', path: `/api/${kind}`, source: 'test' }, runs }], behindProxy: false, burstSize: 30, requests: 30, wallMs: 100 });

  it('brute-force: throttled passes, unthrottled fails, unreached and timed-out bursts are not failures', async () => {
    expect(
      await checkCases(bruteForceThrottling, {
        valid: [
          { name: 'throttled at the 6th', evidence: { bursts: bursts([run({ sent: 6, throttledAt: 6, stoppedBy: 'throttle', signal: { kind: 'status', label: 'HTTP 429' }, throttled: exchange({ status: 429 }) })]) } },
          { name: 'never reached the login logic', evidence: { bursts: bursts([run({ sent: 2, reached: 0, stoppedBy: 'unreached', statuses: { '400': 2 } })]) } },
        ],
        invalid: [
          { name: '30 wrong passwords', evidence: { bursts: bursts([run({})]) }, findings: [{ severity: 'high', title: /POST \/api\/login let 30 wrong passwords for one account/ }] },
          { name: 'spraying', evidence: { bursts: bursts([run({ mode: 'per-ip' })]) }, findings: [{ severity: 'medium', title: /password spraying/ }] },
          { name: 'signups', evidence: { bursts: bursts([run({ mode: 'per-ip', statuses: { '201': 30 } })], 'signup') }, findings: [{ title: /created 30 accounts/ }] },
          { name: 'time bound', evidence: { bursts: bursts([run({ sent: 4, stoppedBy: 'time' })]) }, findings: [{ status: 'warn', title: /time bound/ }] },
        ],
      }),
    ).toEqual([]);
  });

  it('webhooks: accepted forgeries fail; refusals only count when the genuine delivery is accepted', async () => {
    const probe = (statuses: Record<string, number>): WebhookProbe => ({
      url: 'https://app.example.com/webhooks/stripe',
      scheme: 'stripe',
      secretConfigured: true,
      deliveries: Object.entries(statuses).map(([kind, status]) => ({ kind: kind as WebhookProbe['deliveries'][number]['kind'], exchange: exchange({ method: 'POST', status }) })),
      notTested: [],
    });
    expect(
      await checkCases(webhookSignatures, {
        valid: [{ name: 'verifies everything', evidence: { probes: [probe({ valid: 200, unsigned: 400, 'wrong-signature': 400, 'old-timestamp': 400 })] } }],
        invalid: [
          { name: 'unsigned accepted', evidence: { probes: [probe({ valid: 200, unsigned: 200, 'wrong-signature': 400, 'old-timestamp': 400 })] }, findings: [{ severity: 'critical', title: /unsigned/ }] },
          { name: 'replay accepted', evidence: { probes: [probe({ valid: 200, unsigned: 400, 'wrong-signature': 400, 'old-timestamp': 200 })] }, findings: [{ severity: 'high', title: /60 minutes old/ }] },
          { name: 'rejects everything', evidence: { probes: [probe({ valid: 400, unsigned: 400, 'wrong-signature': 400, 'old-timestamp': 400 })] }, findings: [{ status: 'warn', title: /rejected a correctly signed/ }] },
        ],
      }),
    ).toEqual([]);
  });
});

describe('the last phase, owned by the runner', () => {
  const config = ConfigSchema.parse({});
  const slowCheck = (name: string, harm: number, ms: number, log: string[]) =>
    defineCheck({
      meta: { id: `input-validation/${name}`, area: 'input-validation', severity: 'low', title: name, why: '', breaks: '', fix: '', references: [], phase: 'last', harm },
      requires: {
        g: defineGatherer({
          id: `test/${name}`,
          async gather() {
            log.push(`${name} start`);
            await new Promise((r) => setTimeout(r, ms));
            log.push(`${name} end`);
            return name;
          },
        }),
      },
      run: () => [],
    });

  it('runs the probes one at a time, least harmful first, whatever order they are listed in', async () => {
    const log: string[] = [];
    const http = new HttpClient({ maxRequests: 10, rate: 100, timeoutMs: 1000, maxBodyBytes: 1000 });
    const run = await runChecks({
      checks: [slowCheck('fuzz', HARM.fuzz, 5, log), slowCheck('bursts', HARM.bursts, 5, log), slowCheck('injection', HARM.injection, 5, log), slowCheck('enumeration', HARM.enumeration, 5, log)],
      config,
      configDir: '.',
      target: { isDevelopment: true },
      http,
      options: { allowWrites: false, seed: 1 },
      env: {},
      checkDeadlineMs: 1000,
      runDeadlineMs: 5000,
    });
    expect(log).toEqual(['enumeration start', 'enumeration end', 'bursts start', 'bursts end', 'injection start', 'injection end', 'fuzz start', 'fuzz end']);
    expect(run.findings.every((f) => f.status === 'pass')).toBe(true);
  });

  it('starts each deadline when its check starts, not while it waits for the one before', async () => {
    const log: string[] = [];
    const http = new HttpClient({ maxRequests: 10, rate: 100, timeoutMs: 1000, maxBodyBytes: 1000 });
    // Each takes 300 ms of a 500 ms deadline: together they take longer than one deadline.
    const run = await runChecks({
      checks: [slowCheck('a', 1, 300, log), slowCheck('b', 2, 300, log), slowCheck('c', 3, 300, log)],
      config,
      configDir: '.',
      target: { isDevelopment: true },
      http,
      options: { allowWrites: false, seed: 1 },
      env: {},
      checkDeadlineMs: 500,
      runDeadlineMs: 10_000,
    });
    expect(run.findings.map((f) => f.status)).toEqual(['pass', 'pass', 'pass']);
    expect(run.incomplete).toEqual([]);
  });
});
