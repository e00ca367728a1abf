import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { discover, starterConfig, type Discovery } from '../../src/app/init.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { startShopSpa, type ShopSpa } from '../fixtures/shop-spa/server.js';

describe('init URL crawls the app to fill endpoints and api.routes', () => {
  let app: ShopSpa;
  let d: Discovery;
  beforeAll(async () => {
    app = await startShopSpa();
    d = await discover(app.url, { crawlSeconds: 40 });
  }, 90_000);
  afterAll(() => app?.close());

  it('finds the login (a script-driven form), logout, signup and password-reset endpoints, and says what it could not find', () => {
    expect(d.endpoints).toEqual({ login: '/api/session', logout: '/logout', signup: '/signup', passwordReset: '/api/password/forgot' });
    expect(d.loginPage).toBe('/login');
    expect(d.notes.join(' ')).toMatch(/found no invite, webhooks endpoint/);
    expect(d.crawl!.pages).toBeGreaterThan(2);
  });

  it('lists the API routes the pages call or name, templated', () => {
    expect(d.routes).toEqual(expect.arrayContaining(['GET /api/orders', 'GET /api/orders/{orderId}', 'GET /api/admin/users', 'POST /api/session']));
  });

  it('writes them into a starter config that loads', () => {
    const text = starterConfig(d);
    expect(text).toMatch(/^ {2}login: \/api\/session$/m);
    expect(text).toMatch(/^ {2}passwordReset: \/api\/password\/forgot$/m);
    expect(text).toMatch(/^ {2}# invite:/m);
    const config = ConfigSchema.parse(parseYaml(text));
    expect(config.api.routes).toContain('GET /api/orders/{orderId}');
    expect(config.endpoints.signup).toBe('/signup');
  });

  it('never wrote anything on the app while looking', () => {
    expect(app.log.filter((l) => l.method !== 'GET' && l.method !== 'HEAD')).toEqual([]);
  });
});
