import { afterEach, describe, expect, it } from 'vitest';
import { pathQueryInjection } from '../../src/checks/input-validation/path-query-injection.js';
import { denialOfService } from '../../src/checks/input-validation/denial-of-service.js';
import { invalidPayloads } from '../../src/checks/input-validation/invalid-payloads.js';
import { startCatalog, type Catalog } from './fixtures/catalog-api.js';
import { failing, problems, runAbuse } from './run.js';

/**
 * Injection in path segments and query parameters against a real SQLite database: every planted
 * flaw is found with its proof (the request pair and a curl for each), the correct build is clean.
 */
let shops: Catalog[] = [];
afterEach(async () => {
  await Promise.all(shops.map((s) => s.close()));
  shops = [];
});
async function catalog(flawed: boolean): Promise<Catalog> {
  const s = await startCatalog({ flawed });
  shops.push(s);
  return s;
}
const configOf = (s: Catalog) => ({ target: s.url, api: { openapi: `${s.url}/openapi.json` } });
const checks = [pathQueryInjection, denialOfService];

describe('SQL injection in a path segment and in query parameters (SQLite)', () => {
  it('finds each with proof: boolean pair differs while the control pair matches, arithmetic, and the database error', async () => {
    const s = await catalog(true);
    const run = await runAbuse(configOf(s), { checks });
    const titles = failing(run, 'input-validation/path-query-injection').map((f) => f.title);
    // Path segment: numeric context (unquoted id).
    expect(titles).toContainEqual(expect.stringMatching(/^GET \/api\/products\/\{id\}: SQL injection in the path parameter "id" — an appended AND 1=1 answers like the base value/));
    // Query parameter, quoted context: the differential is the only proof (errors are a generic 500).
    expect(titles).toContainEqual(expect.stringMatching(/^GET \/api\/products: SQL injection in the query parameter "category" — a true condition/));
    // LIKE '%…%' with errors swallowed: blind, still proven by the pair.
    expect(titles).toContainEqual(expect.stringMatching(/^GET \/api\/search: SQL injection in the query parameter "q"/));
    const path = failing(run, 'input-validation/path-query-injection', /products\/\{id\}/)[0]!;
    expect(path.severity).toBe('critical');
    const notes = path.evidence.notes!.join('\n');
    expect(notes).toMatch(/base value "7" \(the first item of GET \/api\/products\)/);
    expect(notes).toMatch(/num-true: "7 AND 1=1" → HTTP 200/);
    expect(notes).toMatch(/num-false: "7 AND 1=2" → HTTP 404/);
    expect(notes).toMatch(/curl -i -X GET .*\/api\/products\/7%20AND%201%3D2'/);
    expect(problems(run).filter((p) => /lookup|login/.test(p))).toEqual([]);
  }, 30_000);

  it('the correct build (parameterised queries, typed ids) gives no finding and stays within its bounds', async () => {
    const s = await catalog(false);
    const run = await runAbuse(configOf(s), { checks, abuse: { injectionMaxRequests: 120 } });
    expect(problems(run)).toEqual([]);
    expect(run.findings.find((f) => f.check === 'input-validation/path-query-injection')?.status).toBe('pass');
    expect(s.received.filter((r) => r.url.startsWith('/api/')).length).toBeLessThanOrEqual(120 + 1);
  }, 30_000);
});

describe('a route named only under endpoints:', () => {
  it('is fuzzed with the login body shape of the identity config (with a made-up account, never the real one)', async () => {
    const s = await catalog(false);
    const config = {
      target: s.url,
      api: { routes: ['GET /api/products'] },
      endpoints: { login: 'POST /api/login' },
      identities: { ada: { login: { kind: 'json', url: '/api/login', json: { email: s.users[0]!.email, password: s.users[0]!.password }, tokenPath: '/token' } } },
    };
    const run = await runAbuse(config, { checks: [invalidPayloads], abuse: { hugeStringLength: 2048 } });
    const logins = s.received.filter((r) => r.method === 'POST' && r.url === '/api/login');
    expect(logins.length).toBeGreaterThan(5);
    const f = run.findings.find((x) => x.check === 'input-validation/invalid-payloads')!;
    expect(f.status).toBe('pass');
    expect(f.title).toMatch(/^1 write routes answered \d+ invalid payloads/);
  }, 30_000);
});

describe('duplicate JSON keys on an authorization field', () => {
  it('a server that checks the first "role" and uses the last is a medium finding; the correct build is not flagged', async () => {
    const bad = await catalog(true);
    const good = await catalog(false);
    const cfg = (s: Catalog) => ({ target: s.url, api: { openapi: `${s.url}/openapi.json` } });
    const flawedRun = await runAbuse(cfg(bad), { checks: [invalidPayloads], allowWrites: true, abuse: { hugeStringLength: 2048 } });
    const dup = failing(flawedRun, 'input-validation/invalid-payloads', /POST \/api\/team\/members accepts "role" twice in one object \("member", then "lr\w+-dup"\) and uses the last one/);
    expect(dup).toHaveLength(1);
    expect(dup[0]!.severity).toBe('medium');
    const goodRun = await runAbuse(cfg(good), { checks: [invalidPayloads], allowWrites: true, abuse: { hugeStringLength: 2048 } });
    expect(goodRun.findings.filter((f) => /twice in one object/.test(f.title))).toEqual([]);
  }, 30_000);
});
