import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startDemoPortal } from '../../examples/demo-portal/src/index.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { createResolver } from '../../src/net/dns/index.js';
import { MonitorHttp } from '../../src/monitor/client.js';
import { parseCondition } from '../../src/monitor/conditions.js';
import type { ProbePlan } from '../../src/monitor/config.js';
import { runProbe, type ProbeContext } from '../../src/monitor/probes/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startDnsServer, type TestDnsServer } from '../fixtures/dns-server.js';
import { makeCert, startHttps, tempDir } from './helpers.js';

const tmp = tempDir();
let store: Store;
let dns: TestDnsServer;
const http = new MonitorHttp({ maxRequestsPerHour: 1000, rate: 100, timeoutMs: 2000 });
beforeAll(async () => {
  store = await openStore(':memory:');
  dns = await startDnsServer({
    zones: {
      'example.test': [
        { type: 'A', data: '192.0.2.10' },
        { type: 'MX', data: { preference: 10, exchange: 'mx1.example.test' } },
        { type: 'TXT', data: 'v=spf1 include:_spf.mail.test -all' },
        { type: 'TXT', data: 'google-site-verification=abc' },
      ],
      '_dmarc.example.test': [{ type: 'TXT', data: 'v=DMARC1; p=reject; rua=mailto:d@example.test' }],
      's1._domainkey.example.test': [{ type: 'TXT', data: 'v=DKIM1; k=rsa; p=MIIBIjAN' }],
    },
  });
});
afterAll(async () => {
  await store.close();
  await dns.close();
  await http.close();
  tmp.cleanup();
});
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function ctx(config: Record<string, unknown> = {}, extra: Partial<ProbeContext> = {}): ProbeContext {
  const cfg = ConfigSchema.parse(config);
  return {
    http: () => http.current(),
    store,
    config: cfg,
    ...(cfg.target ? { target: cfg.target } : {}),
    resolver: () => createResolver({ servers: [dns.address], timeoutMs: 1000, retries: 0 }),
    sessions: new Map(),
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    ...extra,
  };
}

const base = { intervalMs: 1000, timeoutMs: 2000, retries: 0, jitter: 0, alerts: false as const, derived: false, describe: 'test' };

