import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/browser/chromium.js';
import { routesFromRecordedCalls } from '../../src/surface/recorded.js';
import { callsFromPlaywrightTrace } from '../../src/surface/trace.js';
import { startShopSpa } from '../fixtures/shop-spa/server.js';

describe('a Playwright trace the user recorded', () => {
  it('gives routes the same way a HAR and the crawl do', async () => {
    const app = await startShopSpa();
    const chromium = await launchChromium();
    const dir = mkdtempSync(join(tmpdir(), 'lr13-trace-'));
    try {
      const context = await chromium.newContext();
      // Playwright records the network in a trace together with DOM snapshots (as `--trace on` does).
      await context.tracing.start({ screenshots: false, snapshots: true });
      const page = await context.newPage();
      await page.goto(`${app.url}/login`);
      await page.fill('input[name=email]', app.users.alice.email);
      await page.fill('input[name=password]', app.users.alice.password);
      await page.click('button[type=submit]');
      await page.waitForURL(`${app.url}/app`);
      // The order list is fetched after the page loads: let it finish before moving on (it was sometimes cut off).
      await page.waitForLoadState('networkidle');
      await page.goto(`${app.url}/app/orders/8127`);
      await page.waitForLoadState('networkidle');
      await context.tracing.stop({ path: join(dir, 'trace.zip') });
      await context.close();
      const calls = callsFromPlaywrightTrace(readFileSync(join(dir, 'trace.zip')));
      const routes = routesFromRecordedCalls(calls, { origin: app.url, source: 'har' }).routes.map((r) => `${r.method} ${r.path}`);
      expect(routes).toEqual(expect.arrayContaining(['POST /api/session', 'GET /api/me', 'GET /api/orders', 'GET /api/orders/{orderId}']));
      expect(routes.some((r) => r.includes('/static/') || r === 'GET /login')).toBe(false);
    } finally {
      await chromium.close();
      await app.close();
    }
  }, 90_000);

  it('names the problem when the file is not a trace', () => {
    expect(() => callsFromPlaywrightTrace(Buffer.from('PK\u0003\u0004 broken'))).toThrow(/not a zip archive|corrupt/);
  });
});
