import { afterEach, describe, expect, it } from 'vitest';
import { bruteForceThrottling } from '../../src/checks/rate-limiting/brute-force.js';
import { forwardedForBypass } from '../../src/checks/rate-limiting/forwarded-for-bypass.js';
import { invalidPayloads } from '../../src/checks/input-validation/invalid-payloads.js';
import { bookshopConfig, startBookshop, type Bookshop } from './fixtures/bookshop-api.js';
import { failing, problems, runAbuse } from './run.js';

/**
 * The abuse probes against an API they were not written for (Swagger 2.0, username logins, a form
 * cookie session, GitHub and Slack webhooks): every planted mistake is found, the correct build
 * passes, and every loop stays inside its bounds as counted by the server itself.
 */
const SMALL = { burstSize: 12, fuzzRequestTimeoutMs: 1500, hugeStringLength: 12_000, nestingDepth: 2_000 };

let shops: Bookshop[] = [];
afterEach(async () => {
  await Promise.all(shops.map((s) => s.close()));
  shops = [];
});
async function shop(flawed: boolean, extra: Parameters<typeof startBookshop>[0] = { flawed }): Promise<Bookshop> {
  const s = await startBookshop({ ...extra, flawed });
  shops.push(s);
  return s;
}

describe('a third-party API with one mistake per abuse check', () => {
  it('finds each one, says which payload broke what, and gives a curl reproduction', async () => {
    const s = await shop(true);
    const run = await runAbuse(bookshopConfig(s), { abuse: SMALL });
    const titles = (check: string, re?: RegExp): string[] => failing(run, check, re).map((f) => f.title);

    // Input validation: leaks, 5xx, a dropped connection and a hang, each with its payload named.
    expect(titles('input-validation/invalid-payloads', /POST \/v2\/orders shows stack trace/)).toHaveLength(1);
    expect(titles('input-validation/invalid-payloads', /POST \/v2\/orders answers HTTP 500/)).toHaveLength(1);
    expect(titles('input-validation/invalid-payloads', /POST \/v2\/orders dropped the connection .* nested 2,000 levels deep/)).toHaveLength(1);
    expect(titles('input-validation/invalid-payloads', /POST \/v2\/uploads did not answer within 1500 ms to a 12,000-character string in "filename"/)).toHaveLength(1);
    expect(titles('input-validation/invalid-payloads', /POST \/v2\/uploads shows file path .* path-traversal/)).toHaveLength(1);
    const sqlLeak = failing(run, 'input-validation/invalid-payloads', /POST \/v2\/orders shows/)[0]!;
    expect(sqlLeak.evidence.notes!.join('\n')).toMatch(/sql-injection: SQL quote characters .* → HTTP 500\n {2}curl -i -X POST/);
    expect(sqlLeak.evidence.reproduce).toMatch(/^curl -i -X POST .*\/v2\/orders'$/);
    const huge = failing(run, 'input-validation/invalid-payloads', /did not answer/)[0]!;
    // A 12 kB body is rebuilt by a one-liner instead of being pasted into the report.
    expect(huge.evidence.reproduce).toContain(`--data-binary "$(node -e 'process.stdout.write(JSON.stringify(Object.assign(`);
    expect(huge.evidence.reproduce!.length).toBeLessThan(2000);

    // User enumeration by timing (login) and by body (forgot password).
    expect(titles('authentication/user-enumeration', /POST \/v2\/users\/login reveals .* response time/)).toHaveLength(1);
    expect(titles('authentication/user-enumeration', /POST \/v2\/account\/password\/forgot reveals .* different response body/)).toHaveLength(1);

    // Rate limiting: signup and reset never throttle; the login limit trusts X-Forwarded-For.
    expect(titles('rate-limiting/brute-force', /POST \/v2\/users\/register created 12 accounts/)).toHaveLength(1);
    expect(titles('rate-limiting/brute-force', /POST \/v2\/account\/password\/forgot .*without throttling/)).toHaveLength(2);
    expect(titles('rate-limiting/forwarded-for-bypass', /POST \/v2\/users\/login: a made-up X-Forwarded-For resets/).length).toBeGreaterThan(0);

    // CSRF with a SameSite=None cookie, and both webhook mistakes.
    expect(titles('cors-csrf/csrf', /PATCH \/v2\/me succeeds without a CSRF token .*SameSite=None/)).toHaveLength(1);
    expect(failing(run, 'cors-csrf/csrf')[0]!.severity).toBe('high');
    expect(titles('deployment/webhook-signatures', /\/hooks\/github accepts an unsigned delivery \(no X-Hub-Signature-256\)/)).toHaveLength(1);
    expect(titles('deployment/webhook-signatures', /\/hooks\/slack accepts a correctly signed delivery with a timestamp 60 minutes old/)).toHaveLength(1);
    expect(titles('deployment/webhook-signatures', /wrong secret/)).toEqual([]);
    // The configured identities were never burst: their own login plus two enumeration samples each.
    for (const u of s.users) expect(s.received.filter((r) => r.path.endsWith('/login') || r.path.endsWith('/session')).filter((r) => r.body.includes(u.username) || r.body.includes(encodeURIComponent(u.username))).length).toBeLessThanOrEqual(1 + 2);
    // No secret reaches the report.
    expect(JSON.stringify(run.findings)).not.toContain(s.githubSecret);
    expect(JSON.stringify(run.findings)).not.toContain(s.users[0]!.password);
  }, 30_000);

  it('the correct build passes every abuse check', async () => {
    const s = await shop(false);
    const run = await runAbuse(bookshopConfig(s), { abuse: SMALL });
    expect(problems(run)).toEqual([]);
    expect(run.findings.filter((f) => f.status === 'pass').map((f) => f.check)).toEqual(
      expect.arrayContaining(['authentication/user-enumeration', 'input-validation/invalid-payloads', 'rate-limiting/brute-force', 'rate-limiting/forwarded-for-bypass', 'cors-csrf/csrf', 'deployment/webhook-signatures']),
    );
  }, 30_000);
});

describe('bounds, counted on the server', () => {
  it('each burst sends at most burstSize requests per endpoint and mode (plus one X-Forwarded-For probe after a throttle)', async () => {
    const s = await shop(true);
    const before = s.total();
    const run = await runAbuse(bookshopConfig(s, { behindProxy: true }), { checks: [bruteForceThrottling, forwardedForBypass], abuse: { burstSize: 9 } });
    // Setup: the OpenAPI document, two logins and two verifications.
    const setup = 5;
    expect(s.count('POST /v2/users/register')).toBeLessThanOrEqual(1 + 9); // the throw-away account + one burst, never throttled
    expect(s.count('POST /v2/account/password/forgot')).toBe(9 + 9); // two bursts, never throttled: exactly the bound
    expect(s.count('POST /v2/users/login')).toBeLessThanOrEqual(1 + 2 * 9 + 2); // identity login + two bursts + two probes
    expect(s.total() - before).toBe(run.requests);
    expect(s.total() - before - setup).toBeLessThanOrEqual(1 + 3 * 2 * 9 + 3 * 2);
  });

  it('a burst stops at its time bound even when the endpoint is slow and never throttles', async () => {
    const s = await shop(true, { flawed: true, loginLatencyMs: 150 });
    const run = await runAbuse(bookshopConfig(s, { behindProxy: false, api: { openapi: `${s.url}/v2/swagger.json`, exclude: ['/v2/users/register', '/v2/account/*/*'] } }), {
      checks: [bruteForceThrottling],
      abuse: { burstSize: 30, burstEndpointMs: 500 },
    });
    // 500 ms at 150 ms per answer: the per-account burst sends ≤ 5, the per-IP one is out of time after its first.
    expect(s.count('POST /v2/users/login')).toBeLessThanOrEqual(1 + 5 + 1);
    expect(run.wallMs).toBeLessThan(3000);
    expect(run.findings.some((f) => f.status === 'warn' && /time bound/.test(f.title))).toBe(true);
  });

  it('the fuzzer stops at its request bound', async () => {
    const s = await shop(false);
    const run = await runAbuse(bookshopConfig(s), { checks: [invalidPayloads], abuse: { ...SMALL, fuzzMaxRequests: 25 } });
    // Everything but the setup (the OpenAPI document, the landing page, two logins, two verifications).
    const identityLogins = new Set(s.users.map((u) => JSON.stringify({ username: u.username, password: u.password })).concat(s.users.map((u) => new URLSearchParams(u).toString())));
    const fuzzed = s.received.filter((r) => r.method !== 'GET' && !identityLogins.has(r.body));
    expect(fuzzed.length).toBeGreaterThan(20);
    expect(fuzzed.length).toBeLessThanOrEqual(25);
    expect(s.total()).toBe(run.requests);
    const pass = run.findings.find((f) => f.check === 'input-validation/invalid-payloads')!;
    expect(pass.evidence.notes!.join('\n')).toMatch(/stopped early at the 25-request bound/);
  });

  it('the fuzzer stops at its time bound, hangs included', async () => {
    const s = await shop(true);
    const run = await runAbuse(bookshopConfig(s), { checks: [invalidPayloads], abuse: { ...SMALL, fuzzDeadlineMs: 300, fuzzRequestTimeoutMs: 400 } });
    // The deadline is checked before each request: at most one request timeout past it, plus clean-up.
    expect(run.wallMs).toBeLessThan(300 + 400 + 1500);
    const f = run.findings.find((x) => x.check === 'input-validation/invalid-payloads' && x.evidence.notes?.some((n) => /stopped early at the 300 ms bound/.test(n)));
    expect(f).toBeDefined();
  });
});

describe('the fuzzer is deterministic for a seed', () => {
  const fuzzRequests = (s: Bookshop): string[] => s.received.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.body}`);

  it('sends the same requests for the same seed, and different ones for another', async () => {
    const runs: string[][] = [];
    for (const seed of [7, 7, 8]) {
      const s = await shop(false);
      await runAbuse(bookshopConfig(s), { checks: [invalidPayloads], seed, abuse: SMALL });
      runs.push(fuzzRequests(s));
    }
    expect(runs[0]!.length).toBeGreaterThan(30);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[0]);
  });
});
