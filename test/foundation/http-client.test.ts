import { afterEach, describe, expect, it } from 'vitest';
import { BudgetExhausted, HttpClient, ScopeViolation } from '../../src/net/http.js';
import { LoopbackViolation, setLoopbackOnly } from '../../src/net/loopback-guard.js';
import { parseConnectTo, parseResolve } from '../../src/net/overrides.js';
import { redactText } from '../../src/net/redact.js';
import { startServer } from '../helpers.js';

const client = (extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ maxRequests: 100, rate: 1000, timeoutMs: 2000, maxBodyBytes: 1024, ...extra });

afterEach(() => setLoopbackOnly(undefined));

describe('HttpClient', () => {
  it('records redirects hop by hop and strips credentials when a redirect leaves the origin', async () => {
    const seen: Array<{ url?: string; auth?: string }> = [];
    const b = await startServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      res.end('landed');
    });
    const a = await startServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      if (req.url === '/start') res.writeHead(301, { location: '/next' }).end();
      else res.writeHead(302, { location: `${b.url}/elsewhere` }).end();
    });
    const http = client({ scope: [a.url] });
    const ex = await http.request({ url: `${a.url}/start`, headers: { authorization: 'Bearer secret-token-1' }, credentialed: true, followRedirects: 5 });
    expect(ex.redirects.map((h) => h.status)).toEqual([301, 302]);
    expect(ex.response?.text()).toBe('landed');
    expect(seen.map((s) => s.auth)).toEqual(['Bearer secret-token-1', 'Bearer secret-token-1', undefined]);
    expect(http.stats.requests).toBe(3);
    await Promise.all([a.close(), b.close(), http.close()]);
  });

  it('does not follow redirects unless asked', async () => {
    const a = await startServer((_req, res) => res.writeHead(302, { location: '/x' }).end());
    const http = client();
    const ex = await http.request({ url: a.url });
    expect(ex.response?.status).toBe(302);
    expect(ex.redirects).toEqual([]);
    await Promise.all([a.close(), http.close()]);
  });

  it('refuses to send credentials outside the configured origins', async () => {
    const http = client({ scope: ['http://127.0.0.1:1'] });
    await expect(http.request({ url: 'http://127.0.0.1:2/', credentialed: true })).rejects.toBeInstanceOf(ScopeViolation);
    await http.close();
  });

  it('stops at the request budget, counting on the server', async () => {
    let count = 0;
    const a = await startServer((_req, res) => {
      count++;
      res.end('ok');
    });
    const http = client({ maxRequests: 5 });
    const results = await Promise.allSettled(Array.from({ length: 9 }, () => http.request({ url: a.url })));
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof BudgetExhausted)).toHaveLength(4);
    expect(count).toBe(5);
    await Promise.all([a.close(), http.close()]);
  });

  it('caps bodies and marks them truncated', async () => {
    const a = await startServer((_req, res) => res.end('x'.repeat(10_000)));
    const http = client({ maxBodyBytes: 1000 });
    const ex = await http.request({ url: a.url });
    expect(ex.response?.body.length).toBe(1000);
    expect(ex.response?.truncated).toBe(true);
    await Promise.all([a.close(), http.close()]);
  });

  it('keeps to the rate: 10 requests at 20/s take at least 450 ms', async () => {
    const a = await startServer((_req, res) => res.end('ok'));
    const http = client({ rate: 20 });
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 10 }, () => http.request({ url: a.url })));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(440);
    await Promise.all([a.close(), http.close()]);
  });

  it('under the loopback guard, refuses a non-loopback address even when a name or --resolve points there', async () => {
    setLoopbackOnly(true);
    const http = client({ overrides: [parseResolve('app.example.com:80:192.0.2.10')] });
    await expect(http.request({ url: 'http://app.example.com/' })).rejects.toBeInstanceOf(LoopbackViolation);
    await expect(http.request({ url: 'http://192.0.2.11/' })).rejects.toBeInstanceOf(LoopbackViolation);
    await http.close();
  });

  it('--resolve keeps the port and --connect-to changes it, with the Host header of the original name', async () => {
    const hosts: string[] = [];
    const a = await startServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.end('ok');
    });
    const port = new URL(a.url).port;
    setLoopbackOnly(true);
    const http = client({ overrides: [parseResolve(`app.example.com:${port}:127.0.0.1`), parseConnectTo(`www.example.com:80:127.0.0.1:${port}`)] });
    expect((await http.request({ url: `http://app.example.com:${port}/` })).response?.status).toBe(200);
    expect((await http.request({ url: 'http://www.example.com/' })).response?.status).toBe(200);
    expect(hosts).toEqual([`app.example.com:${port}`, 'www.example.com']);
    await Promise.all([a.close(), http.close()]);
  });

  it('rejects malformed --resolve and --connect-to values naming the flag', () => {
    expect(() => parseResolve('app.example.com:443')).toThrow(/--resolve/);
    expect(() => parseResolve('app.example.com:99999:127.0.0.1')).toThrow(/port/);
    expect(() => parseResolve('app.example.com:443:not-an-ip')).toThrow(/IPv4 address or a bracketed IPv6 address/);
    expect(() => parseConnectTo('a:1:b')).toThrow(/--connect-to/);
    expect(parseResolve('app.example.com:443:[::1]').toHost).toBe('::1');
  });

  it('redacts credentials in every piece of evidence it renders', async () => {
    const a = await startServer((_req, res) => {
      res.setHeader('set-cookie', 'sid=session-value-abcdef; HttpOnly');
      res.end(JSON.stringify({ token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', note: 'hello' }));
    });
    const http = client({ scope: [a.url] });
    http.registerSecret('hunter2-password');
    const ex = await http.request({ method: 'POST', url: `${a.url}/login?api_key=abcdef123456`, headers: { authorization: 'Bearer abcdefghijkl', cookie: 'sid=zzzzzzzzzz' }, json: { password: 'hunter2-password' }, credentialed: true });
    const text = [http.formatRequest(ex), http.formatResponse(ex), http.curlFor(ex)].join('\n');
    for (const secret of ['abcdefghijkl', 'zzzzzzzzzz', 'hunter2-password', 'session-value-abcdef', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'abcdef123456']) expect(text).not.toContain(secret);
    expect(text).toContain('hello');
    expect(text).toContain('$TOKEN');
    await Promise.all([a.close(), http.close()]);
  });

  it('redactText leaves ordinary text alone', () => {
    expect(redactText('{"name":"Acme Invoice 42","amount":12}')).toBe('{"name":"Acme Invoice 42","amount":12}');
  });
});
