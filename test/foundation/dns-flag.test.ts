import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../fixtures/dns-server.js';
import { runCli, startServer } from '../helpers.js';

describe('audit --dns SERVER[:PORT] resolves every name through that server', () => {
  let dns: TestDnsServer;
  let app: Awaited<ReturnType<typeof startServer>>;
  let hits = 0;
  beforeAll(async () => {
    app = await startServer((_req, res) => {
      hits++;
      res.setHeader('content-type', 'text/html');
      res.end('<h1>hello</h1>');
    });
    dns = await startDnsServer({ zones: { 'app.launchready.test': [{ type: 'A', data: '127.0.0.1' }], 'off.launchready.test': [{ type: 'A', data: '192.0.2.44' }] } });
  });
  afterAll(async () => {
    await Promise.all([app.close(), dns.close()]);
  });

  it('reaches the app by a name only the given DNS server knows', async () => {
    const port = new URL(app.url).port;
    const r = await runCli(['audit', `http://app.launchready.test:${port}`, '--dns', `127.0.0.1:${dns.port}`, '--only', 'edge', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(hits).toBeGreaterThan(0);
    expect(dns.queries.some((q) => q.name === 'app.launchready.test')).toBe(true);
    expect(JSON.parse(r.stdout).findings.some((f: { check: string; status: string }) => f.check === 'edge/security-headers' && f.status === 'fail')).toBe(true);
  });

  it('a name that resolves off loopback is refused by the loopback guard, and the run is incomplete', async () => {
    const r = await runCli(['audit', 'http://off.launchready.test:80', '--dns', `127.0.0.1:${dns.port}`, '--only', 'edge', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/loopback guard/);
  });

  it('a malformed --dns value exits 2 naming the flag', async () => {
    const r = await runCli(['audit', 'http://127.0.0.1:9', '--dns', '127.0.0.1:notaport']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dns/);
  });
});
