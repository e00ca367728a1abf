import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, FindingDraft } from '../../src/engine/check.js';
import { runCheckCase } from '../../src/engine/check-tester.js';
import { dkimKeys } from '../../src/checks/email/dkim.js';
import { mailEvidence, type MailEvidence } from '../../src/checks/email/evidence.js';
import { checks as emailChecks } from '../../src/checks/email/index.js';
import { mxRecords } from '../../src/checks/email/mx.js';
import { spfPolicy, spfRecord } from '../../src/checks/email/spf.js';
import { mtaSts, tlsRpt } from '../../src/checks/email/transport-security.js';
import { dnsEvidence } from '../../src/checks/domain-tls/dns-evidence.js';
import { createResolver } from '../../src/net/dns/resolver.js';
import { COMMON_SELECTORS } from '../../src/checks/email/selectors.js';
import { startDnsServer, type TestDnsServer, type ZoneRecord, type Zones } from '../fixtures/dns-server.js';
import { rsaKey } from './keys.js';

/**
 * Issue #16, domain and email 1–4: SPF openness judged from the mechanisms, null MX on a domain that
 * sends nothing, DKIM with named selectors only, ptr as its own warning, and no claims when lookups fail.
 * Every zone is served by the in-process authoritative DNS server.
 */

const RSA2048 = rsaKey(2048);
const soa: ZoneRecord = { type: 'SOA' };
const mx = (host: string, preference = 10): ZoneRecord => ({ type: 'MX', data: { preference, exchange: host } });
const txt = (data: string): ZoneRecord => ({ type: 'TXT', data });
const a = (ip: string): ZoneRecord => ({ type: 'A', data: ip });

function zone(d: string, spf: string, extra: Zones = {}): Zones {
  return {
    [d]: [soa, mx(`mx.${d}`), txt(spf)],
    [`mx.${d}`]: [a('192.0.2.25')],
    [`google._domainkey.${d}`]: [txt(`v=DKIM1; k=rsa; p=${RSA2048}`)],
    [`_dmarc.${d}`]: [txt(`v=DMARC1; p=reject; rua=mailto:dmarc@${d}`)],
    [`_mta-sts.${d}`]: [txt('v=STSv1; id=20261101')],
    [`_smtp._tls.${d}`]: [txt(`v=TLSRPTv1; rua=mailto:tls@${d}`)],
    ...extra,
  };
}

const ZONES: Zones = {
  'wide.provider.example': [txt('v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all')],
  'narrow.provider.example': [txt('v=spf1 ip4:198.51.100.0/24 -all')],
  // A real sender whose range happens to include the documentation address 192.0.2.1.
  ...zone('docrange.example', 'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all'),
  ...zone('slash8.example', 'v=spf1 ip4:10.0.0.0/8 ip6:2001:db8::/16 -all'),
  ...zone('zeroes.example', 'v=spf1 ip4:0.0.0.0/0 -all'),
  ...zone('slash7.example', 'v=spf1 mx ip4:10.0.0.0/7 -all'),
  ...zone('v6wide.example', 'v=spf1 mx ip6:2000::/3 -all'),
  ...zone('incwide.example', 'v=spf1 include:narrow.provider.example include:wide.provider.example -all'),
  ...zone('plusall.example', 'v=spf1 mx +all'),
  ...zone('qall.example', 'v=spf1 mx ?all'),
  ...zone('ptr.example', 'v=spf1 mx ptr -all'),
  // Parked: null MX and "v=spf1 -all", checked by `domain` (which always names a mail domain).
  'parked.example': [soa, mx('.', 0), txt('v=spf1 -all')],
  '_dmarc.parked.example': [txt('v=DMARC1; p=reject')],
  ...zone('named.example', 'v=spf1 mx -all', { 'mailer._domainkey.named.example': [txt('v=DKIM1; k=rsa; p=')] }),
  ...zone('twonamed.example', 'v=spf1 mx -all', { 'old._domainkey.twonamed.example': [txt('v=DKIM1; k=rsa; p=')], 'new._domainkey.twonamed.example': [txt(`v=DKIM1; k=rsa; p=${RSA2048}`)] }),
  // Every TXT lookup under this domain times out (the zone's servers are down).
  'lookupsfail.example': [soa, mx('mx.lookupsfail.example'), txt('v=spf1 mx -all')],
  'mx.lookupsfail.example': [a('192.0.2.25')],
  'nosoa.example': [],
  'www.nosoa.example': [a('192.0.2.80')],
};

const FAILING = ['_mta-sts.lookupsfail.example', '_smtp._tls.lookupsfail.example', '_dmarc.lookupsfail.example', ...COMMON_SELECTORS.map((s) => `${s.selector}._domainkey.lookupsfail.example`)];

let server: TestDnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zones: ZONES, timeout: FAILING });
});
afterAll(() => server.close());

