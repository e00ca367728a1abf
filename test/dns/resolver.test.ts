import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver } from '../../src/net/dns/resolver.js';
import { DnsServerSyntaxError, parseDnsServer } from '../../src/net/dns/server-address.js';
import { DnsLookupError, describeAnswer, txtOf } from '../../src/net/dns/types.js';
import { findZoneApex } from '../../src/net/dns/zone.js';
import { startDnsServer, type TestDnsServer } from '../fixtures/dns-server.js';

const LONG_TXT = 'v=DKIM1; k=rsa; p=' + 'A'.repeat(400);

const ZONES = {
  'example.com': [
    { type: 'SOA' as const },
    { type: 'A' as const, data: '192.0.2.10' },
    { type: 'AAAA' as const, data: '2001:db8::10' },
    { type: 'MX' as const, data: { preference: 10, exchange: 'mx1.example.com' } },
    { type: 'TXT' as const, data: 'v=spf1 -all' },
    { type: 'NS' as const, data: 'ns1.example.com' },
    { type: 'CAA' as const, data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } },
  ],
  'mx1.example.com': [{ type: 'A' as const, data: '192.0.2.25' }],
  'long.example.com': [{ type: 'TXT' as const, data: LONG_TXT }],
  'chunks.example.com': [{ type: 'TXT' as const, data: ['v=spf1 ', 'ip4:192.0.2.1 ', '-all'] }],
  'a.b.example.com': [{ type: 'A' as const, data: '192.0.2.11' }],
  'www.example.com': [{ type: 'CNAME' as const, data: 'edge.example.com' }],
  'edge.example.com': [{ type: 'CNAME' as const, data: 'site.cdn.test' }],
  'site.cdn.test': [{ type: 'A' as const, data: '192.0.2.99' }],
  'gone.example.com': [{ type: 'CNAME' as const, data: 'missing.example.com' }],
  'big.example.com': Array.from({ length: 80 }, (_, i) => ({ type: 'A' as const, data: `192.0.2.${i + 1}` })),
  'tc.example.com': [{ type: 'TXT' as const, data: 'only over tcp' }],
  'spoofed.example.com': [{ type: 'A' as const, data: '192.0.2.77' }],
  '10.2.0.192.in-addr.arpa': [{ type: 'PTR' as const, data: 'example.com' }],
};

let server: TestDnsServer;
beforeAll(async () => {
  server = await startDnsServer({
    origins: ['example.com', 'cdn.test', 'in-addr.arpa'],
    zones: ZONES,
    truncate: ['tc.example.com'],
    servfail: ['broken.example.com'],
    timeout: ['slow.example.com'],
    spoof: ['spoofed.example.com'],
  });
});
afterAll(() => server.close());

const resolver = () => createResolver({ servers: [server.address], timeoutMs: 400, retries: 1 });

