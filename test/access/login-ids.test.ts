import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginIdsConfig, startLoginIdsApi, type LoginIdsApi } from '../fixtures/login-ids-api/server.js';
import { LOGIN_IDS_TRUTH } from '../fixtures/login-ids-api/truth.js';
import { score } from '../fixtures/access-kit/ground-truth.js';
import { auditConfig } from './run.js';
import { recordScore } from './scores.js';

type Result = Awaited<ReturnType<typeof auditConfig>>;

describe('ids only in the login response and the JWT, with --allow-writes', () => {
  let api: LoginIdsApi;
  let result: Result;
  let before: { basketNote: string; benPassword: string };
  beforeAll(async () => {
    api = await startLoginIdsApi();
    const ben = [...api.users.values()].find((u) => u.email === api.creds.ben.email)!;
    before = { basketNote: api.baskets.get(ben.basketId)!.note, benPassword: ben.password };
    result = await auditConfig(loginIdsConfig(api), undefined, { allowWrites: true });
  }, 90_000);
  afterAll(() => api?.close());

  it('finds every planted flaw and flags no control', () => {
    const s = score(result.findings, LOGIN_IDS_TRUTH, { allowWrites: true });
    recordScore('login-ids (--allow-writes)', s, result.requests);
    expect(s.missed).toEqual([]);
    expect(s.falseAlarms).toEqual([]);
  });

  it('learns the basket id from the login response and the user id from the JWT sub claim', () => {
    const notes = result.findings.filter((f) => f.check === 'authorization/bola' && f.status === 'fail').flatMap((f) => f.evidence.notes ?? []).join(' ');
    expect(notes).toMatch(/\{basketId\} from basket\.id in the login response/);
    expect(notes).toMatch(/\{userId\} from (?:sub in a claim of the bearer token|\w+'s user id)/);
  });

  it('restores what it changed: the victim\'s basket note and password are as before, and says so', () => {
    const ben = [...api.users.values()].find((u) => u.email === api.creds.ben.email)!;
    expect(api.baskets.get(ben.basketId)!.note).toBe(before.basketNote);
    expect(ben.password).toBe(before.benPassword);
    const notes = result.findings.filter((f) => f.check === 'authorization/bola' && f.status === 'fail').flatMap((f) => f.evidence.notes ?? []).join(' ');
    expect(notes).toMatch(/restored ben's object/);
    expect(notes).toMatch(/restored ben's original password/);
    const root = [...api.users.values()].find((u) => u.email === api.creds.root.email)!;
    expect(root.name).toBe('Shop Admin');
    expect(result.findings.find((f) => f.check === 'authorization/bfla' && f.status === 'fail')?.evidence.notes?.join(' ')).toMatch(/restored root's object/);
  });

  it('never puts the new or old password in the report', () => {
    const text = JSON.stringify(result.findings);
    expect(text).not.toContain(before.benPassword);
    expect(text).not.toMatch(/Lr-lr[a-z0-9]+-Pw9!/);
  });
});

describe('the same API without --allow-writes', () => {
  let api: LoginIdsApi;
  let result: Result;
  beforeAll(async () => {
    api = await startLoginIdsApi();
    result = await auditConfig(loginIdsConfig(api));
  }, 90_000);
  afterAll(() => api?.close());

  it('finds the read flaws and says exactly which writes were not sent', () => {
    const s = score(result.findings, LOGIN_IDS_TRUTH, { allowWrites: false });
    recordScore('login-ids (no writes)', s, result.requests);
    expect(s.missed).toEqual([]);
    expect(s.falseAlarms).toEqual([]);
    const skip = result.findings.find((f) => f.check === 'authorization/bola' && f.status === 'skip' && /not tested/.test(f.location.detail ?? ''));
    expect(skip?.reason).toMatch(/PUT \/api\/baskets\/\{basketId\}\/note: write to ben's existing object \/api\/baskets\/\d+\/note not sent: rerun with --allow-writes/);
    expect(skip?.reason).toMatch(/POST \/api\/users\/\{userId\}\/password: changes ben's credentials: not sent without --allow-writes/);
    const bfla = result.findings.find((f) => f.check === 'authorization/bfla' && f.status === 'skip' && /not tested/.test(f.location.detail ?? ''));
    expect(bfla?.reason).toMatch(/PATCH \/api\/admin\/customers\/\{customerId\}: a PATCH here would change existing data: rerun with --allow-writes/);
  });
});

describe('the same API with every flaw fixed', () => {
  let api: LoginIdsApi;
  let result: Result;
  beforeAll(async () => {
    api = await startLoginIdsApi([]);
    result = await auditConfig(loginIdsConfig(api), undefined, { allowWrites: true });
  }, 90_000);
  afterAll(() => api?.close());

  it('reports no access-control failure', () => {
    const s = score(result.findings, LOGIN_IDS_TRUTH.filter((r) => r.kind === 'control'), { allowWrites: true });
    recordScore('login-ids fixed', s, result.requests);
    expect(s.falseAlarms).toEqual([]);
    expect(result.findings.find((f) => f.check === 'authorization/mass-assignment' && f.status === 'pass')).toBeDefined();
  });
});
