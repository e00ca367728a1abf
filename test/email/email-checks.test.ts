import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, FindingDraft } from '../../src/engine/check.js';
import { runCheckCase } from '../../src/engine/check-tester.js';
import { dkimKeys } from '../../src/checks/email/dkim.js';
import { dmarcPolicy, dmarcReporting } from '../../src/checks/email/dmarc.js';
import { mailEvidence, type MailEvidence } from '../../src/checks/email/evidence.js';
import { checks as emailChecks } from '../../src/checks/email/index.js';
import { mxRecords } from '../../src/checks/email/mx.js';
import { spfLookups, spfPolicy, spfRecord } from '../../src/checks/email/spf.js';
import { mtaSts, tlsRpt } from '../../src/checks/email/transport-security.js';
import { createResolver } from '../../src/net/dns/resolver.js';
import { startDnsServer, type TestDnsServer, type ZoneRecord, type Zones } from '../fixtures/dns-server.js';
import { ed25519Key, rsaKey } from './keys.js';

/**
 * Email checks against real zones served over UDP/TCP by the in-process DNS server: one well-configured
 * domain, and one domain per broken condition. Each test fails when its judgment breaks.
 */

const RSA2048 = rsaKey(2048);
const RSA1024 = rsaKey(1024);
const RSA512 = rsaKey(512);
const ED = ed25519Key();

const soa: ZoneRecord = { type: 'SOA' };
const mx = (host: string, preference = 10): ZoneRecord => ({ type: 'MX', data: { preference, exchange: host } });
const txt = (data: string | string[]): ZoneRecord => ({ type: 'TXT', data });
const a = (ip: string): ZoneRecord => ({ type: 'A', data: ip });
const cname = (target: string): ZoneRecord => ({ type: 'CNAME', data: target });

/** A complete, correct mail domain; overrides replace names wholesale (an empty list removes the name). */
function mailZone(d: string, overrides: Zones = {}): Zones {
  const base: Zones = {
    [d]: [soa, mx(`mx.${d}`), txt(`v=spf1 mx include:_spf.provider.example -all`)],
    [`mx.${d}`]: [a('192.0.2.25')],
    [`google._domainkey.${d}`]: [txt(`v=DKIM1; k=rsa; p=${RSA2048}`)],
    [`_dmarc.${d}`]: [txt(`v=DMARC1; p=reject; rua=mailto:dmarc@${d}`)],
    [`_mta-sts.${d}`]: [txt('v=STSv1; id=20261101')],
    [`_smtp._tls.${d}`]: [txt(`v=TLSRPTv1; rua=mailto:tls@${d}`)],
  };
  const out = { ...base, ...overrides };
  for (const [k, v] of Object.entries(out)) if (v.length === 0) delete out[k];
  return out;
}

const includes11 = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`inc${i}.provider.example`, [txt(`v=spf1 ip4:198.51.100.${i}/32 -all`)]]));

