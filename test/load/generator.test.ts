import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tlsFixtures } from '../fixtures/tls/certs.js';
import { startHttpsServer } from '../fixtures/tls/servers.js';
import { CONSERVATIVE_MAX_RATE, generateLoad, LoadPlanError, validatePlan, type LoadAction } from '../../src/load/generator.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const get = (base: string, path: string, extra: Partial<LoadAction> = {}): LoadAction => ({ name: `GET ${path}`, method: 'GET', url: new URL(path, base), ...extra });

describe('load generator', () => {
  it('shows a periodic server stall in the open model p99 while the closed model hides it (coordinated omission)', async () => {
    // The server stops answering for 400 ms out of every 1200 ms (a GC pause, a lock, a noisy neighbour):
    // requests that arrive meanwhile are answered when the pause ends. The process itself is never blocked.
    const t0 = Date.now();
    const base = await serve((_req, res) => {
      const phase = (Date.now() - t0) % 1200;
      if (phase >= 800) setTimeout(() => res.end('ok'), 1200 - phase);
      else res.end('ok');
    });
    const open = await generateLoad({ actions: [get(base, '/')], rate: 50, durationMs: 2400 });
    const closed = await generateLoad({ actions: [get(base, '/')], concurrency: 4, durationMs: 2400, ownsTarget: true });
    // Open model: about a third of the arrivals waited for the end of a pause.
    expect(open.overall.p99).toBeGreaterThan(300);
    expect(open.overall.p90).toBeGreaterThan(100);
    // Closed model: the same stalls stopped the users too, so only a handful of samples are slow.
    expect(closed.overall.max).toBeGreaterThan(250);
    expect(closed.overall.p99).toBeLessThan(150);
    expect(closed.measured).toBeGreaterThan(10 * open.measured);
  });

  it('stops by itself at the request cap, long before the duration', async () => {
    const base = await serve((_req, res) => res.end('ok'));
    const started = Date.now();
    const r = await generateLoad({ actions: [get(base, '/')], rate: 40, durationMs: 60_000, maxRequests: 20 });
    expect(r.stoppedBy).toBe('max-requests');
    expect(r.sent).toBe(20);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops when its signal is aborted and reports it', async () => {
    const base = await serve((_req, res) => res.end('ok'));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await generateLoad({ actions: [get(base, '/')], rate: 20, durationMs: 60_000, signal: ac.signal });
    expect(r.stoppedBy).toBe('aborted');
    expect(r.sent).toBeLessThan(20);
  });

  it('paces the closed model to the conservative ceiling unless the user owns the target', async () => {
    const base = await serve((_req, res) => res.end('ok'));
    const r = await generateLoad({ actions: [get(base, '/')], concurrency: 8, durationMs: 1000 });
    expect(r.sent).toBeLessThanOrEqual(CONSERVATIVE_MAX_RATE + 2);
    expect(r.sent).toBeGreaterThan(CONSERVATIVE_MAX_RATE * 0.6);
  });

  it('refuses rates above the ceiling without --i-own-this-target, and writes without --allow-writes', () => {
    const a = get('http://127.0.0.1:1', '/');
    expect(() => validatePlan({ actions: [a], rate: 51, durationMs: 1000 })).toThrow(/--i-own-this-target/);
    expect(() => validatePlan({ actions: [a], rate: 51, durationMs: 1000, ownsTarget: true })).not.toThrow();
    const post = { ...a, name: 'POST /x', method: 'POST' };
    expect(() => validatePlan({ actions: [post], rate: 5, durationMs: 1000 })).toThrow(LoadPlanError);
    expect(() => validatePlan({ actions: [post], rate: 5, durationMs: 1000 })).toThrow(/--allow-writes/);
    expect(() => validatePlan({ actions: [a], rate: 5, concurrency: 2, durationMs: 1000 })).toThrow(/exactly one/);
  });

  it('sends a weighted mix with each identity’s credentials and breaks latency down per route', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const base = await serve((req, res) => {
      seen.push([req.url!, req.headers.authorization]);
      if (req.url === '/slow') setTimeout(() => res.end('slow'), 30);
      else res.end('fast');
    });
    const r = await generateLoad({
      actions: [get(base, '/fast', { weight: 3, headers: { authorization: 'Bearer alice-token' }, identity: 'alice' }), get(base, '/slow', { weight: 1, headers: { authorization: 'Bearer bob-token' }, identity: 'bob' })],
      rate: 40,
      durationMs: 1000,
    });
    const fast = r.routes['GET /fast']!;
    const slow = r.routes['GET /slow']!;
    expect(fast.latency.count).toBe(30);
    expect(slow.latency.count).toBe(10);
    expect(slow.latency.p50).toBeGreaterThanOrEqual(30);
    expect(fast.latency.p50).toBeLessThan(30);
    expect(fast.identities).toEqual(['alice']);
    expect(new Set(seen.filter(([u]) => u === '/slow').map(([, a]) => a))).toEqual(new Set(['Bearer bob-token']));
    // The chart buckets add up to the count, and the slow route's mass sits above 30 ms.
    expect(slow.latency.histogram!.reduce((n, [, c]) => n + c, 0)).toBe(10);
    expect(slow.latency.histogram!.every(([upper, c]) => c === 0 || upper >= 30)).toBe(true);
  });

  it('excludes warm-up requests from the measurements', async () => {
    const base = await serve((_req, res) => res.end('ok'));
    const r = await generateLoad({ actions: [get(base, '/')], rate: 20, durationMs: 500, warmupMs: 500 });
    expect(r.sent).toBe(20);
    expect(r.measured).toBe(10);
    expect(r.overall.count).toBe(10);
  });

  it('counts HTTP errors and summarises Server-Timing per route', async () => {
    let n = 0;
    const base = await serve((_req, res) => {
      n += 1;
      res.setHeader('server-timing', `db;dur=${n % 2 ? 12 : 18};desc="SQL", cache;desc=miss`);
      res.statusCode = n % 5 === 0 ? 503 : 200;
      res.end('x');
    });
    const r = await generateLoad({ actions: [get(base, '/')], rate: 20, durationMs: 1000 });
    const route = r.routes['GET /']!;
    expect(route.statusCounts['503']).toBe(4);
    expect(route.latency.errors).toBe(4);
    expect(route.serverTiming?.['db']).toMatchObject({ count: 20, p50: 12, max: 18, desc: 'SQL' });
    expect(route.serverTiming?.['cache']).toBeUndefined();
  });

  it('connects where --resolve says while sending the original Host header', async () => {
    const hosts: string[] = [];
    const base = await serve((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.end('ok');
    });
    const port = Number(new URL(base).port);
    const r = await generateLoad({
      actions: [get(`http://app.example.test:${port}`, '/')],
      rate: 20,
      durationMs: 200,
      overrides: [{ host: 'app.example.test', port, toHost: '127.0.0.1', toPort: undefined, source: '--resolve' }],
    });
    expect(r.errors).toBe(0);
    expect(new Set(hosts)).toEqual(new Set([`app.example.test:${port}`]));
  });

  it('loads an HTTPS target through --resolve, trusting --ca, and counts an untrusted certificate as errors', async () => {
    const tls = tlsFixtures();
    const server = await startHttpsServer(tls.valid, (_req, res) => res.end('ok'));
    try {
      const url = `https://valid.launchready.test:${server.port}`;
      const overrides = [{ host: 'valid.launchready.test', port: server.port, toHost: '127.0.0.1', toPort: undefined, source: '--resolve' }];
      const trusted = await generateLoad({ actions: [get(url, '/')], rate: 20, durationMs: 200, overrides, ca: tls.rootCa });
      expect(trusted.errors).toBe(0);
      expect(trusted.routes['GET /']!.statusCounts['200']).toBe(4);
      const untrusted = await generateLoad({ actions: [get(url, '/')], rate: 20, durationMs: 200, overrides, timeoutMs: 2000 });
      expect(untrusted.errors).toBe(4);
      expect(untrusted.routes['GET /']!.errorSamples.join(' ')).toMatch(/certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
    } finally {
      await server.close();
    }
  });

  it('refuses a non-loopback destination under the loopback guard and stops', async () => {
    const r = await generateLoad({ actions: [get('http://203.0.113.7:8080', '/')], rate: 20, durationMs: 5000, timeoutMs: 2000 });
    expect(r.stoppedBy).toBe('aborted');
    expect(r.notes.join(' ')).toMatch(/loopback guard/);
    expect(r.routes['GET /']!.statusCounts['LOOPBACK_GUARD']).toBeGreaterThan(0);
  });
});
