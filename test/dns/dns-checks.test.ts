import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsCaa } from '../../src/checks/domain-tls/dns-caa.js';
import { danglingCname } from '../../src/checks/domain-tls/dns-dangling-cname.js';
import { dnsEvidence, type DnsEvidence } from '../../src/checks/domain-tls/dns-evidence.js';
import { dnsNameServers } from '../../src/checks/domain-tls/dns-ns.js';
import { dnsResolution } from '../../src/checks/domain-tls/dns-resolution.js';
import type { Check, FindingDraft } from '../../src/engine/check.js';
import { runCheckCase } from '../../src/engine/check-tester.js';
import { createResolver } from '../../src/net/dns/resolver.js';
import { startDnsServer, type TestDnsServer, type ZoneRecord, type Zones } from '../fixtures/dns-server.js';

/** DNS checks of the domain-tls area against real zones over UDP/TCP; each test fails when its judgment breaks. */

const a = (ip: string): ZoneRecord => ({ type: 'A', data: ip });
const ns = (host: string): ZoneRecord => ({ type: 'NS', data: host });
const cname = (t: string): ZoneRecord => ({ type: 'CNAME', data: t });
const caa = (tag: string, value: string, flags = 0): ZoneRecord => ({ type: 'CAA', data: { flags, tag, value } });

/** A healthy zone; overrides replace names (an empty list removes one). */
function zone(d: string, overrides: Zones = {}): Zones {
  const base: Zones = {
    [d]: [{ type: 'SOA' }, ns(`ns1.${d}`), ns('ns2.dns-provider.example'), a('192.0.2.10'), caa('issue', 'letsencrypt.org')],
    [`ns1.${d}`]: [a('192.0.2.53')],
    [`www.${d}`]: [cname(d)],
  };
  const out = { ...base, ...overrides };
  for (const [k, v] of Object.entries(out)) if (v.length === 0) delete out[k];
  return out;
}

const ZONES: Zones = {
  'ns2.dns-provider.example': [a('198.51.100.53')],
  ...zone('good.example', { 'app.good.example': [a('192.0.2.11')] }),
  ...zone('nowww.example', { 'www.nowww.example': [] }),
  ...zone('noapex.example', { 'noapex.example': [{ type: 'SOA' }, ns('ns1.noapex.example'), ns('ns2.dns-provider.example'), caa('issue', 'letsencrypt.org')], 'www.noapex.example': [a('192.0.2.20')] }),
  ...zone('dangling.example', { 'shop.dangling.example': [cname('gone-shop.herokuapp.com')], 'blog.dangling.example': [cname('empty.dangling.example')], 'empty.dangling.example': [{ type: 'TXT', data: 'nothing here' }] }),
  ...zone('nocaa.example', { 'nocaa.example': [{ type: 'SOA' }, ns('ns1.nocaa.example'), ns('ns2.dns-provider.example'), a('192.0.2.10')] }),
  ...zone('critcaa.example', { 'critcaa.example': [{ type: 'SOA' }, ns('ns1.critcaa.example'), ns('ns2.dns-provider.example'), a('192.0.2.10'), caa('issue', 'letsencrypt.org'), caa('tbs', 'x', 128)] }),
  ...zone('denycaa.example', { 'denycaa.example': [{ type: 'SOA' }, ns('ns1.denycaa.example'), ns('ns2.dns-provider.example'), a('192.0.2.10'), caa('issue', ';')] }),
  ...zone('onens.example', { 'onens.example': [{ type: 'SOA' }, ns('ns1.onens.example'), a('192.0.2.10'), caa('issue', 'letsencrypt.org')] }),
  ...zone('lamens.example', { 'lamens.example': [{ type: 'SOA' }, ns('ns1.lamens.example'), ns('ns9.gone-provider.example'), a('192.0.2.10'), caa('issue', 'letsencrypt.org')] }),
  ...zone('samenet.example', { 'samenet.example': [{ type: 'SOA' }, ns('ns1.samenet.example'), ns('ns2.samenet.example'), a('192.0.2.10'), caa('issue', 'letsencrypt.org')], 'ns2.samenet.example': [a('192.0.2.54')] }),
};

let server: TestDnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zones: ZONES, servfail: ['broken.good.example'], timeout: ['silent.good.example'] });
});
afterAll(() => server.close());

