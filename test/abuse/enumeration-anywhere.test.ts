import { afterEach, describe, expect, it } from 'vitest';
import { userEnumeration } from '../../src/checks/authentication/user-enumeration.js';
import { startCatalog, type Catalog } from './fixtures/catalog-api.js';
import { failing, problems, runAbuse } from './run.js';

/**
 * User enumeration beyond login and reset: a public lookup by email tells known accounts from
 * unknown ones; the correct build answers every address alike. A failed login answered with 200
 * is its own (low) finding.
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
const configOf = (s: Catalog) => ({
  target: s.url,
  api: { openapi: `${s.url}/openapi.json` },
  endpoints: { login: 'POST /api/login' },
  identities: Object.fromEntries(s.users.map((u, i) => [`user${i}`, { login: { kind: 'json', url: '/api/login', json: { email: u.email, password: u.password }, tokenPath: '/token' } }])),
});

describe('a lookup route that enumerates users', () => {
  it('is found by status, with both answers as proof; a failed login answered 200 is found too', async () => {
    const s = await catalog(true);
    const run = await runAbuse(configOf(s), { checks: [userEnumeration], abuse: { enumerationSamples: 3 } });
    const lookup = failing(run, 'authentication/user-enumeration', /GET \/api\/users\/lookup reveals which accounts exist \(by "email"\): HTTP 200 for existing accounts, HTTP 404 for unknown ones/);
    expect(lookup).toHaveLength(1);
    expect(lookup[0]!.evidence.response).toMatch(/existing account:\nHTTP 200[\s\S]*unknown account:\nHTTP 404/);
    expect(failing(run, 'authentication/user-enumeration', /POST \/api\/login answers a failed login \(wrong password\) with HTTP 200/)).toHaveLength(1);
    // Only lookups of the configured identities and made-up addresses were sent; never more than the samples.
    const lookups = s.received.filter((r) => r.url.startsWith('/api/users/lookup'));
    expect(lookups.length).toBe(6);
  }, 30_000);

  it('the correct build (one answer for every address, 401 on a failed login) is not flagged', async () => {
    const s = await catalog(false);
    const run = await runAbuse(configOf(s), { checks: [userEnumeration], abuse: { enumerationSamples: 3 } });
    expect(problems(run)).toEqual([]);
    expect(run.findings.filter((f) => f.status === 'pass').map((f) => f.title)).toEqual(
      expect.arrayContaining(['GET /api/users/lookup answers existing and unknown accounts alike', 'POST /api/login answers existing and unknown accounts alike']),
    );
  }, 30_000);
});
