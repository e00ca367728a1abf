import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { danglingCname } from '../../src/checks/domain-tls/dns-dangling-cname.js';
import { dnsEvidence } from '../../src/checks/domain-tls/dns-evidence.js';
import { runCheckCase } from '../../src/engine/check-tester.js';
import { createResolver } from '../../src/net/dns/resolver.js';
import { startDnsServer, type TestDnsServer } from '../fixtures/dns-server.js';

/** "Not tested" is never "pass": a dangling-CNAME check that got no DNS answer says so. */

let server: TestDnsServer;
beforeAll(async () => {
  server = await startDnsServer({
    zones: { 'ok.example': [{ type: 'SOA' }, { type: 'A', data: '192.0.2.10' }], 'app.ok.example': [{ type: 'CNAME', data: 'ok.example' }] },
    servfail: ['broken.ok.example'],
    timeout: ['silent.ok.example'],
  });
});
afterAll(() => server.close());

async function judge(servers: Array<{ host: string; port: number }>, names: string[]) {
  // The answering DNS server runs in this process: under a loaded test run its answers can be slow.
  const resolver = createResolver({ servers, timeoutMs: 800, retries: 0 });
  const dns = await dnsEvidence(resolver, names.map((name) => ({ name, role: 'configured' as const })));
  return runCheckCase(danglingCname, { name: 'dns', evidence: { dns } });
}

describe('domain-tls/dns-dangling-cname without an answer', () => {
  it('a dead resolver: error with the reason, never a pass', async () => {
    const sink = createSocket('udp4');
    sink.bind(0, '127.0.0.1');
    await once(sink, 'listening');
    try {
      const out = await judge([{ host: '127.0.0.1', port: sink.address().port }], ['app.ok.example']);
      expect(out.map((f) => f.status)).toEqual(['error']);
      expect(out[0]!.reason).toMatch(/^no DNS answer for app\.ok\.example \(TIMEOUT.*whether (it is|they are) a dangling CNAME is unknown$/);
    } finally {
      sink.close();
    }
  });

  it('a name that times out or fails among answered ones: the answered are judged, the rest listed as not tested', async () => {
    const out = await judge([server.address], ['app.ok.example', 'silent.ok.example', 'broken.ok.example']);
    expect(out.map((f) => f.status)).toEqual(['skip']);
    expect(out[0]!.reason).toMatch(/silent\.ok\.example \(TIMEOUT.*broken\.ok\.example \(SERVFAIL/);
  });

  it('answered names alone still pass (the control)', async () => {
    expect(await judge([server.address], ['app.ok.example'])).toEqual([]);
  });
});
