import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateChain } from '../../src/checks/domain-tls/certificate-chain.js';
import { certificateExpiry } from '../../src/checks/domain-tls/certificate-expiry.js';
import { certificateHostname } from '../../src/checks/domain-tls/certificate-hostname.js';
import { certificateStrength } from '../../src/checks/domain-tls/certificate-strength.js';
import { tlsVersions } from '../../src/checks/domain-tls/tls-versions.js';
import type { Finding } from '../../src/model/finding.js';
import { tlsFixtures, type Pair, type TlsFixtures } from '../fixtures/tls/certs.js';
import { startHttpServer, startTlsServer, type RunningServer, type TlsServerOptions } from '../fixtures/tls/servers.js';
import { byCheck, connectTo, runOn, summary } from './helpers.js';

/**
 * The TLS checks against real TLS servers on 127.0.0.1 with certificates generated for the test.
 * Hostnames under launchready.test are mapped with --connect-to, so SNI and the hostname check are real.
 */

const TLS_CHECKS = [certificateChain, certificateHostname, certificateExpiry, tlsVersions, certificateStrength];

let f: TlsFixtures;
const servers: RunningServer[] = [];
let aia: RunningServer;

beforeAll(async () => {
  f = tlsFixtures();
  // The AIA "CA Issuers" URL of the test leaves: http://ca.launchready.test/int.der
  aia = await startHttpServer((req, res) => {
    if (req.url === '/int.der') res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(f.intermediateDer);
    else res.writeHead(404).end();
  });
  servers.push(aia);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function audit(host: string, pair: Pair, o: { server?: TlsServerOptions; ca?: string | null; now?: Date; thresholds?: { certDaysWarn?: number; certDaysFail?: number } } = {}): Promise<Finding[]> {
  const server = await startTlsServer(pair, o.server);
  servers.push(server);
  const { findings } = await runOn({
    checks: TLS_CHECKS,
    config: { domains: [host], ...(o.thresholds ? { thresholds: o.thresholds } : {}) },
    overrides: [connectTo(host, 443, server.port), connectTo('ca.launchready.test', 80, aia.port)],
    ...(o.ca === null ? {} : { ca: o.ca ?? f.rootCa }),
    ...(o.now ? { now: o.now } : {}),
  });
  return findings;
}

function only(findings: Finding[], check: string): Finding {
  const list = byCheck(findings, check);
  expect(list, summary(findings)).toHaveLength(1);
  return list[0]!;
}

describe('a valid certificate from the test CA (trusted through --ca)', () => {
  it('passes every TLS check and shows subject, issuer, SANs, validity, fingerprint, protocol and cipher', async () => {
    const findings = await audit('valid.launchready.test', f.valid);
    for (const c of TLS_CHECKS) expect(only(findings, c.meta.id).status, summary(findings)).toBe('pass');
    const notes = only(findings, 'domain-tls/certificate-chain').evidence.notes!.join('\n');
    expect(notes).toContain('CN=valid.launchready.test');
    expect(notes).toContain('issuer: CN=Launchready Test Intermediate CA');
    expect(notes).toContain('names (SAN): valid.launchready.test, www.valid.launchready.test');
    expect(notes).toMatch(/valid: \d{4}-\d\d-\d\dT.* → \d{4}-/);
    expect(notes).toMatch(/SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(notes).toMatch(/protocol: TLSv1\.3, cipher: TLS_AES/);
    expect(only(findings, 'domain-tls/certificate-chain').evidence.reproduce).toMatch(/^openssl s_client -connect 127\.0\.0\.1:\d+ -servername valid\.launchready\.test/);
  });

  it('is not trusted without --ca: the private root is not a system root', async () => {
    const findings = await audit('valid.launchready.test', f.valid, { ca: null });
    const chain = only(findings, 'domain-tls/certificate-chain');
    expect(chain.status).toBe('fail');
    expect(chain.severity).toBe('critical');
  });
});

describe('validity window', () => {
  it('an expired certificate fails critical with the expiry date, and the chain itself still counts as trusted', async () => {
    const findings = await audit('expired.launchready.test', f.expired);
    const expiry = only(findings, 'domain-tls/certificate-expiry');
    expect(expiry.status).toBe('fail');
    expect(expiry.severity).toBe('critical');
    expect(expiry.title).toMatch(/expired on \d{4}-\d\d-\d\d .*\(1\d days ago\)/);
    expect(expiry.fix).toContain('certbot renew');
    expect(only(findings, 'domain-tls/certificate-chain').status).toBe('pass');
  });

  it('a certificate that is not valid yet fails critical', async () => {
    const findings = await audit('notyet.launchready.test', f.notYetValid);
    const expiry = only(findings, 'domain-tls/certificate-expiry');
    expect(expiry.status).toBe('fail');
    expect(expiry.severity).toBe('critical');
    expect(expiry.title).toContain('not valid yet');
  });

  it('expiring in 5 days fails (under certDaysFail 7); in 14 days warns (under certDaysWarn 21)', async () => {
    const soon = only(await audit('soon.launchready.test', f.expiresIn5Days), 'domain-tls/certificate-expiry');
    expect(soon.status).toBe('fail');
    expect(soon.severity).toBe('high');
    // Whole days to expiry: a fixture made earlier today (they are cached per day) has 4 left.
    expect(soon.title).toMatch(/expires in [45] days/);
    const later = only(await audit('later.launchready.test', f.expiresIn14Days), 'domain-tls/certificate-expiry');
    expect(later.status).toBe('warn');
    expect(later.title).toMatch(/expires in 1[34] days/);
  });

  it('the thresholds come from the config', async () => {
    const relaxed = only(await audit('later.launchready.test', f.expiresIn14Days, { thresholds: { certDaysWarn: 10, certDaysFail: 3 } }), 'domain-tls/certificate-expiry');
    expect(relaxed.status).toBe('pass');
    const strict = only(await audit('later.launchready.test', f.expiresIn14Days, { thresholds: { certDaysWarn: 60, certDaysFail: 30 } }), 'domain-tls/certificate-expiry');
    expect(strict.status).toBe('fail');
  });

  it('days are counted from the run clock (ctx.now), not the wall clock', async () => {
    // The valid certificate ends 90 days after generation (earlier today): 86 days on, under 7 are left.
    const later = new Date(Date.now() + 86 * 86_400_000);
    const expiry = only(await audit('valid.launchready.test', f.valid, { now: later }), 'domain-tls/certificate-expiry');
    expect(expiry.status).toBe('fail');
    expect(expiry.title).toMatch(/expires in [0-4] days/);
  });
});

describe('hostname', () => {
  it('a certificate for another name fails critical and names what it covers', async () => {
    const findings = await audit('wrong.launchready.test', f.wrongHost);
    const host = only(findings, 'domain-tls/certificate-hostname');
    expect(host.status).toBe('fail');
    expect(host.severity).toBe('critical');
    expect(host.title).toContain('other.launchready.test');
    expect(host.fix).toContain('certbot --nginx -d wrong.launchready.test');
    expect(only(findings, 'domain-tls/certificate-chain').status).toBe('pass');
  });

  it('a SAN for www. does not cover another subdomain, and the matching name passes', async () => {
    expect(only(await audit('www.valid.launchready.test', f.valid), 'domain-tls/certificate-hostname').status).toBe('pass');
    expect(only(await audit('api.valid.launchready.test', f.valid), 'domain-tls/certificate-hostname').status).toBe('fail');
  });
});

describe('chain of trust', () => {
  it('a self-signed certificate is called self-signed, not a missing intermediate', async () => {
    const chain = only(await audit('self.launchready.test', f.selfSigned), 'domain-tls/certificate-chain');
    expect(chain.status).toBe('fail');
    expect(chain.severity).toBe('critical');
    expect(chain.title).toContain('self-signed');
    expect(chain.fix).toContain('certbot');
  });

  it('a chain ending at a root nobody trusts names that root', async () => {
    const chain = only(await audit('private.launchready.test', f.untrustedRoot), 'domain-tls/certificate-chain');
    expect(chain.status).toBe('fail');
    expect(chain.severity).toBe('critical');
    expect(chain.title).toContain('Someone Else Private Root');
  });

  it('a missing intermediate (found through AIA, leading to a trusted root) fails high and says to serve fullchain.pem', async () => {
    const chain = only(await audit('valid.launchready.test', f.missingIntermediate), 'domain-tls/certificate-chain');
    expect(chain.status).toBe('fail');
    expect(chain.severity).toBe('high');
    expect(chain.title).toContain('incomplete certificate chain');
    expect(chain.title).toContain('CN=Launchready Test Intermediate CA');
    expect(chain.fix).toContain('fullchain.pem');
    expect(chain.evidence.notes!.join('\n')).toContain('AIA http://ca.launchready.test/int.der: downloaded CN=Launchready Test Intermediate CA');
  });

  it('without an AIA URL the issuer cannot be fetched: an unknown issuer, critical, with both possible fixes', async () => {
    const chain = only(await audit('noaia.launchready.test', f.missingIntermediateNoAia), 'domain-tls/certificate-chain');
    expect(chain.status).toBe('fail');
    expect(chain.severity).toBe('critical');
    expect(chain.title).toContain('Launchready Test Intermediate CA');
    expect(chain.title).toContain('an intermediate is missing or the CA is not trusted');
    expect(chain.fix).toContain('fullchain.pem');
  });

  it('a server that sends only its leaf fails even when the local trust store happens to hold the intermediate', async () => {
    const chain = only(await audit('valid.launchready.test', f.missingIntermediate, { ca: f.rootCa + f.intermediate }), 'domain-tls/certificate-chain');
    expect(chain.status).toBe('fail');
    expect(chain.severity).toBe('high');
    expect(chain.title).toContain('does not send its intermediate');
  });
});

describe('key and signature strength', () => {
  it('an RSA 1024 key fails high', async () => {
    const s = only(await audit('weak.launchready.test', f.rsa1024), 'domain-tls/certificate-strength');
    expect(s.status).toBe('fail');
    expect(s.severity).toBe('high');
    expect(s.title).toContain('1024-bit RSA key');
  });

  it('a SHA-1 signed certificate fails critical (the probe still connects at SECLEVEL 0)', async () => {
    const findings = await audit('sha1.launchready.test', f.sha1);
    const s = only(findings, 'domain-tls/certificate-strength');
    expect(s.status).toBe('fail');
    expect(s.severity).toBe('critical');
    expect(s.title).toContain('SHA1 signature (sha1WithRSAEncryption)');
    expect(only(findings, 'domain-tls/certificate-chain').status).toBe('pass');
  });

  it('an ECDSA P-256 certificate passes', async () => {
    expect(only(await audit('ec.launchready.test', f.ecP256), 'domain-tls/certificate-strength').status).toBe('pass');
  });
});

describe('protocol versions', () => {
  async function legacyAvailable(): Promise<boolean> {
    try {
      const s = await startTlsServer(f.valid, { minVersion: 'TLSv1', maxVersion: 'TLSv1' });
      await s.close();
      return true;
    } catch (err) {
      console.warn(`SKIPPED: this OpenSSL build refuses a TLS 1.0 server (${(err as Error).message}); the TLS 1.0 tests did not run`);
      return false;
    }
  }

  it('a server that accepts TLS 1.0 and 1.1 besides 1.2/1.3 fails once per legacy version', async (ctx) => {
    if (!(await legacyAvailable())) return ctx.skip();
    const findings = byCheck(await audit('valid.launchready.test', f.valid, { server: { minVersion: 'TLSv1' } }), 'domain-tls/tls-versions');
    expect(findings.map((x) => `${x.status} ${x.severity}`).sort(), summary(findings)).toEqual(['fail high', 'fail high']);
    expect(findings.map((x) => x.title).join('\n')).toMatch(/accepts TLS 1\.0[\s\S]*accepts TLS 1\.1|accepts TLS 1\.1[\s\S]*accepts TLS 1\.0/);
    expect(findings[0]!.fix).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(new Set(findings.map((x) => x.id)).size).toBe(2);
  });

  it('a TLS 1.0-only server also fails critical: current browsers cannot connect at all', async (ctx) => {
    if (!(await legacyAvailable())) return ctx.skip();
    const findings = byCheck(await audit('valid.launchready.test', f.valid, { server: { minVersion: 'TLSv1', maxVersion: 'TLSv1' } }), 'domain-tls/tls-versions');
    expect(findings.some((x) => x.status === 'fail' && x.severity === 'critical' && x.title.includes('does not accept TLS 1.2 or 1.3')), summary(findings)).toBe(true);
    expect(findings.some((x) => x.status === 'fail' && x.title.includes('accepts TLS 1.0'))).toBe(true);
  });

  it('TLS 1.2 without 1.3 passes, with a note about 1.3', async () => {
    const v = only(await audit('valid.launchready.test', f.valid, { server: { maxVersion: 'TLSv1.2' } }), 'domain-tls/tls-versions');
    expect(v.status).toBe('pass');
    expect(v.evidence.notes!.join('\n')).toContain('TLS 1.3 not supported');
  });
});

describe('hosts that do not complete a handshake', () => {
  it('a closed port: the chain check fails high ("does not serve HTTPS"), the others skip', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const { findings } = await runOn({ checks: TLS_CHECKS, config: { domains: ['closed.launchready.test'] }, overrides: [connectTo('closed.launchready.test', 443, port)] });
    const chain = only(findings, 'domain-tls/certificate-chain');
    expect(chain.status).toBe('fail');
    expect(chain.title).toContain('does not serve HTTPS');
    for (const id of ['domain-tls/certificate-expiry', 'domain-tls/tls-versions', 'domain-tls/certificate-hostname']) expect(only(findings, id).status).toBe('skip');
  });

  it('a server that speaks something other than TLS: the handshake fails, critical', async () => {
    const garbage = net.createServer((s) => s.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    try {
      const { findings } = await runOn({ checks: TLS_CHECKS, config: { domains: ['plain.launchready.test'] }, overrides: [connectTo('plain.launchready.test', 443, (garbage.address() as net.AddressInfo).port)] });
      const chain = only(findings, 'domain-tls/certificate-chain');
      expect(chain.status).toBe('fail');
      expect(chain.severity).toBe('critical');
      expect(chain.title).toContain('TLS handshake');
    } finally {
      await new Promise<void>((r) => garbage.close(() => r()));
    }
  });

  it('a server that never answers is an error within the deadline, not a hang', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const t0 = Date.now();
      const { findings } = await runOn({
        checks: [certificateChain],
        config: { domains: ['silent.launchready.test'], budget: { timeoutMs: 400 } },
        overrides: [connectTo('silent.launchready.test', 443, (silent.address() as net.AddressInfo).port)],
      });
      expect(Date.now() - t0).toBeLessThan(3000);
      const chain = only(findings, 'domain-tls/certificate-chain');
      expect(chain.status).toBe('error');
      expect(chain.reason).toContain('no TLS handshake within 400 ms');
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
