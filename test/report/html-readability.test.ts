import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatencySummary } from '../../src/model/report.js';
import { codeText, renderHtml } from '../../src/report/html.js';
import { fixtureMetas, richReport } from '../fixtures/reports/rich-report.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- page-side code runs in Chromium; no DOM lib in the project's tsconfig */
declare const document: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const CHROMIUM = process.env.LAUNCHREADY_CHROMIUM ?? '/usr/bin/chromium';
const WORK = resolve('test/.work/html-readability');

/** Many narrow buckets with long labels: the case where every-bucket labels used to collide. */
function crowded(): LatencySummary {
  const bounds = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 1500, 2000, 3000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000];
  return { p50: 40, p90: 900, p95: 2100, p99: 9000, max: 59_000, count: 4000, errors: 3, histogram: bounds.map((b, i) => [b, 100 + ((i * 37) % 11) * 20]) };
}

let browser: Browser;
let file: string;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  mkdirSync(WORK, { recursive: true });
  const base = richReport();
  const report = {
    ...base,
    latency: { ...base.latency, 'GET /api/reports/activity?range=last-quarter': crowded() },
    accessMatrix: [
      { method: 'GET', path: '/api/invoices/1', identity: 'alice', expected: '200', observed: '200', verdict: 'ok' as const },
      { method: 'GET', path: '/api/invoices/2', identity: 'alice', expected: '404', observed: '200', verdict: 'leak' as const },
      { method: 'GET', path: '/api/files/9', identity: 'bob', expected: '403', observed: '—', verdict: 'not-tested' as const },
      { method: 'DELETE', path: '/api/users/3', identity: 'bob', expected: '403', observed: '204', verdict: 'leak' as const },
    ],
  };
  file = join(WORK, 'report.html');
  writeFileSync(file, renderHtml(report, fixtureMetas));
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('the HTML report reads well', () => {
  for (const width of [360, 800, 1400]) {
    it(`latency histogram axis labels never overlap and stay inside their chart at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, offline: true });
      try {
        const page = await context.newPage();
        await page.goto(pathToFileURL(file).href);
        /* eslint-disable @typescript-eslint/no-explicit-any -- DOM nodes inside page.evaluate */
        const charts = await page.evaluate(() =>
          Array.from(document.querySelectorAll('figure.latency svg') as ArrayLike<any>).map((svg: any) => {
            const box = svg.getBoundingClientRect();
            return {
              svg: { left: box.left, right: box.right },
              labels: Array.from(svg.querySelectorAll('text.axis-label') as ArrayLike<any>).map((t: any) => {
                const r = t.getBoundingClientRect();
                return { text: t.textContent as string, left: r.left as number, right: r.right as number };
              }),
            };
          }),
        );
        /* eslint-enable @typescript-eslint/no-explicit-any */
        const histograms = charts.filter((c) => c.labels.length > 0);
        expect(histograms.length).toBeGreaterThanOrEqual(3);
        for (const c of histograms) {
          for (let i = 1; i < c.labels.length; i++) expect(c.labels[i]!.left, `${c.labels[i - 1]!.text} / ${c.labels[i]!.text}`).toBeGreaterThanOrEqual(c.labels[i - 1]!.right);
          for (const l of c.labels) {
            expect(l.left).toBeGreaterThanOrEqual(c.svg.left - 0.5);
            expect(l.right).toBeLessThanOrEqual(c.svg.right + 0.5);
          }
        }
        // The crowded one is thinned, not dropped: first bucket labelled, several in all.
        const crowdedLabels = histograms.map((c) => c.labels.map((l) => l.text)).find((t) => t.includes('≤1 ms'))!;
        expect(crowdedLabels.length).toBeGreaterThan(3);
        expect(crowdedLabels.length).toBeLessThan(20);
      } finally {
        await context.close();
      }
    });
  }

  it('the access matrix lists leaks first', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href);
      const verdicts = await page.locator('#access-matrix tbody tr td:last-child').allTextContents();
      expect(verdicts).toEqual(['Leak', 'Leak', 'Not tested', 'OK']);
    } finally {
      await context.close();
    }
  });

  it('fixes render `backticks` as code, and stay escaped', () => {
    expect(codeText('Pin the algorithm (`jwt.verify(token, key, { algorithms: ["HS256"] })`); reject "none".')).toBe(
      'Pin the algorithm (<code>jwt.verify(token, key, { algorithms: [&quot;HS256&quot;] })</code>); reject &quot;none&quot;.',
    );
    expect(codeText('`<script>x</script>` and <b>')).toBe('<code>&lt;script&gt;x&lt;/script&gt;</code> and &lt;b&gt;');
    const base = richReport();
    const report = { ...base, findings: base.findings.map((f) => (f.status === 'fail' ? { ...f, fix: 'Scope every query (`WHERE org_id = :session_org`).' } : f)) };
    const html = renderHtml({ ...report, blockerGroups: undefined }, fixtureMetas);
    expect(html).toContain('<p class="fix-box">Scope every query (<code>WHERE org_id = :session_org</code>).</p>');
    expect(html).toContain('<p class="fix"><strong>Fix:</strong> Scope every query (<code>WHERE org_id = :session_org</code>).</p>');
  });
});
