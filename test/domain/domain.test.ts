import type http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/app/audit.js';
import { domainChecks, domainHosts, parseDomainArgument, runDomainAudit } from '../../src/domain/index.js';
import { DEVELOPMENT_TARGET_REASON } from '../../src/engine/runner.js';
import { startDnsServer, type TestDnsServer, type Zones } from '../fixtures/dns-server.js';
import { tlsFixtures, type Pair, type TlsFixtures } from '../fixtures/tls/certs.js';
import { startHttpServer, startHttpsServer, type RunningServer } from '../fixtures/tls/servers.js';

/**
 * `launchready domain DOMAIN` end to end, offline: an authoritative DNS server on loopback (--dns),
 * HTTP and HTTPS servers on loopback reached with --connect-to, the test CA with --ca. Everything
 * resolves to 127.0.0.1 — and the public-hostname checks still run.
 */

const DOMAIN = 'valid.launchready.test';
const WWW = `www.${DOMAIN}`;

let f: TlsFixtures;
let dns: TestDnsServer;
let plain: RunningServer;
let secure: RunningServer | undefined;
let caFile: string;

const ZONE: Zones = {
  [DOMAIN]: [
    { type: 'SOA' },
    { type: 'NS', data: `ns1.${DOMAIN}` },
    { type: 'NS', data: 'ns2.dns-provider.launchready.test' },
    { type: 'A', data: '127.0.0.1' },
    { type: 'CAA', data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } },
    { type: 'MX', data: { preference: 10, exchange: `mx.${DOMAIN}` } },
    { type: 'TXT', data: 'v=spf1 mx -all' },
  ],
  [`ns1.${DOMAIN}`]: [{ type: 'A', data: '127.0.0.53' }],
  'ns2.dns-provider.launchready.test': [{ type: 'A', data: '127.0.0.54' }],
  [`mx.${DOMAIN}`]: [{ type: 'A', data: '127.0.0.25' }],
  [WWW]: [{ type: 'CNAME', data: DOMAIN }],
  [`_dmarc.${DOMAIN}`]: [{ type: 'TXT', data: `v=DMARC1; p=reject; rua=mailto:dmarc@${DOMAIN}` }],
};

function site(req: http.IncomingMessage, res: http.ServerResponse, scheme: 'http' | 'https'): void {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (scheme === 'http') return void res.writeHead(301, { location: `https://${host}${req.url}` }).end();
  if (host === WWW) return void res.writeHead(301, { location: `https://${DOMAIN}${req.url}` }).end();
  res
    .writeHead(200, {
      'content-type': 'text/html',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      server: 'cloudflare',
      'cf-ray': '8a1b2c3d4e5f6a7b-FRA',
    })
    .end('<html><body>shop</body></html>');
}

async function serveHttps(pair: Pair): Promise<void> {
  await secure?.close();
  secure = await startHttpsServer(pair, (req, res) => site(req, res, 'https'));
}

beforeAll(async () => {
  f = tlsFixtures();
  dns = await startDnsServer({ zones: ZONE });
  plain = await startHttpServer((req, res) => site(req, res, 'http'));
  caFile = join(f.dir, 'root.pem');
  writeFileSync(join(f.dir, 'not-a-cert.txt'), 'hello');
});

afterAll(async () => {
  await Promise.all([dns.close(), plain.close(), secure?.close()]);
});

function options() {
  return {
    domain: DOMAIN,
    failOn: 'high' as const,
    dnsServers: [dns.address],
    connectTo: [`${DOMAIN}:80:127.0.0.1:${plain.port}`, `${WWW}:80:127.0.0.1:${plain.port}`, `${DOMAIN}:443:127.0.0.1:${secure!.port}`, `${WWW}:443:127.0.0.1:${secure!.port}`],
    caFile,
    timeoutMs: 3000,
    runDeadlineMs: 40_000,
    checkDeadlineMs: 30_000,
  };
}