const ZONES: Zones = {
  '_spf.provider.example': [txt('v=spf1 ip4:198.51.100.0/24 -all')],
  'open.provider.example': [txt('v=spf1 +all')],
  's1.dkim.provider.example': [txt(`v=DKIM1; k=ed25519; p=${ED}`)],
  ...includes11,
  'dmarc-reports.example': [soa],
  'okrua.example._report._dmarc.dmarc-reports.example': [txt('v=DMARC1')],
  ...mailZone('good.example', { 's1._domainkey.good.example': [cname('s1.dkim.provider.example')] }),
  ...mailZone('nospf.example', { 'nospf.example': [soa, mx('mx.nospf.example')] }),
  ...mailZone('twospf.example', { 'twospf.example': [soa, mx('mx.twospf.example'), txt('v=spf1 mx -all'), txt('v=spf1 include:_spf.provider.example ~all')] }),
  ...mailZone('badspf.example', { 'badspf.example': [soa, mx('mx.badspf.example'), txt('v=spf1 ip4:192.0.2.300 mx -all')] }),
  ...mailZone('brokeninclude.example', { 'brokeninclude.example': [soa, mx('mx.brokeninclude.example'), txt('v=spf1 include:missing.provider.example -all')] }),
  ...mailZone('lookups.example', { 'lookups.example': [soa, mx('mx.lookups.example'), txt(`v=spf1 ${Object.keys(includes11).map((n) => `include:${n}`).join(' ')} -all`)] }),
  ...mailZone('tenlookups.example', { 'tenlookups.example': [soa, mx('mx.tenlookups.example'), txt(`v=spf1 ${Object.keys(includes11).slice(0, 10).map((n) => `include:${n}`).join(' ')} -all`)] }),
  ...mailZone('voids.example', { 'voids.example': [soa, mx('mx.voids.example'), txt('v=spf1 a:v1.voids.example a:v2.voids.example a:v3.voids.example mx -all')] }),
  ...mailZone('twovoids.example', { 'twovoids.example': [soa, mx('mx.twovoids.example'), txt('v=spf1 a:v1.twovoids.example a:v2.twovoids.example mx -all')] }),
  ...mailZone('plusall.example', { 'plusall.example': [soa, mx('mx.plusall.example'), txt('v=spf1 mx +all')] }),
  ...mailZone('openinclude.example', { 'openinclude.example': [soa, mx('mx.openinclude.example'), txt('v=spf1 include:open.provider.example -all')] }),
  ...mailZone('qall.example', { 'qall.example': [soa, mx('mx.qall.example'), txt('v=spf1 mx ?all')] }),
  ...mailZone('noall.example', { 'noall.example': [soa, mx('mx.noall.example'), txt('v=spf1 mx')] }),
  ...mailZone('softall.example', { 'softall.example': [soa, mx('mx.softall.example'), txt('v=spf1 mx ~all')] }),
  ...mailZone('redirect.example', { 'redirect.example': [soa, mx('mx.redirect.example'), txt('v=spf1 redirect=_spf.provider.example')] }),
  ...mailZone('nullmx.example', { 'nullmx.example': [soa, mx('.', 0), txt('v=spf1 ip4:192.0.2.1 -all')] }),
  ...mailZone('parked.example', { 'parked.example': [soa, mx('.', 0), txt('v=spf1 -all')], '_dmarc.parked.example': [txt('v=DMARC1; p=reject; rua=mailto:dmarc@good.example')] }),
  ...mailZone('nomx.example', { 'nomx.example': [soa, txt('v=spf1 ip4:192.0.2.1 -all')] }),
  ...mailZone('mxgone.example', { 'mxgone.example': [soa, mx('gone.mxgone.example'), txt('v=spf1 ip4:192.0.2.1 -all')] }),
  ...mailZone('dkimweak.example', { 'google._domainkey.dkimweak.example': [txt(`v=DKIM1; k=rsa; p=${RSA1024}`)] }),
  ...mailZone('dkimtiny.example', { 'google._domainkey.dkimtiny.example': [txt(`v=DKIM1; k=rsa; p=${RSA512}`)] }),
  ...mailZone('dkimrevoked.example', { 'google._domainkey.dkimrevoked.example': [txt('v=DKIM1; k=rsa; p=')] }),
  ...mailZone('dkimtesting.example', { 'google._domainkey.dkimtesting.example': [txt(`v=DKIM1; k=rsa; t=y; p=${RSA2048}`)] }),
  ...mailZone('dkimbroken.example', { 'google._domainkey.dkimbroken.example': [txt('v=DKIM1; k=rsa; p=not*base64')] }),
  ...mailZone('dkimnone.example', { 'google._domainkey.dkimnone.example': [] }),
  ...mailZone('dkimdangling.example', { 'selector1._domainkey.dkimdangling.example': [cname('selector1-dkimdangling-example._domainkey.gone.onmicrosoft.example')] }),
  ...mailZone('nodmarc.example', { '_dmarc.nodmarc.example': [] }),
  ...mailZone('dmarcnone.example', { '_dmarc.dmarcnone.example': [txt('v=DMARC1; p=none; rua=mailto:dmarc@dmarcnone.example')] }),
  ...mailZone('dmarcpct.example', { '_dmarc.dmarcpct.example': [txt('v=DMARC1; p=quarantine; pct=25; sp=none; rua=mailto:dmarc@dmarcpct.example')] }),
  ...mailZone('dmarcbad.example', { '_dmarc.dmarcbad.example': [txt('v=DMARC1; p=maybe; rua=mailto:dmarc@dmarcbad.example')] }),
  ...mailZone('dmarctwo.example', { '_dmarc.dmarctwo.example': [txt('v=DMARC1; p=reject'), txt('v=DMARC1; p=none')] }),
  ...mailZone('dmarccase.example', { '_dmarc.dmarccase.example': [txt('v=dmarc1; p=reject')] }),
  ...mailZone('norua.example', { '_dmarc.norua.example': [txt('v=DMARC1; p=reject')] }),
  ...mailZone('extrua.example', { '_dmarc.extrua.example': [txt('v=DMARC1; p=reject; rua=mailto:agg@dmarc-reports.example')] }),
  ...mailZone('okrua.example', { 'okrua.example': [soa, mx('mx.okrua.example'), txt('v=spf1 mx -all')], '_dmarc.okrua.example': [txt('v=DMARC1; p=reject; rua=mailto:agg@dmarc-reports.example')] }),
  'sub.good.example': [mx('mx.good.example'), txt('v=spf1 mx -all')],
  ...mailZone('nosts.example', { '_mta-sts.nosts.example': [], '_smtp._tls.nosts.example': [] }),
  ...mailZone('badsts.example', { '_mta-sts.badsts.example': [txt('v=STSv1; id=not-valid!')], '_smtp._tls.badsts.example': [txt('v=TLSRPTv1')] }),
};

