import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdnWaf } from '../../src/checks/edge/cdn.js';
import { detectEdges, EDGE_FINGERPRINTS } from '../../src/checks/edge/cdn-fingerprints.js';
import { startHttpServer, type RunningServer } from '../fixtures/tls/servers.js';
import { byCheck, runOn, summary } from './helpers.js';

/** The CDN/WAF fingerprint table runs its own examples; the check runs against loopback servers. */

describe('EDGE_FINGERPRINTS examples', () => {
  for (const fp of EDGE_FINGERPRINTS) {
    it(`${fp.name}: every example is recognised as ${fp.id}`, () => {
      expect(fp.examples.length).toBeGreaterThan(0);
      for (const ex of fp.examples) {
        const ids = detectEdges({ status: ex.status ?? 200, headers: ex.headers, setCookies: ex.setCookies ?? [], ...(ex.body ? { body: ex.body } : {}) }).map((m) => m.fingerprint.id);
        expect(ids, JSON.stringify(ex)).toContain(fp.id);
      }
    });
  }

  it('an origin server with ordinary headers is not mistaken for a CDN', () => {
    const ordinary: Array<Record<string, string>> = [
      { server: 'nginx/1.24.0', 'content-type': 'text/html', 'x-cache': 'MISS' },
      { server: 'Apache', via: '1.1 varnish (Varnish/7.4)', 'x-varnish': '32770' },
      { server: 'gunicorn', 'x-request-id': 'abc', 'server-timing': 'db;dur=53, app;dur=47.2' },
      { server: 'Google Frontend-ish', 'x-served-by': 'web-01' },
    ];
    for (const headers of ordinary) expect(detectEdges({ status: 200, headers, setCookies: ['session=abc; HttpOnly'] }), JSON.stringify(headers)).toEqual([]);
  });
});

let server: RunningServer;
let mode: 'origin' | 'cloudflare' | 'blocking-waf' = 'origin';

beforeAll(async () => {
  server = await startHttpServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    const attack = decodeURIComponent(req.url ?? '').includes('<script>');
    if (mode === 'blocking-waf' && attack) return void res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Forbidden</h1>');
    const headers: Record<string, string> = { 'content-type': 'text/html', server: 'nginx' };
    if (mode === 'cloudflare') Object.assign(headers, { server: 'cloudflare', 'cf-ray': '8a1b2c3d4e5f6a7b-FRA', 'cf-cache-status': 'DYNAMIC' });
    res.writeHead(200, headers).end('<html>hello</html>');
  });
});

afterAll(async () => {
  await server.close();
});

async function run(): Promise<ReturnType<typeof byCheck>> {
  const { findings } = await runOn({ checks: [cdnWaf], config: { target: `http://127.0.0.1:${server.port}/` } });
  return byCheck(findings, 'edge/cdn');
}

describe('edge/cdn against a loopback server', () => {
  it('an origin with nothing in front warns (medium), with the probe results as evidence', async () => {
    mode = 'origin';
    const [f, ...rest] = await run();
    expect(rest).toEqual([]);
    expect(f!.status, summary([f!])).toBe('warn');
    expect(f!.severity).toBe('medium');
    expect(f!.evidence.notes!.join('\n')).toContain('(not blocked)');
  });

  it('Cloudflare headers pass and name the provider and the signals', async () => {
    mode = 'cloudflare';
    const [f] = await run();
    expect(f!.status).toBe('pass');
    expect(f!.evidence.notes![0]).toBe('in front: Cloudflare');
    expect(f!.evidence.notes!.join('\n')).toContain('cf-ray: 8a1b2c3d4e5f6a7b-FRA');
  });

  it('an unrecognised WAF is found by behaviour: the attack-marker request is blocked where the plain one is served', async () => {
    mode = 'blocking-waf';
    const [f] = await run();
    expect(f!.status).toBe('pass');
    expect(f!.evidence.notes!.join('\n')).toContain('a WAF blocks attack-looking requests (vendor not recognised)');
  });

  it('is a public-hostname check (skipped on a development target by the runner)', () => {
    expect(cdnWaf.meta.publicOnly).toBe(true);
  });
});
