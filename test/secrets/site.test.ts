import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../examples/demo-portal/src/index.js';
import { runAudit } from '../../src/app/audit.js';
import { HttpClient } from '../../src/net/http.js';
import { scanSite } from '../../src/secrets/sources/site.js';

describe('deployed-site secret scan against the demo portal (loopback)', () => {
  let leaky: DemoPortal;
  let clean: DemoPortal;
  beforeAll(async () => {
    [leaky, clean] = await Promise.all([startDemoPortal({ flaws: ['bundle-secret'] }), startDemoPortal({ flaws: 'none' })]);
  });
  afterAll(async () => {
    await Promise.all([leaky?.close(), clean?.close()]);
  });

  it('finds the Stripe key in the served bundle and in its source map, attributed to the original file', async () => {
    const http = new HttpClient({ maxRequests: 50, rate: 100, timeoutMs: 5000, maxBodyBytes: 5 * 1024 * 1024 });
    try {
      const r = await scanSite(http, new URL(leaky.url));
      const stripe = r.hits.filter((h) => h.ruleId === 'stripe-secret-key' && !h.publicByDesign);
      expect(r.scripts.length).toBeGreaterThan(0);
      expect(r.maps.length).toBeGreaterThan(0);
      expect(stripe.some((h) => h.origin.url?.endsWith('.js'))).toBe(true);
      expect(stripe.some((h) => h.origin.via?.endsWith('.map') && !h.origin.path.endsWith('.map'))).toBe(true);
      expect(http.stats.requests).toBeLessThanOrEqual(50);
    } finally {
      await http.close();
    }
  });

  it('audit reports it from the live URL alone, and a clean portal passes', async () => {
    const report = await runAudit({ url: leaky.url, only: ['secrets'], failOn: 'high', env: {}, maxRequests: 100 });
    const deployed = report.findings.filter((f) => f.check === 'secrets/deployed-secret' && f.status === 'fail');
    expect(deployed.length).toBeGreaterThanOrEqual(2);
    expect(deployed.every((f) => f.severity === 'critical')).toBe(true);
    expect(report.verdict).toBe('not-ready');
    const ok = await runAudit({ url: clean.url, only: ['secrets'], failOn: 'high', env: {}, maxRequests: 100 });
    expect(ok.findings.filter((f) => f.check === 'secrets/deployed-secret').map((f) => f.status)).toEqual(['pass']);
  });
});