let server: TestDnsServer;
const cache = new Map<string, Promise<MailEvidence>>();

beforeAll(async () => {
  server = await startDnsServer({ zones: ZONES, servfail: ['servfail.example'] });
});
afterAll(() => server.close());

function evidence(domain: string, selectors: string[] = [], mailExpected = true): Promise<MailEvidence> {
  const key = `${domain}|${selectors.join(',')}|${mailExpected}`;
  let p = cache.get(key);
  if (!p) {
    p = mailEvidence(createResolver({ servers: [server.address], timeoutMs: 1000, retries: 1 }), domain, selectors, { mailExpected });
    cache.set(key, p);
  }
  return p;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function run(check: Check<any>, domain: string, selectors: string[] = [], mailExpected = true): Promise<FindingDraft[]> {
  return runCheckCase(check, { name: domain, evidence: { mail: await evidence(domain, selectors, mailExpected) } });
}

const problems = (fs: FindingDraft[]) => fs.filter((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'error');

describe('a well-configured mail domain', () => {
  it('passes every email check, with a pass finding naming the record', async () => {
    for (const check of emailChecks) {
      const out = await run(check, 'good.example');
      expect(problems(out), check.meta.id).toEqual([]);
      expect(out.length, check.meta.id).toBeGreaterThan(0);
      for (const f of out) expect(f.location.domain).toBe('good.example');
    }
  });

  it('finds DKIM keys at the configured and CNAME-delegated provider selectors and reports their size', async () => {
    const out = await run(dkimKeys, 'good.example');
    expect(out.map((f) => f.title)).toEqual(expect.arrayContaining(['DKIM key "google" is 2048-bit RSA', 'DKIM key "s1" is ed25519']));
    const mail = await evidence('good.example');
    expect(mail.dkim.find((s) => s.selector === 's1')?.cnameChain).toEqual(['s1.dkim.provider.example']);
  });
});

describe('MX', () => {
  it('fails a null MX on a domain that sends mail, and names the record to remove', async () => {
    const [f] = problems(await run(mxRecords, 'nullmx.example'));
    expect(f).toMatchObject({ status: 'fail', severity: 'high' });
    expect(f!.fix).toContain('Remove the MX record "0 ." at nullmx.example');
  });
  it('accepts a null MX on a parked domain whose SPF is "v=spf1 -all"', async () => {
    expect(problems(await run(mxRecords, 'parked.example', [], false))).toEqual([]);
  });
  it('fails a missing MX when the domain sends mail', async () => {
    const [f] = problems(await run(mxRecords, 'nomx.example'));
    expect(f).toMatchObject({ status: 'fail', severity: 'medium', title: 'nomx.example has no MX record' });
  });
  it('fails an MX host that does not resolve', async () => {
    const [f] = problems(await run(mxRecords, 'mxgone.example'));
    expect(f).toMatchObject({ status: 'fail', severity: 'high' });
    expect(f!.title).toContain('gone.mxgone.example');
    expect(f!.location.record).toBe('MX mxgone.example → gone.mxgone.example');
  });
});

describe('SPF', () => {
  it('fails a missing record and proposes one built from the MX', async () => {
    const [f] = problems(await run(spfRecord, 'nospf.example'));
    expect(f).toMatchObject({ status: 'fail', title: 'No SPF record at nospf.example', location: { record: 'TXT nospf.example' } });
    expect(f!.fix).toContain('Publish TXT at nospf.example: "v=spf1 mx ~all"');
  });
  it('fails two records and proposes the merged one', async () => {
    const [f] = problems(await run(spfRecord, 'twospf.example'));
    expect(f!.title).toContain('2 SPF records');
    expect(f!.fix).toContain('"v=spf1 mx include:_spf.provider.example -all"');
  });
  it('fails a syntax error, naming the bad term', async () => {
    const [f] = problems(await run(spfRecord, 'badspf.example'));
    expect(f!.title).toContain('syntax error');
    expect(f!.evidence?.notes?.join('\n')).toContain('"ip4:192.0.2.300"');
    expect(f!.fix).toContain('"v=spf1 mx -all"');
  });
  it('fails an include of a domain without SPF (permerror for every receiver)', async () => {
    const [f] = problems(await run(spfRecord, 'brokeninclude.example'));
    expect(f).toMatchObject({ status: 'fail' });
    expect(f!.evidence?.notes?.join('\n')).toMatch(/include:missing\.provider\.example.*no SPF record|does not exist/);
  });
  it('fails SERVFAIL on the TXT lookup as broken DNS', async () => {
    const [f] = problems(await run(spfRecord, 'servfail.example'));
    expect(f).toMatchObject({ status: 'fail', title: 'DNS answers SERVFAIL for TXT servfail.example' });
  });
  it('fails more than 10 DNS lookups and passes exactly 10', async () => {
    const [f] = problems(await run(spfLookups, 'lookups.example'));
    expect(f!.title).toBe('SPF of lookups.example needs 11 DNS lookups; receivers stop at 10 (permerror)');
    expect(problems(await run(spfLookups, 'tenlookups.example'))).toEqual([]);
    expect((await run(spfLookups, 'tenlookups.example'))[0]!.title).toBe('SPF of tenlookups.example needs 10 of 10 DNS lookups');
  });
  it('fails more than 2 void lookups and warns about 1–2', async () => {
    const [f] = problems(await run(spfLookups, 'voids.example'));
    expect(f).toMatchObject({ status: 'fail', title: 'SPF of voids.example has 3 void lookups; receivers allow 2 (permerror)' });
    const [w] = problems(await run(spfLookups, 'twovoids.example'));
    expect(w).toMatchObject({ status: 'warn' });
  });
  it('fails +all with the corrected record', async () => {
    const [f] = problems(await run(spfPolicy, 'plusall.example'));
    expect(f).toMatchObject({ status: 'fail', title: 'SPF of plusall.example ends in +all: any server may send as plusall.example' });
    expect(f!.fix).toContain('Publish TXT at plusall.example: "v=spf1 mx -all"');
  });
  it('fails an include that authorises everyone even though the record ends in -all', async () => {
    const [f] = problems(await run(spfPolicy, 'openinclude.example'));
    expect(f!.title).toContain('authorises nearly any server');
    expect(f!.title).toContain('include:open.provider.example');
  });
  it('warns on ?all and a record without all (medium, a warning of its own), passes ~all with a note and -all', async () => {
    const [q] = problems(await run(spfPolicy, 'qall.example'));
    expect(q).toMatchObject({ status: 'warn', severity: 'medium' });
    expect(q!.fix).toContain('"v=spf1 mx -all"');
    const [n] = problems(await run(spfPolicy, 'noall.example'));
    expect(n).toMatchObject({ status: 'warn', severity: 'medium' });
    const soft = await run(spfPolicy, 'softall.example');
    expect(problems(soft)).toEqual([]);
    expect(soft[0]!.evidence?.notes?.join('\n')).toContain('~all marks unlisted senders as suspicious');
    expect(problems(await run(spfPolicy, 'redirect.example'))).toEqual([]);
  });
});

describe('DKIM', () => {
  it('warns on a 1024-bit key and fails a 512-bit key', async () => {
    const [w] = problems(await run(dkimKeys, 'dkimweak.example'));
    expect(w).toMatchObject({ status: 'warn', severity: 'medium', title: 'DKIM key "google" is 1024-bit RSA; 2048-bit is the standard' });
    const [f] = problems(await run(dkimKeys, 'dkimtiny.example'));
    expect(f).toMatchObject({ status: 'fail', title: 'DKIM key "google" is 512-bit RSA: too short to trust' });
  });
  it('reports a revoked key, testing mode and a broken key', async () => {
    expect(problems(await run(dkimKeys, 'dkimrevoked.example'))[0]).toMatchObject({ status: 'warn', title: 'DKIM selector "google" is revoked (empty p=)' });
    const testing = problems(await run(dkimKeys, 'dkimtesting.example'));
    expect(testing[0]).toMatchObject({ status: 'warn', title: 'DKIM key "google" is in testing mode (t=y)' });
    expect(testing[0]!.fix).not.toContain('t=y;');
    const [broken] = problems(await run(dkimKeys, 'dkimbroken.example'));
    expect(broken).toMatchObject({ status: 'fail' });
    expect(broken!.title).toContain('google._domainkey.dkimbroken.example is broken');
  });
  it('says "not confirmed", not "missing", when no common selector answers', async () => {
    const [w] = problems(await run(dkimKeys, 'dkimnone.example'));
    expect(w).toMatchObject({ status: 'warn' });
    expect(w!.title).toMatch(/^DKIM not confirmed for dkimnone\.example/);
  });
  it('fails a configured selector that has no key', async () => {
    const [f] = problems(await run(dkimKeys, 'dkimnone.example', ['mailer']));
    expect(f).toMatchObject({ status: 'fail', title: 'No DKIM key at the configured selector "mailer" (mailer._domainkey.dkimnone.example)' });
  });
  it('fails a provider selector delegated by CNAME to a name that no longer exists', async () => {
    const [f] = problems(await run(dkimKeys, 'dkimdangling.example'));
    expect(f).toMatchObject({ status: 'fail', severity: 'medium' });
    expect(f!.title).toContain('selector1');
  });
});

describe('DMARC', () => {
  it('fails a missing record with the record to publish', async () => {
    const [f] = problems(await run(dmarcPolicy, 'nodmarc.example'));
    expect(f).toMatchObject({ status: 'fail', title: 'No DMARC record at _dmarc.nodmarc.example' });
    expect(f!.fix).toBe('Publish TXT at _dmarc.nodmarc.example: "v=DMARC1; p=quarantine; rua=mailto:dmarc@nodmarc.example".');
  });
  it('warns on p=none with the enforcing record', async () => {
    const [w] = problems(await run(dmarcPolicy, 'dmarcnone.example'));
    expect(w).toMatchObject({ status: 'warn', severity: 'medium' });
    expect(w!.fix).toContain('"v=DMARC1; p=quarantine; rua=mailto:dmarc@dmarcnone.example"');
  });
  it('warns on pct below 100 and sp=none', async () => {
    const out = problems(await run(dmarcPolicy, 'dmarcpct.example'));
    expect(out.map((f) => f.discriminator)).toEqual(['pct', 'sp']);
    expect(out[0]!.fix).toContain('"v=DMARC1; p=quarantine; sp=none; rua=mailto:dmarc@dmarcpct.example"');
  });
  it('fails an invalid policy, two records and a misspelt version', async () => {
    expect(problems(await run(dmarcPolicy, 'dmarcbad.example'))[0]!.title).toContain('p=maybe');
    expect(problems(await run(dmarcPolicy, 'dmarctwo.example'))[0]!.title).toContain('2 DMARC records');
    expect(problems(await run(dmarcPolicy, 'dmarccase.example'))[0]!.title).toContain('exactly "v=DMARC1"');
  });
  it('applies the organisational domain’s record to a subdomain without its own', async () => {
    const out = await run(dmarcPolicy, 'sub.good.example');
    expect(problems(out)).toEqual([]);
    expect(out[0]!.title).toContain('inherited from _dmarc.good.example');
  });
  it('fails a record without rua', async () => {
    const [f] = problems(await run(dmarcReporting, 'norua.example'));
    expect(f!.fix).toBe('Publish TXT at _dmarc.norua.example: "v=DMARC1; p=reject; rua=mailto:dmarc@norua.example".');
  });
  it('fails reports to another domain that has not authorised them, passes when it has', async () => {
    const [f] = problems(await run(dmarcReporting, 'extrua.example'));
    expect(f).toMatchObject({ status: 'fail', severity: 'medium', location: { record: 'TXT extrua.example._report._dmarc.dmarc-reports.example' } });
    expect(f!.fix).toContain('publish TXT at extrua.example._report._dmarc.dmarc-reports.example: "v=DMARC1"');
    expect(problems(await run(dmarcReporting, 'okrua.example'))).toEqual([]);
    expect((await evidence('good.example')).dmarc.external).toEqual([]);
  });
});

describe('MTA-STS and TLS-RPT (info)', () => {
  it('notes absent and invalid records at info severity', async () => {
    for (const check of [mtaSts, tlsRpt]) {
      const [absent] = problems(await run(check, 'nosts.example'));
      expect(absent).toMatchObject({ status: 'warn' });
      expect(check.meta.severity).toBe('info');
      expect(absent!.fix).toMatch(/publish TXT at _(mta-sts|smtp\._tls)\.nosts\.example/i);
      const [bad] = problems(await run(check, 'badsts.example'));
      expect(bad!.title).toContain('invalid');
    }
  });
});