describe('resolver over real UDP/TCP', () => {
  it('reads every record type it models', async () => {
    const r = resolver();
    expect((await r.query('example.com', 'A')).records.map((x) => x.data)).toEqual(['192.0.2.10']);
    expect((await r.query('EXAMPLE.com.', 'AAAA')).records.map((x) => x.data)).toEqual(['2001:db8::10']);
    expect((await r.query('example.com', 'MX')).records[0]?.data).toEqual({ preference: 10, exchange: 'mx1.example.com' });
    expect(txtOf(await r.query('example.com', 'TXT'))).toEqual(['v=spf1 -all']);
    expect((await r.query('example.com', 'NS')).records[0]?.data).toBe('ns1.example.com');
    expect((await r.query('example.com', 'CAA')).records[0]?.data).toEqual({ flags: 0, tag: 'issue', value: 'letsencrypt.org' });
    expect((await r.query('example.com', 'SOA')).records[0]?.type).toBe('SOA');
    expect((await r.query('10.2.0.192.in-addr.arpa', 'PTR')).records[0]?.data).toBe('example.com');
  });

  it('joins the character-strings of one TXT record with no separator, including >255-byte strings', async () => {
    const r = resolver();
    expect(txtOf(await r.query('chunks.example.com', 'TXT'))).toEqual(['v=spf1 ip4:192.0.2.1 -all']);
    expect(txtOf(await r.query('long.example.com', 'TXT'))).toEqual([LONG_TXT]);
  });

  it('tells NXDOMAIN from NOERROR with no data (an empty non-terminal exists)', async () => {
    const r = resolver();
    const nx = await r.query('nope.example.com', 'A');
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authority[0]?.name).toBe('example.com');
    const nodata = await r.query('b.example.com', 'A');
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.records).toEqual([]);
    expect((await r.query('example.com', 'PTR')).rcode).toBe('NOERROR');
  });

  it('follows a CNAME chain across zones, chasing past the authoritative server’s zone edge', async () => {
    const a = await resolver().query('www.example.com', 'A');
    expect(a.rcode).toBe('NOERROR');
    expect(a.cnameChain).toEqual(['edge.example.com', 'site.cdn.test']);
    expect(a.records.map((x) => x.data)).toEqual(['192.0.2.99']);
    expect(describeAnswer(a)).toContain('CNAME → edge.example.com → site.cdn.test');
  });

  it('reports a dangling CNAME as NXDOMAIN with the chain that leads nowhere', async () => {
    const a = await resolver().query('gone.example.com', 'A');
    expect(a.rcode).toBe('NXDOMAIN');
    expect(a.cnameChain).toEqual(['missing.example.com']);
    const c = await resolver().query('gone.example.com', 'CNAME');
    expect(c.records[0]?.data).toBe('missing.example.com');
  });

  it('retries over TCP when the UDP reply is truncated (TC bit)', async () => {
    const before = server.queries.length;
    const a = await resolver().query('tc.example.com', 'TXT');
    expect(a.tcp).toBe(true);
    expect(txtOf(a)).toEqual(['only over tcp']);
    expect(server.queries.slice(before).map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('falls back to TCP for answers larger than the EDNS buffer', async () => {
    const a = await resolver().query('big.example.com', 'A');
    expect(a.tcp).toBe(true);
    expect(a.records).toHaveLength(80);
  });

  it('returns SERVFAIL as a value', async () => {
    const a = await resolver().query('broken.example.com', 'TXT');
    expect(a.rcode).toBe('SERVFAIL');
  });

  it('returns a typed timeout after bounded retries, within the deadline', async () => {
    const started = Date.now();
    const a = await createResolver({ servers: [server.address], timeoutMs: 150, retries: 1 }).query('slow.example.com', 'A');
    expect(a.rcode).toBe('TIMEOUT');
    expect(a.error?.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(server.queries.filter((q) => q.name === 'slow.example.com')).toHaveLength(2);
  });

  it('ignores a reply whose id does not match its query', async () => {
    const a = await resolver().query('spoofed.example.com', 'A');
    expect(a.records.map((x) => x.data)).toEqual(['192.0.2.77']);
  });

  it('moves to the next server when one does not answer', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    try {
      const r = createResolver({ servers: [{ host: '127.0.0.1', port: silent.address().port }, server.address], timeoutMs: 200, retries: 1 });
      expect((await r.query('example.com', 'A')).records.map((x) => x.data)).toEqual(['192.0.2.10']);
    } finally {
      silent.close();
    }
  });

  it('refuses a non-loopback DNS server under the loopback guard, without sending anything', async () => {
    const started = Date.now();
    const a = await createResolver({ servers: [{ host: '192.0.2.53', port: 53 }], timeoutMs: 2000 }).query('example.com', 'A');
    expect(a.rcode).toBe('ERROR');
    expect(a.error?.kind).toBe('guard');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('answers --resolve overrides without asking DNS, in query() and lookup()', async () => {
    const r = createResolver({ servers: [server.address], overrides: new Map([['app.example.com', ['127.0.0.1', '::1']]]) });
    expect((await r.query('app.example.com', 'A')).records.map((x) => x.data)).toEqual(['127.0.0.1']);
    expect((await r.query('APP.example.com', 'AAAA')).server).toBe('override');
    expect(await r.lookup('app.example.com')).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
  });

  it('lookup() returns both families, [] for a name without addresses, and throws a typed error for broken DNS', async () => {
    const r = resolver();
    expect(await r.lookup('example.com')).toEqual([
      { address: '192.0.2.10', family: 4 },
      { address: '2001:db8::10', family: 6 },
    ]);
    expect(await r.lookup('nope.example.com')).toEqual([]);
    expect(await r.lookup('[::1]')).toEqual([{ address: '::1', family: 6 }]);
    await expect(r.lookup('broken.example.com')).rejects.toBeInstanceOf(DnsLookupError);
  });

  it('rejects names DNS cannot carry instead of sending them', async () => {
    const a = await resolver().query('x'.repeat(64) + '.example.com', 'A');
    expect(a.rcode).toBe('ERROR');
    expect(a.error?.kind).toBe('bad-name');
  });

  it('finds the zone apex from the SOA', async () => {
    expect((await findZoneApex(resolver(), 'a.b.example.com')).apex).toBe('example.com');
    expect((await findZoneApex(resolver(), 'example.com')).apex).toBe('example.com');
  });
});

describe('parseDnsServer (--dns SERVER[:PORT])', () => {
  it.each([
    ['1.1.1.1', { host: '1.1.1.1', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['::1', { host: '::1', port: 53 }],
    ['[::1]', { host: '::1', port: 53 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
    [' 2001:db8::53 ', { host: '2001:db8::53', port: 53 }],
  ])('parses %s', (input, expected) => {
    expect(parseDnsServer(input)).toEqual(expected);
  });

  it.each(['', 'dns.google', '1.1.1.1:0', '1.1.1.1:70000', '1.1.1.1:abc', '[1.1.1.1]:53', '::1:5353x', '[::1]:', '300.1.1.1'])('rejects %j with an error naming --dns', (input) => {
    expect(() => parseDnsServer(input)).toThrow(DnsServerSyntaxError);
    expect(() => parseDnsServer(input)).toThrow(/^--dns /);
  });
});

describe('CNAME loops across zone edges', () => {
  it('ends with SERVFAIL instead of hanging, even when both ends are asked at once', async () => {
    const loop = await startDnsServer({
      origins: ['one.test', 'two.test'],
      zones: { 'a.one.test': [{ type: 'CNAME', data: 'b.two.test' }], 'b.two.test': [{ type: 'CNAME', data: 'a.one.test' }] },
    });
    try {
      const r = createResolver({ servers: [loop.address], timeoutMs: 500, retries: 0 });
      const [x, y] = await Promise.all([r.query('a.one.test', 'A'), r.query('b.two.test', 'A')]);
      expect(x.rcode).toBe('SERVFAIL');
      expect(y.rcode).toBe('SERVFAIL');
    } finally {
      await loop.close();
    }
  });
});