describe('runDomainAudit', () => {
  it('judges DNS, redirects, TLS, the edge and mail of DOMAIN and www.DOMAIN, even though both resolve to 127.0.0.1', async () => {
    await serveHttps(f.valid);
    const report = await runDomainAudit(options());
    expect(report.target).toBe(DOMAIN);
    const checks = new Set(report.findings.map((x) => x.check));
    for (const id of ['domain-tls/certificate-chain', 'domain-tls/certificate-expiry', 'domain-tls/tls-versions', 'domain-tls/https-redirect', 'domain-tls/canonical-host', 'domain-tls/hsts', 'edge/cdn'])
      expect(checks, id).toContain(id);
    expect([...checks].some((c) => c.startsWith('email/')), 'email checks ran').toBe(true);
    expect([...checks].some((c) => c.startsWith('domain-tls/dns')), 'DNS checks ran').toBe(true);
    expect(report.findings.filter((x) => x.reason === DEVELOPMENT_TARGET_REASON)).toEqual([]);
    // No check from areas a domain audit does not cover (authorization, load …).
    expect(report.findings.every((x) => ['domain-tls', 'email', 'edge'].includes(x.area))).toBe(true);
    const tls = report.findings.filter((x) => x.check.startsWith('domain-tls/certificate') || x.check === 'domain-tls/tls-versions');
    expect(tls.filter((x) => x.status !== 'pass'), JSON.stringify(tls.filter((x) => x.status !== 'pass'), null, 1)).toEqual([]);
    expect(tls.filter((x) => x.location.domain === WWW).length).toBeGreaterThan(0);
    expect(report.findings.find((x) => x.check === 'domain-tls/canonical-host')!.status).toBe('pass');
    const certs = (report.facts as { certificates?: Array<{ host: string }> }).certificates ?? [];
    expect(certs.map((c) => c.host).sort()).toEqual([DOMAIN, WWW]);
    expect(report.scorecard.find((r) => r.area === 'domain-tls')!.counts.pass).toBeGreaterThan(5);
  });

  it('an expired certificate makes the domain not ready, with the certificate among the first blockers', async () => {
    await serveHttps(f.expired);
    const report = await runDomainAudit({ ...options(), domain: 'expired.launchready.test', connectTo: [`expired.launchready.test:443:127.0.0.1:${secure!.port}`, `expired.launchready.test:80:127.0.0.1:${plain.port}`], includeWww: false });
    expect(report.verdict).toBe('not-ready');
    const expiry = report.findings.find((x) => x.check === 'domain-tls/certificate-expiry' && x.status === 'fail');
    expect(expiry?.severity).toBe('critical');
    expect(report.blockers).toContain(expiry!.id);
  });
});

describe('the DOMAIN argument', () => {
  it('accepts a name or a URL and pairs it with www', () => {
    expect(parseDomainArgument('Example.COM.')).toBe('example.com');
    expect(parseDomainArgument('https://shop.example.com/path')).toBe('shop.example.com');
    expect(domainHosts('example.com')).toEqual({ hosts: ['example.com', 'www.example.com'], apex: 'example.com' });
    expect(domainHosts('www.example.com')).toEqual({ hosts: ['www.example.com', 'example.com'], apex: 'example.com' });
  });

  it('refuses what is not a domain name with a usage error (exit 2)', () => {
    for (const bad of ['', 'localhost', '127.0.0.1', 'exa mple.com', '-bad.com', 'a..b', 'x.123']) expect(() => parseDomainArgument(bad), bad).toThrow(UsageError);
  });

  it('refuses a --ca file that holds no certificate, and a missing one', async () => {
    await expect(runDomainAudit({ domain: DOMAIN, failOn: 'high', caFile: join(f.dir, 'not-a-cert.txt'), checks: [] })).rejects.toThrow(/no PEM certificate/);
    await expect(runDomainAudit({ domain: DOMAIN, failOn: 'high', caFile: join(f.dir, 'missing.pem'), checks: [] })).rejects.toThrow(/file not found/);
  });

  it('selects the domain-tls and email areas plus the edge checks that need only the landing page', () => {
    const ids = domainChecks().map((c) => c.meta.id);
    expect(ids).toContain('edge/cdn');
    expect(ids).not.toContain('edge/private-cache');
    expect(ids.filter((id) => id.startsWith('domain-tls/')).length).toBeGreaterThan(8);
  });
});