describe('monitor probes', () => {
  it('TLS: reads the certificate and judges days to expiry and chain trust', async () => {
    const cert = makeCert(tmp.dir, 2);
    const server = await startHttps(cert);
    cleanups.push(() => server.close());
    const plan: ProbePlan = { ...base, id: 'cert', kind: 'tls', host: '127.0.0.1', port: server.port, conditions: ['[CONNECTED] == true', '[CERTIFICATE_EXPIRATION] > 24h', '[CERTIFICATE_EXPIRATION] < 72h'].map(parseCondition) };
    const r = await runProbe(plan, ctx());
    expect(r.ok).toBe(true);
    expect(r.value).toBeGreaterThan(1.9);
    expect(r.value).toBeLessThan(2.1);
    expect(r.evidence).toContain('subject: localhost');
    expect(r.evidence).toMatch(/chain: not trusted/);
    // Expiring within the bound fails; trusting the CA makes the chain valid.
    const soon = await runProbe({ ...plan, conditions: [parseCondition('[CERTIFICATE_EXPIRATION] > 7d')] }, ctx());
    expect(soon.ok).toBe(false);
    expect(soon.message).toMatch(/failed \[CERTIFICATE_EXPIRATION\] > 7d \(was \d+\)/);
    const trusted = await runProbe({ ...plan, conditions: [parseCondition('[CERTIFICATE_VALID] == true')] }, ctx({}, { ca: cert.cert }));
    expect(trusted.ok).toBe(true);
  });

  it('TLS: a closed port is a failed check, not a crash', async () => {
    const plan: ProbePlan = { ...base, id: 'cert', kind: 'tls', host: '127.0.0.1', port: 1, conditions: [parseCondition('[CONNECTED] == true')] };
    const r = await runProbe(plan, ctx());
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/no handshake \(ECONNREFUSED/);
  });

  it('DNS and mail drift: the first run records the baseline, a changed SPF/DMARC/A record fails with the difference', async () => {
    const dnsPlan: ProbePlan = { ...base, id: 'dns-drift', kind: 'dns', names: ['example.test'], types: ['A', 'MX'], conditions: [] };
    const mailPlan: ProbePlan = { ...base, id: 'mail-drift', kind: 'mail', domain: 'example.test', dkimSelectors: ['s1'], conditions: [] };
    expect((await runProbe(dnsPlan, ctx())).message).toMatch(/baseline recorded/);
    expect((await runProbe(mailPlan, ctx())).message).toMatch(/baseline recorded/);
    expect((await runProbe(dnsPlan, ctx())).ok).toBe(true);
    expect((await runProbe(mailPlan, ctx())).ok).toBe(true);
    dns.setZones({
      'example.test': [
        { type: 'A', data: '203.0.113.66' },
        { type: 'MX', data: { preference: 10, exchange: 'mx1.example.test' } },
        { type: 'TXT', data: 'v=spf1 +all' },
        { type: 'TXT', data: 'google-site-verification=changed-is-not-mail' },
      ],
      '_dmarc.example.test': [{ type: 'TXT', data: 'v=DMARC1; p=reject; rua=mailto:d@example.test' }],
      's1._domainkey.example.test': [{ type: 'TXT', data: 'v=DKIM1; k=rsa; p=MIIBIjAN' }],
    });
    const d = await runProbe(dnsPlan, ctx());
    expect(d.ok).toBe(false);
    expect(d.message).toContain('example.test A: 192.0.2.10 → 203.0.113.66');
    const m = await runProbe(mailPlan, ctx());
    expect(m.ok).toBe(false);
    expect(m.message).toContain('example.test SPF: v=spf1 include:_spf.mail.test -all → v=spf1 +all');
    expect(m.message).not.toContain('google-site-verification');
    expect(m.message).not.toContain('DMARC:');
    // A DNS outage is not drift: the probe fails, the baseline stays.
    const silent: ProbePlan = { ...dnsPlan, id: 'dns-drift' };
    const down = await runProbe(silent, ctx({}, { resolver: () => createResolver({ servers: [{ host: '127.0.0.1', port: 1 }], timeoutMs: 200, retries: 0 }) }));
    expect(down.ok).toBe(false);
    expect(down.message).toMatch(/DNS did not answer/);
    expect(((await store.getBaseline('drift:dns-drift'))!.value as Record<string, string[]>)['example.test A']).toEqual(['192.0.2.10']);
  });

  it('webhook delivery: a correctly signed Stripe test event is accepted; a wrong secret is caught', async () => {
    const portal = await startDemoPortal({ flaws: 'none' });
    cleanups.push(() => portal.close());
    const plan: ProbePlan = { ...base, id: 'stripe', kind: 'webhook', url: `${portal.url}/webhooks/stripe`, scheme: 'stripe', secret: portal.webhookSecret, conditions: [parseCondition('[STATUS] < 300')] };
    const ok = await runProbe(plan, ctx());
    expect(ok.message).toMatch(/HTTP 200/);
    expect(ok.ok).toBe(true);
    const bad = await runProbe({ ...plan, secret: 'whsec_rotated_elsewhere' }, ctx());
    expect(bad.ok).toBe(false);
    expect(bad.httpStatus).toBe(400);
    // The signature is evidence of a secret: it is redacted.
    expect(bad.evidence).toMatch(/stripe-signature: .*\[redacted/);
  });

  it('authenticated API call: logs in once, reuses the session, and judges the response', async () => {
    const portal = await startDemoPortal({ flaws: 'none' });
    cleanups.push(() => portal.close());
    const config = {
      target: portal.url,
      identities: { alice: { login: { kind: 'json' as const, url: '/api/login', json: { email: 'alice@acme.test', password: 'alice-demo-pass' }, tokenPath: '/token' } } },
    };
    const c = ctx(config);
    const plan: ProbePlan = { ...base, id: 'me', kind: 'http', url: `${portal.url}/api/me`, method: 'GET', headers: {}, identity: 'alice', followRedirects: 0, conditions: ['[STATUS] == 200', '[BODY] contains alice@acme.test'].map(parseCondition) };
    const first = await runProbe(plan, c);
    expect(first.ok).toBe(true);
    const session = c.sessions.get('alice');
    expect(session).toBeDefined();
    expect((await runProbe(plan, c)).ok).toBe(true);
    expect(c.sessions.get('alice')).toBe(session);
    // A failing call carries the redacted exchange as evidence: the bearer token never appears.
    const failing = await runProbe({ ...plan, conditions: [parseCondition('[BODY] contains bob@globex.test')] }, c);
    expect(failing.ok).toBe(false);
    expect(failing.evidence).toMatch(/authorization: Bearer .*\[redacted/);
    expect(failing.evidence).not.toContain(c.sessions.get('alice')!.bearer!);
  });

  it('refuses a non-loopback target under the loopback guard: a failed check, no traffic', async () => {
    const plan: ProbePlan = { ...base, id: 'ext', kind: 'http', url: 'http://192.0.2.1/', method: 'GET', headers: {}, followRedirects: 0, conditions: [parseCondition('[STATUS] == 200')] };
    const r = await runProbe(plan, ctx());
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/loopback guard/);
  });
});
