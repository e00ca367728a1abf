import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { undocumentedEndpoints } from '../../src/checks/deployment/undocumented-endpoints.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { auditConfig } from './run.js';
import { richReport } from '../fixtures/reports/rich-report.js';
import { shopSpaConfig, startShopSpa, type ShopSpa } from '../fixtures/shop-spa/server.js';

/**
 * The same app with an OpenAPI document that lists only some of its routes: the inventory merges
 * OpenAPI and crawl, every route says where it came from, the routes only the crawl found are
 * reported as undocumented (low when they look internal), and the report shows a surface section.
 */

describe('an OpenAPI document that lists a fraction of the routes', () => {
  let app: ShopSpa;
  let result: Awaited<ReturnType<typeof auditConfig>>;
  beforeAll(async () => {
    app = await startShopSpa();
    const dir = mkdtempSync(join(tmpdir(), 'lr13-'));
    const doc = {
      openapi: '3.0.3',
      info: { title: 'Shop', version: '1' },
      paths: { '/api/me': { get: { responses: { '200': { description: 'me' } } } }, '/api/orders': { get: { responses: { '200': { description: 'list' } } } }, '/api/orders/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true }], responses: { '200': { description: 'one' } } } } },
    };
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
    result = await auditConfig({ ...shopSpaConfig(app), api: { openapi: join(dir, 'openapi.json'), crawl: { maxPages: 12, seconds: 60 } } }, [undocumentedEndpoints], { maxRequests: 2000 });
  }, 120_000);
  afterAll(() => app?.close());

  it('reports the routes only the crawl and the scripts found, and not the documented ones', () => {
    const warned = result.findings.filter((f) => f.check === 'deployment/undocumented-endpoints' && f.status === 'warn');
    const titles = warned.map((f) => `${f.severity} ${f.location.method} ${f.location.url!.slice(app.url.length)}`);
    expect(titles).toEqual(expect.arrayContaining(['low GET /api/admin/users', 'info GET /api/invoices', 'info GET /api/orders/{orderId}/items']));
    expect(titles.some((t) => /GET \/api\/orders$|GET \/api\/me$|GET \/api\/orders\/\{orderId\}$/.test(t))).toBe(false);
    expect(titles).toContain('info DELETE /api/orders/{orderId}');
  });

  it('contributes a surface summary: routes per source, the crawl numbers, and the undocumented list', () => {
    const surface = result.contributions.facts!['surface'] as { bySource: Record<string, number>; undocumented: string[]; crawl: { pages: number; requests: number; ms: number } };
    expect(surface.bySource['openapi']).toBe(3);
    expect(surface.bySource['crawl']).toBeGreaterThanOrEqual(6);
    expect(surface.undocumented.some((u) => /^GET \/api\/invoices\/\{invoiceId\} \(.*crawl/.test(u))).toBe(true);
    expect(surface.crawl.pages).toBeGreaterThan(3);
    expect(surface.crawl.requests).toBeGreaterThan(0);

    const report = { ...richReport(), facts: { ...richReport().facts, surface } };
    const text = renderText(report, { color: false, verbose: true });
    expect(text).toMatch(/API surface:\n {2}\d+ route\(s\) — by source: OpenAPI 3, .*crawl \d+/);
    expect(text).toMatch(/Crawl: \d+ page\(s\) \(.*as alice.*\), \d+ API call\(s\) recorded, \d+ of \d+ reserved request\(s\)/);
    expect(renderMarkdown(report)).toContain('## API surface');
    const html = renderHtml(report);
    expect(html).toContain('<section class="card" id="surface"');
    expect(html).toContain('<code>GET /api/admin/users (bundle)</code>');
  });
});
