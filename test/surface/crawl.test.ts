import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { HttpClient } from '../../src/net/http.js';
import { crawl, crawlableUrl, formKind, type CrawlResult } from '../../src/surface/crawl.js';
import { routesFromHar } from '../../src/surface/har.js';
import { routesFromRecordedCalls } from '../../src/surface/recorded.js';
import type { Route } from '../../src/surface/routes.js';
import { shopSpaConfig, startShopSpa, type ShopSpa } from '../fixtures/shop-spa/server.js';

describe('the Chromium crawl of an app without an OpenAPI document', () => {
  let app: ShopSpa;
  let result: CrawlResult;
  let http: HttpClient;
  let routes: Route[];
  const route = (key: string): Route | undefined => routes.find((r) => `${r.method} ${r.path}` === key);
  beforeAll(async () => {
    app = await startShopSpa();
    const config = ConfigSchema.parse(shopSpaConfig(app));
    http = new HttpClient({ maxRequests: 2000, rate: 500, timeoutMs: 5000, maxBodyBytes: 1 << 20, scope: [app.url] });
    result = await crawl({
      base: new URL(app.url),
      http,
      settings: { maxPages: 20, maxDepth: 3, seconds: 90, maxRequests: 400 },
      identities: Object.entries(config.identities).map(([name, c]) => ({ name, config: c })),
      exclude: ['GET /api/me/settings'],
      allowWrites: false,
    });
    routes = routesFromRecordedCalls(result.calls, { origin: app.url, source: 'crawl' }).routes;
    console.log(`shop-spa crawl: ${result.pages.length} pages, ${result.requests} browser requests, ${(result.ms / 1000).toFixed(1)} s`);
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await app?.close();
  });

  it('logs each identity in through the login form it found on the anonymous pass', () => {
    expect(result.logins).toEqual({ alice: expect.stringMatching(/login form at \/login/), bob: expect.stringMatching(/login form at \/login/) });
    expect(result.pages.filter((p) => p.identity === 'alice').map((p) => new URL(p.url).pathname)).toEqual(expect.arrayContaining(['/app', '/app/orders/8127', '/app/invoices']));
  });

  it('turns the fetch calls into templated routes whose examples say which identity saw which object', () => {
    const order = route('GET /api/orders/{orderId}')!;
    expect(order.source).toBe('crawl');
    const seen = order.examples!.map((e) => `${e.identity}:${e.pathValues?.['orderId']}:${e.status}`).sort();
    expect(seen).toEqual(['alice:8127:200', 'alice:8128:200', 'bob:9301:200']);
    expect(order.examples!.find((e) => e.identity === 'bob')!.responseBody).toContain('Globex hammock');
    expect(order.examples![0]!.responseHeaders?.['content-type']).toMatch(/json/);
    // Denied anonymously, answered for the identities: the route needs credentials.
    expect(route('GET /api/me')?.auth).toBe(true);
    // A button (not a link) opened the items call.
    expect(route('GET /api/orders/{orderId}/items')).toBeDefined();
  });

  it('learns write routes without sending them, never clicks destructive controls and never follows logout', () => {
    const note = route('POST /api/orders/{orderId}/notes')!;
    expect(note.examples!.every((e) => e.status === undefined)).toBe(true);
    expect(result.refused.destructiveClicks.join(' ')).toMatch(/Delete order/);
    expect(result.refused.destructiveClicks.join(' ')).toMatch(/Cancel order/);
    expect(result.refused.destructiveLinks).toEqual([`${app.url}/logout`]);
    const writes = app.log.filter((l) => l.method !== 'GET' && l.method !== 'HEAD');
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual(['POST /api/session', 'POST /api/session']);
    expect(app.log.some((l) => l.path === '/logout')).toBe(false);
    expect([...app.orders.values()].map((o) => `${o.id}:${o.status}`)).toEqual(['8127:open', '8128:open', '9301:open']);
  });

  it('honours api.exclude and stays within its request allowance (the server saw no more than was counted)', () => {
    expect(app.log.some((l) => l.path === '/api/me/settings')).toBe(false);
    expect(result.refused.excluded).toContain('GET /api/me/settings');
    expect(result.requests).toBeLessThanOrEqual(result.allowance);
    expect(app.log.length).toBeLessThanOrEqual(result.requests);
    expect(http.stats.requests).toBe(result.requests);
  });

  it('never keeps a password in what it recorded', () => {
    const text = JSON.stringify(result.calls);
    expect(text).not.toContain(app.users.alice.password);
    expect(text).not.toContain(app.users.bob.password);
    expect(route('POST /api/session')!.examples![0]!.requestBody).toMatch(/redacted/);
  });

  it('reads endpoints from the scripts the pages loaded (the admin call only an admin page would make)', () => {
    expect(result.scriptEndpoints.map((e) => `${e.method} ${e.path}`)).toEqual(expect.arrayContaining(['GET /api/admin/users', 'DELETE /api/orders/{orderId}']));
  });
});

