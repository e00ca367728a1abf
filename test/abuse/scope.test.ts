import { afterEach, describe, expect, it } from 'vitest';
import { excludePatterns } from '../../src/checks/input-validation/exclude-patterns.js';
import { validatePlan } from '../../src/load/generator.js';
import { ExcludedRequest, isExcluded, patternMatchesTemplate } from '../../src/net/exclude.js';
import { HttpClient } from '../../src/net/http.js';
import { startServer } from '../helpers.js';
import { runAbuse } from './run.js';

/** api.exclude is one thing: the HTTP client refuses, the load generator refuses, a typo is a warning. */
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function recordingServer(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const s = await startServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/go') {
      res.writeHead(302, { location: '/api/admin/reset' });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  closers.push(() => s.close());
  return { url: s.url, seen };
}

describe('the matcher', () => {
  it('matches methods, one-segment stars, trailing /* and ** as documented', () => {
    expect(isExcluded({ method: 'POST', path: '/api/admin/reset' }, ['POST /api/admin/*'])).toBe(true);
    expect(isExcluded({ method: 'GET', path: '/api/admin/reset' }, ['POST /api/admin/*'])).toBe(false);
    expect(isExcluded({ method: 'GET', path: '/api/internal/a/b/c' }, ['/api/internal/*'])).toBe(true);
    expect(isExcluded({ method: 'GET', path: '/api/users/7/export' }, ['/api/users/*/export'])).toBe(true);
    expect(isExcluded({ method: 'GET', path: '/api/users/7/8/export' }, ['/api/users/*/export'])).toBe(false);
    expect(isExcluded({ method: 'GET', path: '/x/deep/er/file.zip' }, ['/x/**.zip'])).toBe(true);
    expect(patternMatchesTemplate('/api/users/42', { method: 'GET', path: '/api/users/{id}' })).toBe(true);
  });
});

describe('the run HTTP client', () => {
  it('refuses an excluded request before it is counted or sent, and does not follow a redirect into one', async () => {
    const s = await recordingServer();
    const http = new HttpClient({ maxRequests: 10, rate: 100, timeoutMs: 2000, maxBodyBytes: 1000, scope: [s.url], exclude: ['POST /api/admin/*', '/api/admin/reset'] });
    closers.push(() => http.close());
    await expect(http.request({ method: 'POST', url: `${s.url}/api/admin/wipe`, json: {} })).rejects.toBeInstanceOf(ExcludedRequest);
    // Percent-encoding does not get around it.
    await expect(http.request({ method: 'GET', url: `${s.url}/api/%61dmin/reset` })).rejects.toBeInstanceOf(ExcludedRequest);
    expect(http.allows(`${s.url}/api/admin/list`, 'GET')).toBe(true);
    const redirected = await http.request({ url: `${s.url}/go`, followRedirects: 3 });
    expect(redirected.response?.status).toBe(302);
    expect(s.seen).toEqual(['GET /go']);
    expect(http.stats.requests).toBe(1);
  });

  it('binds the load generator: an excluded action is a plan error', () => {
    const http = new HttpClient({ maxRequests: 10, rate: 100, timeoutMs: 2000, maxBodyBytes: 1000, scope: ['http://127.0.0.1:9'], exclude: ['/api/reports/*'] });
    const plan = { actions: [{ name: 'GET /api/reports/{id}', method: 'GET', url: new URL('http://127.0.0.1:9/api/reports/1') }], rate: 5, durationMs: 1000, allows: (u: URL, m: string) => http.allows(u, m) };
    expect(() => validatePlan(plan)).toThrow(/GET \/api\/reports\/\{id\}: excluded by api\.exclude/);
  });
});

describe('a pattern that matches no known route', () => {
  it('is a warning naming the pattern; patterns that match are not', async () => {
    const s = await recordingServer();
    const run = await runAbuse(
      { target: s.url, api: { routes: ['GET /api/items', 'POST /api/admin/reset', 'GET /api/users/{id}'], exclude: ['POST /api/admin/*', '/api/users/42', '/api/admn/*'] }, endpoints: { login: 'POST /api/login' } },
      { checks: [excludePatterns], healthSettings: false },
    );
    const warns = run.findings.filter((f) => f.check === 'input-validation/exclude-patterns' && f.status === 'warn');
    expect(warns.map((f) => f.title)).toEqual(['api.exclude "/api/admn/*" matches no known route: check it for a typo (it excludes nothing the run knows of)']);
  });
});