async function gather(names: string[], overrides?: Map<string, string[]>): Promise<DnsEvidence> {
  const resolver = createResolver({ servers: [server.address], timeoutMs: 1000, retries: 1, overrides });
  return dnsEvidence(resolver, names.map((name) => ({ name, role: 'configured' as const })));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function run(check: Check<any>, dns: DnsEvidence): Promise<FindingDraft[]> {
  return runCheckCase(check, { name: 'dns', evidence: { dns } });
}
const problems = (fs: FindingDraft[]) => fs.filter((f) => f.status !== 'pass' && f.status !== 'skip');

describe('a healthy domain', () => {
  it('passes every DNS check: apex, www and the configured subdomain resolve, NS and CAA are sane', async () => {
    const dns = await gather(['app.good.example']);
    expect(dns.hostnames.map((h) => `${h.role}:${h.name}`).sort()).toEqual(['apex:good.example', 'configured:app.good.example', 'www:www.good.example']);
    for (const check of [dnsResolution, danglingCname, dnsNameServers, dnsCaa]) expect(problems(await run(check, dns)), check.meta.id).toEqual([]);
    const resolution = await run(dnsResolution, dns);
    expect(resolution.map((f) => f.title)).toContain('www.good.example resolves to 192.0.2.10');
  });
});

describe('domain-tls/dns-resolution', () => {
  it('fails a missing www (medium) with the CNAME to publish', async () => {
    const [f] = problems(await run(dnsResolution, await gather(['nowww.example'])));
    expect(f).toMatchObject({ status: 'fail', severity: 'medium', title: 'www.nowww.example does not exist in DNS (NXDOMAIN)' });
    expect(f!.fix).toContain('Publish CNAME at www.nowww.example: nowww.example.');
  });
  it('fails an apex without an address (high) with the A record to publish', async () => {
    const [f] = problems(await run(dnsResolution, await gather(['noapex.example'])));
    expect(f).toMatchObject({ status: 'fail', severity: 'high', title: 'noapex.example has no A or AAAA record' });
    expect(f!.fix).toContain('Publish A at noapex.example: 192.0.2.20');
  });
  it('fails a configured name whose DNS answers SERVFAIL', async () => {
    const out = problems(await run(dnsResolution, await gather(['broken.good.example'])));
    expect(out.map((f) => f.title)).toContain('DNS answers SERVFAIL for broken.good.example');
  });
  it('fails a configured name that does not exist, and accepts one answered by --resolve', async () => {
    const missing = problems(await run(dnsResolution, await gather(['preview.good.example'])));
    expect(missing.map((f) => f.title)).toContain('preview.good.example does not exist in DNS (NXDOMAIN)');
    const overridden = await run(dnsResolution, await gather(['preview.good.example'], new Map([['preview.good.example', ['127.0.0.1']]])));
    expect(problems(overridden)).toEqual([]);
    expect(overridden.map((f) => f.title)).toContain('preview.good.example resolves to 127.0.0.1 (from --resolve, not DNS)');
  });
});

describe('domain-tls/dns-dangling-cname', () => {
  it('fails a CNAME to a name that does not exist as a takeover risk, naming the service and the record to delete', async () => {
    const dns = await gather(['shop.dangling.example', 'blog.dangling.example']);
    const out = problems(await run(danglingCname, dns));
    const takeover = out.find((f) => f.location.domain === 'shop.dangling.example')!;
    expect(takeover).toMatchObject({ status: 'fail', location: { record: 'CNAME shop.dangling.example' } });
    expect(takeover.severity ?? danglingCname.meta.severity).toBe('high');
    expect(takeover.title).toBe('shop.dangling.example is a CNAME to gone-shop.herokuapp.com, which does not exist: subdomain takeover risk (Heroku names can be claimed by anyone)');
    expect(takeover.fix).toContain('Delete the CNAME record at shop.dangling.example');
    const noAddress = out.find((f) => f.location.domain === 'blog.dangling.example')!;
    expect(noAddress).toMatchObject({ status: 'fail', severity: 'medium' });
    // Not reported twice: the resolution check leaves dangling aliases to this check.
    expect(problems(await run(dnsResolution, dns)).filter((f) => f.location.domain === 'shop.dangling.example')).toEqual([]);
  });
});

describe('domain-tls/dns-caa', () => {
  it('warns when no CAA is published, with the record to publish', async () => {
    const [f] = problems(await run(dnsCaa, await gather(['nocaa.example'])));
    expect(f).toMatchObject({ status: 'warn', title: 'No CAA record at nocaa.example: any CA may issue certificates for it' });
    expect(f!.fix).toContain('Publish CAA at nocaa.example: 0 issue "letsencrypt.org"');
  });
  it('fails an unknown critical tag and a deny-all issue', async () => {
    expect(problems(await run(dnsCaa, await gather(['critcaa.example'])))[0]).toMatchObject({ status: 'fail', severity: 'high' });
    expect(problems(await run(dnsCaa, await gather(['denycaa.example'])))[0]).toMatchObject({ status: 'fail', severity: 'medium' });
  });
  it('fails a CAA lookup the server answers with SERVFAIL, but leaves one that got no answer at all unjudged (error)', async () => {
    const broken = problems(await run(dnsCaa, await gather(['broken.good.example'])));
    expect(broken.find((f) => f.status === 'fail' && /CAA lookup for broken\.good\.example fails \(SERVFAIL\)/.test(f.title ?? ''))).toBeTruthy();
    const silent = problems(await run(dnsCaa, await gather(['silent.good.example'])));
    expect(silent.map((f) => f.status)).toEqual(['error']);
    expect(silent[0]!.reason).toMatch(/no DNS answer/);
  });
  it('lets subdomains inherit the apex set (RFC 8659 climbing)', async () => {
    const dns = await gather(['app.good.example']);
    expect(dns.caa.find((c) => c.name === 'app.good.example')?.foundAt).toBe('good.example');
  });
});

describe('domain-tls/dns-ns', () => {
  it('fails a zone with a single name server', async () => {
    const [f] = problems(await run(dnsNameServers, await gather(['onens.example'])));
    expect(f).toMatchObject({ status: 'fail', title: 'onens.example has a single name server (ns1.onens.example)' });
  });
  it('fails a name server that does not resolve', async () => {
    const [f] = problems(await run(dnsNameServers, await gather(['lamens.example'])));
    expect(f).toMatchObject({ status: 'fail', severity: 'high', title: 'Name server ns9.gone-provider.example of lamens.example does not resolve (NXDOMAIN)' });
  });
  it('warns when every name server sits in one /24', async () => {
    const [f] = problems(await run(dnsNameServers, await gather(['samenet.example'])));
    expect(f).toMatchObject({ status: 'warn', severity: 'low' });
  });
});
