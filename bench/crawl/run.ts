/**
 * Crawl and internal-path benchmark: pages, requests (counted by launchready and seen by the
 * server) and seconds of the Chromium crawl on each fixture app, and requests/seconds of the
 * internal-path probe. Loopback only.
 *
 *   LAUNCHREADY_LOOPBACK_ONLY=1 npx tsx bench/crawl/run.ts
 */
import { internalPathChecks } from '../../src/checks/deployment/internal-paths.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { runChecks } from '../../src/engine/runner.js';
import { HttpClient } from '../../src/net/http.js';
import { crawl, CRAWL_DEFAULTS } from '../../src/surface/crawl.js';
import { routesFromRecordedCalls } from '../../src/surface/recorded.js';
import { startCatchAll, startExposed } from '../../test/fixtures/internal-paths/server.js';
import { startLinkFarm } from '../../test/fixtures/link-farm/server.js';
import { shopSpaConfig, startShopSpa } from '../../test/fixtures/shop-spa/server.js';

const rows: string[][] = [['fixture', 'identities', 'pages', 'browser req.', 'server saw', 'API calls', 'routes', 'seconds', 'stopped by']];

async function crawlRow(name: string, url: string, config: ReturnType<typeof ConfigSchema.parse>, serverCount: () => number): Promise<void> {
  const http = new HttpClient({ maxRequests: 3000, rate: 500, timeoutMs: 10_000, maxBodyBytes: 1 << 20 });
  const before = serverCount();
  try {
    const r = await crawl({ base: new URL(url), http, settings: CRAWL_DEFAULTS, identities: Object.entries(config.identities).map(([n, c]) => ({ name: n, config: c })), exclude: [], allowWrites: false });
    const routes = routesFromRecordedCalls(r.calls, { origin: new URL(url).origin, source: 'crawl' }).routes;
    rows.push([name, String(Object.keys(config.identities).length), String(r.pages.length), `${r.requests}/${r.allowance}`, String(serverCount() - before), String(r.calls.length), String(routes.length), (r.ms / 1000).toFixed(1), r.stoppedBy.join(',') || '-']);
  } finally {
    await http.close();
  }
}

async function pathsRow(name: string, url: string, serverCount: () => number): Promise<void> {
  const http = new HttpClient({ maxRequests: 500, rate: 500, timeoutMs: 10_000, maxBodyBytes: 1 << 20 });
  const before = serverCount();
  const t0 = performance.now();
  try {
    const r = await runChecks({ checks: internalPathChecks, config: ConfigSchema.parse({ target: url }), configDir: process.cwd(), target: { baseUrl: new URL(url), isDevelopment: true }, http, options: { allowWrites: false, seed: 1 }, env: {}, checkDeadlineMs: 60_000, runDeadlineMs: 120_000 });
    const fails = r.findings.filter((f) => f.status === 'fail').length;
    rows.push([`${name} (path probe)`, '-', '-', String(http.stats.requests), String(serverCount() - before), '-', `${fails} finding(s)`, ((performance.now() - t0) / 1000).toFixed(1), '-']);
  } finally {
    await http.close();
  }
}

const shop = await startShopSpa();
const shopCount = (): number => shop.log.length;
await crawlRow('shop-spa (no OpenAPI)', shop.url, ConfigSchema.parse(shopSpaConfig(shop)), shopCount);
await crawlRow('shop-spa anonymous', shop.url, ConfigSchema.parse({ target: shop.url }), shopCount);
await shop.close();

const farm = await startLinkFarm({ items: 3000, words: 3000 });
await crawlRow('link-farm (6000 links)', farm.url, ConfigSchema.parse({ target: farm.url }), farm.requests);
await farm.close();

const exposed = await startExposed();
await pathsRow('internal-paths exposed', exposed.url, () => exposed.log.length);
await crawlRow('internal-paths exposed', exposed.url, ConfigSchema.parse({ target: exposed.url }), () => exposed.log.length);
await exposed.close();
const catchAll = await startCatchAll({ echoPath: true });
await pathsRow('catch-all 200', catchAll.url, () => catchAll.log.length);
await crawlRow('catch-all 200', catchAll.url, ConfigSchema.parse({ target: catchAll.url }), () => catchAll.log.length);
await catchAll.close();

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log(`\ncrawl bounds: ${JSON.stringify(CRAWL_DEFAULTS)} (pages per identity; the anonymous pass gets half when identities follow)`);