// The DNS server runs in this process: under a loaded test run its answers can take a few hundred ms.
const resolver = () => createResolver({ servers: [server.address], timeoutMs: 800, retries: 0 });
const evidence = (domain: string, selectors: string[] = []): Promise<MailEvidence> => mailEvidence(resolver(), domain, selectors, { mailExpected: true });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function run(check: Check<any>, domain: string, selectors: string[] = []): Promise<FindingDraft[]> {
  return runCheckCase(check, { name: domain, evidence: { mail: await evidence(domain, selectors) } });
}
const problems = (fs: FindingDraft[]) => fs.filter((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'error');

describe('SPF openness is judged from the mechanisms (domain 1)', () => {
  it('passes a record whose own range contains the documentation address 192.0.2.1, and /8 (IPv4) or /16 (IPv6) ranges', async () => {
    expect(problems(await run(spfPolicy, 'docrange.example'))).toEqual([]);
    expect(problems(await run(spfPolicy, 'slash8.example'))).toEqual([]);
  });

  it.each([
    ['zeroes.example', 'ip4:0.0.0.0/0'],
    ['slash7.example', 'ip4:10.0.0.0/7'],
    ['v6wide.example', 'ip6:2000::/3'],
    ['incwide.example', 'include:wide.provider.example'],
    ['plusall.example', '+all'],
  ])('fails %s: %s authorises (nearly) any server', async (domain, term) => {
    const [f] = problems(await run(spfPolicy, domain));
    expect(f).toMatchObject({ status: 'fail', severity: 'high' });
    expect(`${f!.title} ${f!.evidence?.notes?.join(' ')}`).toContain(term);
  });

  it('reports ?all as a warning of its own', async () => {
    const [w] = problems(await run(spfPolicy, 'qall.example'));
    expect(w).toMatchObject({ status: 'warn', severity: 'medium', discriminator: 'neutral' });
    expect(w!.title).toContain('?all');
  });

  it('reports the ptr mechanism as a warning of its own, not a note inside a pass', async () => {
    const out = await run(spfRecord, 'ptr.example');
    const ptr = out.find((f) => f.discriminator === 'ptr');
    expect(ptr).toMatchObject({ status: 'warn' });
    expect(ptr!.fix).toContain('"v=spf1 mx -all"');
    expect(problems(await run(spfRecord, 'docrange.example'))).toEqual([]);
  });
});

describe('null MX on a domain that declares it sends nothing (domain 2)', () => {
  it('passes null MX with "v=spf1 -all" even when a mail domain is named (as `domain` always does)', async () => {
    expect(problems(await run(mxRecords, 'parked.example'))).toEqual([]);
  });
});

describe('DKIM with named selectors (domain 3)', () => {
  it('probes only the named selectors', async () => {
    const before = server.queries.length;
    const mail = await evidence('named.example', ['mailer']);
    expect(mail.dkim.map((s) => s.selector)).toEqual(['mailer']);
    const asked = server.queries.slice(before).filter((q) => q.name.endsWith('._domainkey.named.example')).map((q) => q.name);
    expect([...new Set(asked)]).toEqual(['mailer._domainkey.named.example']);
  });

  it('fails a revoked key on the only selector the user named; warns when another named selector works', async () => {
    const [f] = problems(await run(dkimKeys, 'named.example', ['mailer']));
    expect(f).toMatchObject({ status: 'fail', severity: 'high' });
    expect(f!.title).toContain('revoked');
    const two = problems(await run(dkimKeys, 'twonamed.example', ['old', 'new']));
    expect(two).toHaveLength(1);
    expect(two[0]).toMatchObject({ status: 'warn' });
  });
});

describe('failed lookups are said to have failed (domain 4)', () => {
  it('never claims no MTA-STS, no TLS-RPT or DKIM not confirmed when the lookups got no answer', async () => {
    for (const check of [mtaSts, tlsRpt, dkimKeys]) {
      const out = problems(await run(check, 'lookupsfail.example'));
      expect(out.length, check.meta.id).toBeGreaterThan(0);
      for (const f of out) {
        expect(f.status, `${check.meta.id}: ${f.title ?? f.reason}`).toBe('error');
        expect(`${f.title ?? ''} ${f.reason ?? ''}`).toMatch(/lookup|no answer/i);
        expect(`${f.title ?? ''} ${f.reason ?? ''}`).not.toMatch(/^No MTA-STS|^No TLS-RPT|not confirmed/);
      }
    }
  });

  it('never invents www.www.<name> when the zone apex cannot be found', async () => {
    const ev = await dnsEvidence(resolver(), [{ name: 'www.nosoa.example', role: 'configured' }]);
    const names = ev.hostnames.map((h) => h.name);
    expect(names.some((n) => n.startsWith('www.www.'))).toBe(false);
    expect(names).toContain('www.nosoa.example');
  });

  it('every email check still passes a good domain (no false alarm)', async () => {
    for (const check of emailChecks) expect(problems(await run(check, 'docrange.example')), check.meta.id).toEqual([]);
  });
});