describe('crawl helpers', () => {
  const base = new URL('http://app.test/');
  it('keeps same-origin pages and hash routes, marks logout and action links, drops files and other origins', () => {
    expect(crawlableUrl('/app#top', base)).toEqual({ url: 'http://app.test/app' });
    expect(crawlableUrl('/#/orders/7', base)).toEqual({ url: 'http://app.test/#/orders/7' });
    expect(crawlableUrl('/account/sign-out', base)?.skip).toBe('logout');
    expect(crawlableUrl('/items/7/delete', base)?.skip).toBe('action');
    expect(crawlableUrl('/report.pdf', base)).toBeUndefined();
    expect(crawlableUrl('https://other.test/x', base)).toBeUndefined();
    expect(crawlableUrl('javascript:void(0)', base)).toBeUndefined();
  });

  it('tells login, signup, reset, invite and search forms apart', () => {
    const f = (fields: Array<[string, string]>, label = '', method = 'POST') => formKind({ method, action: '/x', label, fields: fields.map(([name, type]) => ({ name, type })) });
    expect(f([['email', 'email'], ['password', 'password']])).toBe('login');
    expect(f([['email', 'email'], ['password', 'password'], ['password2', 'password']])).toBe('signup');
    expect(f([['name', 'text'], ['email', 'email'], ['password', 'password']])).toBe('signup');
    expect(f([['email', 'email']], 'Forgot your password?')).toBe('password-reset');
    expect(f([['email', 'email']], 'Invite a teammate')).toBe('invite');
    expect(f([['q', 'search']], '', 'GET')).toBe('search');
    expect(f([['title', 'text']], 'New project')).toBeUndefined();
  });
});

