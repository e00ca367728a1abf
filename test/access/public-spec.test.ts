import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicSpecConfig, startPublicSpecApi, type PublicSpecApi } from '../fixtures/public-spec-api/server.js';
import { PUBLIC_SPEC_TRUTH, PUBLIC_SPEC_TRUTH_NO_IDENTITIES } from '../fixtures/public-spec-api/truth.js';
import { score } from '../fixtures/access-kit/ground-truth.js';
import { auditConfig } from './run.js';
import { recordScore } from './scores.js';

type Result = Awaited<ReturnType<typeof auditConfig>>;

describe('an OpenAPI that marks every route public (security: [])', () => {
  let api: PublicSpecApi;
  let result: Result;
  beforeAll(async () => {
    api = await startPublicSpecApi();
    result = await auditConfig(publicSpecConfig(api));
  }, 90_000);
  afterAll(() => api?.close());

  it('does not trust the spec: finds every planted flaw and flags no control', () => {
    const s = score(result.findings, PUBLIC_SPEC_TRUTH, { allowWrites: false });
    recordScore('public-spec', s, result.requests);
    expect(s.missed).toEqual([]);
    expect(s.falseAlarms).toEqual([]);
  });

  it('proves the anonymous patient list with the identities\' own patients and notes the spec claim', () => {
    const f = result.findings.find((x) => x.check === 'authentication/missing-auth' && x.status === 'fail');
    expect(f?.severity).toBe('critical');
    expect(f?.evidence.notes?.join(' ')).toMatch(/marks this route public/);
  });
});

describe('the same API audited with no identity at all', () => {
  let api: PublicSpecApi;
  let result: Result;
  beforeAll(async () => {
    api = await startPublicSpecApi();
    result = await auditConfig(publicSpecConfig(api, { identities: false }));
  }, 90_000);
  afterAll(() => api?.close());

  it('still asks every route anonymously and judges the answers by content', () => {
    const s = score(result.findings, PUBLIC_SPEC_TRUTH_NO_IDENTITIES, { allowWrites: false });
    recordScore('public-spec (no identities)', s, result.requests);
    expect(s.missed).toEqual([]);
    expect(s.falseAlarms).toEqual([]);
    const f = result.findings.find((x) => x.check === 'authentication/missing-auth' && x.status === 'fail');
    expect(f?.title).toMatch(/personal data \(.*(?:email|health).*\)/);
  });

  it('says the judgement was made without identities (never a plain pass)', () => {
    const missing = result.findings.filter((x) => x.check === 'authentication/missing-auth');
    expect(missing.some((x) => x.status === 'pass')).toBe(false);
    expect(missing.find((x) => x.status === 'skip' && /without identities/.test(x.location.detail ?? ''))?.reason).toMatch(/configure identities/);
  });
});

describe('the clinic API with every flaw fixed (the spec still says public)', () => {
  let api: PublicSpecApi;
  let result: Result;
  beforeAll(async () => {
    api = await startPublicSpecApi([]);
    result = await auditConfig(publicSpecConfig(api));
  }, 90_000);
  afterAll(() => api?.close());

  it('flags only the spec, nothing else', () => {
    const truth = PUBLIC_SPEC_TRUTH.filter((r) => r.kind === 'control' || r.id === 'spec-marks-private-public');
    const s = score(result.findings, truth, { allowWrites: false });
    recordScore('public-spec fixed', s, result.requests);
    expect(s.falseAlarms).toEqual([]);
    expect(s.found).toEqual(['spec-marks-private-public']);
  });
});
