import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../examples/demo-portal/src/index.js';
import { bruteForceThrottling } from '../../src/checks/rate-limiting/brute-force.js';
import { forwardedForBypass } from '../../src/checks/rate-limiting/forwarded-for-bypass.js';
import { loadConfigFile } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { DEMO_CONFIG } from '../helpers.js';
import { failing, problems, runAbuse, type AbuseRun } from './run.js';

/**
 * The demo portal's abuse flaws (no-csrf, no-rate-limit-login, no-rate-limit-reset,
 * rate-limit-trusts-xff, user-enumeration-reset, stack-trace, webhook-unsigned, webhook-replay)
 * are each found by the abuse checks with the default bounds; the flawless build gives none of
 * them; and the whole abuse phase stays small and quick, counted by the portal.
 */
function demoConfig(url: string): Config {
  return { ...loadConfigFile(DEMO_CONFIG, {}).config, target: url };
}

const count = (p: DemoPortal, route: string): number => p.stats.byRoute.get(route) ?? 0;

describe('the demo portal with every flaw', () => {
  let portal: DemoPortal;
  let run: AbuseRun;
  beforeAll(async () => {
    portal = await startDemoPortal({ flaws: 'all' });
    run = await runAbuse(undefined, { config: demoConfig(portal.url), rate: 100 });
    const facts = run.contributions.facts as Record<string, { requests: number; wallMs: number }>;
    console.log(`demo abuse phase (all flaws): ${run.requests} requests, ${Math.round(run.wallMs)} ms; ${Object.entries(facts).map(([k, v]) => `${k} ${v.requests} req/${v.wallMs} ms`).join(', ')}`);
  }, 60_000);
  afterAll(() => portal?.close());

  it('finds every abuse flaw', () => {
    expect(failing(run, 'cors-csrf/csrf', /PATCH \/api\/me succeeds without a CSRF token/)).toHaveLength(1);
    expect(failing(run, 'rate-limiting/brute-force', /POST \/api\/login let 30 wrong passwords for one account through/)).toHaveLength(1);
    expect(failing(run, 'rate-limiting/brute-force', /POST \/api\/password-reset .*without throttling/)).toHaveLength(2);
    expect(failing(run, 'rate-limiting/forwarded-for-bypass', /POST \/login: a made-up X-Forwarded-For resets/).length).toBeGreaterThan(0);
    expect(failing(run, 'authentication/user-enumeration', /POST \/api\/password-reset reveals which accounts exist .*HTTP 200 for existing accounts, HTTP 404 for unknown/)).toHaveLength(1);
    expect(failing(run, 'input-validation/invalid-payloads', /POST \/api\/tickets shows stack trace and sql error/)).toHaveLength(1);
    expect(failing(run, 'deployment/webhook-signatures', /unsigned delivery/)).toHaveLength(1);
    expect(failing(run, 'deployment/webhook-signatures', /60 minutes old/)).toHaveLength(1);
  });

  it('uses throw-away accounts, never the configured identities, for the bursts', () => {
    const perAccount = failing(run, 'rate-limiting/brute-force', /one account/);
    expect(perAccount.length).toBeGreaterThan(0);
    for (const f of perAccount) expect(f.title).toMatch(/throw-away account lr[0-9a-f]{6}-account@example\.com/);
  });

  it('keeps the whole abuse phase within a few seconds and a few hundred requests', () => {
    const facts = run.contributions.facts as Record<string, { requests: number; wallMs: number }>;
    const abuse = Object.values(facts).reduce((s, f) => s + (typeof f.requests === 'number' ? f.requests : 0), 0);
    expect(abuse).toBeLessThan(450);
    expect(run.wallMs).toBeLessThan(20_000);
    expect(portal.stats.requests).toBe(run.requests);
  });
});

describe('the demo portal without flaws', () => {
  it('gives no abuse finding', async () => {
    const portal = await startDemoPortal({ flaws: 'none' });
    try {
      const run = await runAbuse(undefined, { config: demoConfig(portal.url), rate: 100 });
      expect(problems(run)).toEqual([]);
      // Every limit was seen working, not skipped.
      expect(run.findings.filter((f) => f.check === 'rate-limiting/brute-force' && f.status === 'pass').length).toBeGreaterThanOrEqual(7);
    } finally {
      await portal.close();
    }
  }, 60_000);
});

describe('burst bounds on the demo, counted by the portal', () => {
  it('an unthrottled endpoint gets exactly burstSize requests per mode, a throttled one stops at the throttle', async () => {
    const portal = await startDemoPortal({ flaws: ['no-rate-limit-login', 'no-rate-limit-reset'] });
    try {
      const before = { login: count(portal, 'POST /api/login'), web: count(portal, 'POST /login') };
      await runAbuse(undefined, { config: { ...demoConfig(portal.url), behindProxy: false }, checks: [bruteForceThrottling, forwardedForBypass], abuse: { burstSize: 12 } });
      // Identity logins happen once (three identities use POST /api/login); then two bursts of 12.
      expect(count(portal, 'POST /api/login') - before.login).toBe(3 + 2 * 12);
      expect(count(portal, 'POST /api/password-reset')).toBe(2 * 12);
      // The web login throttles after 5 failures per account: the per-account burst stops at the 6th.
      expect(count(portal, 'POST /login') - before.web).toBeLessThanOrEqual(1 + 6 + 12);
      expect(count(portal, 'POST /api/signup')).toBeLessThanOrEqual(1 + 11);
    } finally {
      await portal.close();
    }
  }, 60_000);
});
