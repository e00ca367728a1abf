import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../examples/demo-portal/src/index.js';
import { coreActionLatency } from '../../src/checks/performance/core-action-latency.js';
import { loadConfigFile } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { runChecks } from '../../src/engine/runner.js';
import { HttpClient } from '../../src/net/http.js';

const DEMO_CONFIG = new URL('../../examples/demo-portal/launchready.yml', import.meta.url).pathname;

/** The demo's own config, pointed at a fresh portal, with a load phase short enough for a test. */
async function auditPerformance(portal: DemoPortal) {
  const { config, dir } = loadConfigFile(DEMO_CONFIG, {});
  // The latency judgement is under test, not discovery: no Chromium crawl of the portal first.
  const short: Config = { ...config, target: portal.url, api: { ...config.api, crawl: false }, load: { ...config.load!, rate: 20, duration: '2s', warmup: '300ms' } };
  const base = new URL(portal.url);
  const http = new HttpClient({ maxRequests: 500, rate: 100, timeoutMs: 5000, maxBodyBytes: 1 << 20, scope: [base.origin] });
  try {
    return await runChecks({
      checks: [coreActionLatency],
      config: short,
      configDir: dir,
      target: { baseUrl: base, isDevelopment: true },
      http,
      options: { allowWrites: false, seed: 1 },
      env: {},
      checkDeadlineMs: 30_000,
      runDeadlineMs: 40_000,
    });
  } finally {
    await http.close();
  }
}

describe('performance check against the demo portal', () => {
  let slow: DemoPortal;
  let fixed: DemoPortal;
  beforeAll(async () => {
    [slow, fixed] = await Promise.all([startDemoPortal({ flaws: ['slow-endpoint'] }), startDemoPortal({ flaws: 'none' })]);
  });
  afterAll(async () => {
    await Promise.all([slow?.close(), fixed?.close()]);
  });

  it('fails the slow activity report (slow-endpoint flaw) and shows its latency distribution', async () => {
    const run = await auditPerformance(slow);
    const activity = run.findings.find((f) => f.location.url?.endsWith('/api/reports/activity'));
    expect(activity?.status).toBe('fail');
    expect(activity?.title).toMatch(/p95 \d+ ms, over the 500 ms threshold/);
    // The evidence is the distribution, not one number: a bucket line beyond the threshold.
    expect(activity?.evidence.notes?.some((n) => /^≤ 750 ms\s+█/.test(n))).toBe(true);
    // The fast actions of the same run pass, and the latency table has a row per action.
    expect(run.findings.filter((f) => f.status === 'pass').map((f) => f.location.url?.replace(slow.url, ''))).toEqual(expect.arrayContaining(['/api/invoices', '/api/tickets']));
    expect(Object.keys(run.contributions.latency ?? {}).sort()).toEqual(['GET /api/invoices', 'GET /api/reports/activity', 'GET /api/tickets']);
    expect(run.contributions.latency?.['GET /api/reports/activity']?.p95).toBeGreaterThan(500);
  });

  it('passes every core action of the portal built without flaws', async () => {
    const run = await auditPerformance(fixed);
    expect(run.findings.map((f) => [f.location.url?.replace(fixed.url, ''), f.status])).toEqual(
      expect.arrayContaining([
        ['/api/invoices', 'pass'],
        ['/api/reports/activity', 'pass'],
        ['/api/tickets', 'pass'],
      ]),
    );
    expect(run.findings.every((f) => f.status === 'pass')).toBe(true);
    // Authenticated load: every request carried an identity's credentials, none was refused.
    const table = run.contributions.latency ?? {};
    expect(Object.values(table).every((row) => row.errors === 0 && row.count > 5)).toBe(true);
  });
});