describe('HAR import and the crawl are one path', () => {
  it('gives the same routes for the same calls whichever recorded them', () => {
    const calls = [
      { method: 'GET', url: 'http://app.test/api/orders/8127', status: 200, contentType: 'application/json', responseBody: '{"id":8127}' },
      { method: 'GET', url: 'http://app.test/api/orders/8128', status: 200, contentType: 'application/json', responseBody: '{"id":8128}' },
      { method: 'POST', url: 'http://app.test/api/orders', requestBody: '{"title":"x"}', requestContentType: 'application/json', status: 201 },
    ];
    const har = {
      log: {
        entries: calls.map((c) => ({
          request: { method: c.method, url: c.url, headers: [], ...(c.requestBody ? { postData: { mimeType: c.requestContentType, text: c.requestBody } } : {}) },
          response: { status: c.status, headers: c.contentType ? [{ name: 'Content-Type', value: c.contentType }] : [], content: { mimeType: c.contentType ?? '', ...(c.responseBody ? { text: c.responseBody } : {}) } },
        })),
      },
    };
    const fromHar = routesFromHar(har, 'http://app.test').routes.map((r) => ({ ...r, source: 'crawl', sources: ['crawl'] }));
    const fromCalls = routesFromRecordedCalls(calls, { origin: 'http://app.test', source: 'crawl' }).routes;
    expect(fromHar.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/orders/{orderId}', 'POST /api/orders']);
    expect(fromHar.map((r) => r.examples!.map((e) => [e.url, e.status, e.requestBody]))).toEqual(fromCalls.map((r) => r.examples!.map((e) => [e.url, e.status, e.requestBody])));
  });
});

describe('a site with thousands of links', () => {
  it('stays within the page bound and the request allowance, and says which bound stopped it', async () => {
    const { startLinkFarm } = await import('../fixtures/link-farm/server.js');
    const farm = await startLinkFarm({ items: 2000, words: 2000 });
    const http = new HttpClient({ maxRequests: 1000, rate: 500, timeoutMs: 5000, maxBodyBytes: 1 << 20 });
    try {
      const byPages = await crawl({ base: new URL(farm.url), http, settings: { maxPages: 12, maxDepth: 5, seconds: 120, maxRequests: 300 }, identities: [], exclude: [], allowWrites: false });
      expect(byPages.pages.length).toBe(12);
      expect(byPages.stoppedBy).toContain('pages');
      expect(farm.requests()).toBeLessThanOrEqual(byPages.requests);
      // Numbered pages of one template are visited at most twice.
      expect(byPages.pages.filter((p) => /\/items\/\d+$/.test(p.url)).length).toBeLessThanOrEqual(2);

      const before = farm.requests();
      const byBudget = await crawl({ base: new URL(farm.url), http, settings: { maxPages: 500, maxDepth: 5, seconds: 120, maxRequests: 20 }, identities: [], exclude: [], allowWrites: false });
      expect(byBudget.stoppedBy).toContain('budget');
      expect(byBudget.requests).toBeLessThanOrEqual(20);
      expect(farm.requests() - before).toBeLessThanOrEqual(20);
      expect(http.stats.requests).toBe(byPages.requests + byBudget.requests);
    } finally {
      await http.close();
      await farm.close();
    }
  }, 150_000);
});

describe('slug-named objects', () => {
  it('become one route when three or more calls differ only in the last segment under a collection', () => {
    const call = (path: string) => ({ method: 'GET', url: `http://app.test${path}`, status: 200, contentType: 'application/json' });
    const routes = routesFromRecordedCalls([call('/api/pages/about'), call('/api/pages/pricing'), call('/api/pages/team'), call('/api/me'), call('/api/orders'), call('/api/invoices'), call('/api/teams/acme'), call('/api/teams/globex')], { origin: 'http://app.test', source: 'crawl' }).routes;
    expect(routes.map((r) => r.path).sort()).toEqual(['/api/invoices', '/api/me', '/api/orders', '/api/pages/{pageId}', '/api/teams/acme', '/api/teams/globex']);
    expect(routes.find((r) => r.path === '/api/pages/{pageId}')!.examples!.map((e) => e.pathValues?.['pageId'])).toEqual(['about', 'pricing', 'team']);
  });
});

describe('an identity configured with a ready-made session (no login form to drive)', () => {
  it('gets its cookie injected into the browser context and crawls as that identity', async () => {
    const app = await startShopSpa();
    const http = new HttpClient({ maxRequests: 500, rate: 500, timeoutMs: 5000, maxBodyBytes: 1 << 20, scope: [app.url] });
    try {
      const res = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: app.users.bob.email, password: app.users.bob.password }) });
      const sid = /sid=([a-f0-9]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
      const config = ConfigSchema.parse({ target: app.url, identities: { carl: { tenant: 'globex', login: { kind: 'cookie', name: 'sid', value: sid } } } });
      const r = await crawl({ base: new URL(app.url), http, settings: { maxPages: 6, maxDepth: 2, seconds: 60, maxRequests: 200 }, identities: Object.entries(config.identities).map(([name, c]) => ({ name, config: c })), exclude: [], allowWrites: false });
      expect(r.logins['carl']).toMatch(/session was given to the browser \(1 cookie/);
      const mine = r.calls.filter((c) => c.identity === 'carl' && new URL(c.url).pathname === '/api/orders');
      expect(mine.map((c) => c.status)).toContain(200);
      expect(mine.find((c) => c.status === 200)!.responseBody).toContain('Globex hammock');
      expect(JSON.stringify(r.calls)).not.toContain(sid);
    } finally {
      await http.close();
      await app.close();
    }
  }, 90_000);
});
