import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../../src/browser/chromium.js';
import { pageLcp } from '../../src/checks/performance/page-lcp.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { runChecks } from '../../src/engine/runner.js';
import { HttpClient } from '../../src/net/http.js';
import { CHROMIUM } from '../helpers.js';

/**
 * A site with a light landing page and a heavy one: the heavy page puts a 600 KB script in <head>
 * (render-blocking), which takes seconds on the emulated slow-4G phone.
 */
const HEAVY_SCRIPT = `window.payload = ${JSON.stringify('x'.repeat(600_000))};`;
const page = (head: string, body: string): string => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">${head}<title>t</title></head><body>${body}</body></html>`;

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"ok":true}');
    }
    if (req.url === '/heavy.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' });
      return res.end(HEAVY_SCRIPT);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    if (req.url === '/heavy') return res.end(page('<script src="/heavy.js"></script>', '<h1>Invoices for your clients</h1><p>Everything in one portal.</p>'));
    if (req.url === '/third-party') return res.end(page('', '<h1>Hello</h1><img src="http://203.0.113.9/pixel.gif" alt="">'));
    return res.end(page('', '<h1>Invoices for your clients</h1><p>Everything in one portal.</p>'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function judge(landing: string) {
  const config = ConfigSchema.parse({ target: base, pages: { landing } });
  const http = new HttpClient({ maxRequests: 10, rate: 10, timeoutMs: 5000, maxBodyBytes: 1 << 20 });
  try {
    const run = await runChecks({
      checks: [pageLcp],
      config,
      configDir: '.',
      target: { baseUrl: new URL(base), isDevelopment: true },
      http,
      options: { allowWrites: false, seed: 1 },
      env: {},
      checkDeadlineMs: 60_000,
      runDeadlineMs: 60_000,
      services: { loadSettings: { browserRuns: 3 } },
    });
    return run.findings;
  } finally {
    await http.close();
  }
}

describe.skipIf(!CHROMIUM)('landing-page LCP in headless Chromium under mobile emulation', () => {
  it('passes a light landing page, reporting the median and range of three runs', async () => {
    const [f] = await judge('/');
    expect(f?.status).toBe('pass');
    expect(f?.evidence.notes?.join('\n')).toMatch(/median of 3 runs: LCP (?:\d+ ms|\d+\.\d\d s) \(range (?:\d+ ms|\d+\.\d\d s)–(?:\d+ ms|\d+\.\d\d s)\)/);
    expect(f?.evidence.notes?.[1]).toMatch(/^mode: Lighthouse 12 mobile, DevTools throttling .*412×823 at 1.75×, CPU 4× slower, 150 ms round trip, 1.6 Mbps down \/ 750 kbps up \(DevTools told 562.5 ms latency, 1474.56 \/ 675 kbps\)/);
    // Every run says why it stopped observing.
    expect(f?.evidence.notes?.join('\n')).toMatch(/run 1: .*ended: page went quiet/);
  });

  it('fails a landing page whose large render-blocking script delays the main content past 2.5 s', async () => {
    const findings = await judge('/heavy');
    const f = findings.find((x) => x.check === 'performance/page-lcp' && x.status !== 'warn');
    expect(f?.status).toBe('fail');
    expect(f?.title).toMatch(/takes \d\.\d\d s to show its main content on a phone/);
    // The evidence names the JavaScript weight that caused it.
    expect(f?.evidence.notes?.join('\n')).toMatch(/JavaScript 586 KB/);
  });
});

describe.skipIf(!CHROMIUM)('landing-page LCP on an API-only target', () => {
  it('skips (not passes) a landing URL that answers JSON instead of a page', async () => {
    const [f] = await judge('/api');
    expect(f?.status).toBe('skip');
    expect(f?.reason).toMatch(/not HTML \(application\/json\)/);
  });
});

describe.skipIf(!CHROMIUM)('the Chromium launcher under the loopback guard', () => {
  let chromium: LaunchedChromium;
  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(() => chromium?.close());

  it('refuses a page subresource on a non-loopback address and still loads the page', async () => {
    expect(chromium.guarded).toBe(true);
    const context = await chromium.newContext();
    const tab = await context.newPage();
    await tab.goto(`${base}/third-party`);
    expect(await tab.textContent('h1')).toBe('Hello');
    expect(chromium.blocked).toContain('http://203.0.113.9/pixel.gif');
    await context.close();
  });

  it('cannot reach a non-loopback host even from a context made without the route guard', async () => {
    const context = await chromium.browser.newContext();
    const tab = await context.newPage();
    // The dead proxy and the resolver rules stop what route interception would not see.
    await expect(tab.goto('http://203.0.113.9/', { timeout: 10_000 })).rejects.toThrow(/ERR_PROXY_CONNECTION_FAILED|ERR_NAME_NOT_RESOLVED|ERR_TUNNEL/);
    await expect(tab.goto('http://example.com/', { timeout: 10_000 })).rejects.toThrow(/ERR_/);
    await context.close();
  });
});
