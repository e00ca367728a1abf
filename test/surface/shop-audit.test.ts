import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { auditConfig } from './run.js';
import { SHOP_FLAWS, shopSpaConfig, startShopSpa, type ShopSpa } from '../fixtures/shop-spa/server.js';

/**
 * Done-when of issue 13: an app with no OpenAPI document, audited from its URL and two logins only,
 * has its access-control flaws found by the existing authorization checks — the routes come from
 * the crawl — and the same app with the flaws fixed is not flagged.
 */

type Result = Awaited<ReturnType<typeof auditConfig>>;
const failed = (r: Result, check: string): Finding[] => r.findings.filter((f) => f.check === check && f.status === 'fail');

describe('an audit given only the URL and two logins of an app without an OpenAPI document', () => {
  let app: ShopSpa;
  let result: Result;
  beforeAll(async () => {
    app = await startShopSpa(SHOP_FLAWS);
    result = await auditConfig(shopSpaConfig(app), undefined, { maxRequests: 3000 });
  }, 180_000);
  afterAll(() => app?.close());

  it('finds the cross-company order read (BOLA) on the route the crawl learnt', () => {
    const bola = failed(result, 'authorization/bola');
    expect(bola.map((f) => `${f.location.method} ${f.location.url}`)).toEqual([`GET ${app.url}/api/orders/{orderId}`]);
  });

  it('finds the admin-only user list a member can call (BFLA), learnt from the script', () => {
    expect(failed(result, 'authorization/bfla').map((f) => f.location.url)).toEqual([`${app.url}/api/admin/users`]);
  });

  it('does not flag the invoice route that checks the company', () => {
    expect(result.findings.filter((f) => f.status === 'fail' && f.location.url?.includes('/api/invoices'))).toEqual([]);
  });

  it('leaves every order as it found it', () => {
    expect([...app.orders.values()].map((o) => `${o.id}:${o.status}`)).toEqual(['8127:open', '8128:open', '9301:open']);
  });
});

describe('the same app with its flaws fixed', () => {
  let app: ShopSpa;
  let result: Result;
  beforeAll(async () => {
    app = await startShopSpa([]);
    result = await auditConfig(shopSpaConfig(app), undefined, { maxRequests: 3000 });
  }, 180_000);
  afterAll(() => app?.close());

  it('raises no access-control failure', () => {
    expect(result.findings.filter((f) => f.status === 'fail' && f.area === 'authorization')).toEqual([]);
    // …and it did test the order route (a pass, not a skip for lack of routes).
    expect(result.findings.find((f) => f.check === 'authorization/bola' && f.status === 'pass')).toBeDefined();
  });
});
