import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/app/audit.js';
import { danglingCname } from '../../src/checks/domain-tls/dns-dangling-cname.js';
import { parseDomainArgument, runDomainAudit } from '../../src/domain/index.js';
import { parseOverrides } from '../../src/app/audit.js';
import { startDnsServer, type TestDnsServer, type Zones } from '../fixtures/dns-server.js';

/** Issue #16, domain 5–6: extra hosts with --host, IDNs converted to punycode, valid IPv6 --resolve hints. */

const D = 'hosts.launchready.test';
const ZONE: Zones = {
  [D]: [{ type: 'SOA' }, { type: 'A', data: '127.0.0.1' }],
  [`www.${D}`]: [{ type: 'CNAME', data: D }],
  // A forgotten subdomain: CNAME to an app that was deleted on the provider.
  [`shop.${D}`]: [{ type: 'CNAME', data: 'old-shop-7731.herokuapp.com' }],
  [`blog.${D}`]: [{ type: 'A', data: '127.0.0.1' }],
  'xn--bcher-kva.launchready.test': [{ type: 'SOA' }, { type: 'A', data: '127.0.0.1' }],
};

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer({ zones: ZONE });
});
afterAll(() => dns.close());

describe('domain --host (repeatable)', () => {
  it('checks extra subdomains: a dangling CNAME on shop.<domain> is found', async () => {
    const base = { domain: D, failOn: 'high' as const, dnsServers: [dns.address], checks: [danglingCname], runDeadlineMs: 20_000, checkDeadlineMs: 15_000 };
    const without = await runDomainAudit(base);
    expect(without.findings.filter((f) => f.status === 'fail')).toEqual([]);
    const report = await runDomainAudit({ ...base, hosts: [`shop.${D}`, `blog.${D}`] });
    const failing = report.findings.filter((f) => f.status === 'fail');
    expect(failing.map((f) => f.location.domain)).toEqual([`shop.${D}`]);
    expect(failing[0]!.title).toContain('old-shop-7731.herokuapp.com');
  });

  it('refuses a --host that is not a host name (exit 2)', async () => {
    await expect(runDomainAudit({ domain: D, failOn: 'high', hosts: ['not a host'], checks: [] })).rejects.toThrow(UsageError);
    await expect(runDomainAudit({ domain: D, failOn: 'high', hosts: ['not a host'], checks: [] })).rejects.toThrow(/--host/);
  });
});

describe('internationalised domain names', () => {
  it('converts an IDN to punycode', () => {
    expect(parseDomainArgument('bücher.example')).toBe('xn--bcher-kva.example');
    expect(parseDomainArgument('https://BÜCHER.example/katalog')).toBe('xn--bcher-kva.example');
    expect(parseDomainArgument('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
  });

  it('audits the punycode name', async () => {
    const report = await runDomainAudit({ domain: 'bücher.launchready.test', failOn: 'high', dnsServers: [dns.address], checks: [danglingCname], includeWww: false });
    expect(report.target).toBe('xn--bcher-kva.launchready.test');
  });
});

describe('--resolve with an IPv6 address', () => {
  it('accepts a bracketed IPv6 address and refuses malformed ones', () => {
    expect(parseOverrides([`${D}:443:[::1]`])[0]).toMatchObject({ host: D, port: 443, toHost: '::1' });
    for (const bad of [`${D}:443:[::1`, `${D}:443:::1]`, `${D}:443:[127.0.0.1]`, `${D}:443:[::g]`, `${D}:443:[]`]) {
      expect(() => parseOverrides([bad]), bad).toThrow(UsageError);
    }
  });
});
