import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { otherApiConfig, startOtherApi, type OtherApi } from '../fixtures/other-api/server.js';
import { auditConfig } from './run.js';

/**
 * Generality: an API the checks were not written against (UUID ids, /v2 base path, `{ data: … }`
 * wrappers, a challenge login with an API-key header), configured with nothing but its OpenAPI
 * document and two identities.
 */

type Result = Awaited<ReturnType<typeof auditConfig>>;
const failed = (r: Result, check: string): Finding[] => r.findings.filter((f) => f.check === check && f.status === 'fail');

describe('an unseen API with planted flaws', () => {
  let api: OtherApi;
  let result: Result;
  beforeAll(async () => {
    api = await startOtherApi();
    result = await auditConfig(otherApiConfig(api));
  }, 60_000);
  afterAll(() => api?.close());

  it('logs both identities in through the scripted challenge flow', () => {
    expect(result.findings.find((f) => f.check === 'authentication/identity-login')?.status).toBe('pass');
  });

  it('finds the route that answers without an API key', () => {
    expect(failed(result, 'authentication/missing-auth').map((f) => f.location.url)).toEqual([`${api.url}/v2/reports/summary`]);
  });

  it('finds cross-workspace reads by UUID, proven with the other workspace\'s document text', () => {
    const bola = failed(result, 'authorization/bola');
    expect(bola.map((f) => `${f.location.method} ${f.location.url}`)).toEqual([`GET ${api.url}/v2/documents/{documentUuid}`]);
    expect(bola[0]!.evidence.notes?.[0]).toMatch(/vic's values/);
  });

  it('finds the management route a member may call (admin-only inferred from the path)', () => {
    expect(failed(result, 'authorization/bfla').map((f) => f.location.url)).toEqual([`${api.url}/v2/manage/members`]);
  });

  it('finds server-managed fields taken from the create body', () => {
    const mass = failed(result, 'authorization/mass-assignment');
    expect(mass).toHaveLength(1);
    expect(mass[0]!.title).toMatch(/ownerId|workspaceId/);
  });

  it('deletes every document it created', () => {
    const titles = [...api.docs.values()].map((d) => d.title);
    expect(titles.filter((t) => t.startsWith('lr'))).toEqual([]);
    expect(titles).toEqual(expect.arrayContaining(['Quarterly plan Umbrella', 'Vendor contract Vandelay']));
  });
});

describe('the same API with its flaws fixed', () => {
  let api: OtherApi;
  let result: Result;
  beforeAll(async () => {
    api = await startOtherApi([]);
    result = await auditConfig(otherApiConfig(api));
  }, 60_000);
  afterAll(() => api?.close());

  it('reports no failure', () => {
    expect(result.findings.filter((f) => f.status === 'fail' || f.status === 'error').map((f) => `${f.check}: ${f.title}`)).toEqual([]);
  });

  it("passes tenant isolation (the other workspace's UUIDs answer 404)", () => {
    expect(result.findings.find((f) => f.check === 'authorization/bola' && f.status === 'pass')).toBeDefined();
  });

  it('says the management route was not tested when every identity is refused, instead of passing it', () => {
    const bfla = result.findings.filter((f) => f.check === 'authorization/bfla');
    expect(bfla.some((f) => f.status === 'pass')).toBe(false);
    expect(bfla.find((f) => f.status === 'skip')?.reason).toMatch(/\/v2\/manage\/members.*every identity was refused/);
  });
});
