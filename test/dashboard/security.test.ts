import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetKey } from '../../src/dashboard/history.js';
import { F, TARGET, runOne } from './fixtures.js';
import { ADMIN_PASSWORD, cookieValue, login, req, startTestDashboard, type TestDashboard } from './helpers.js';

let d: TestDashboard;
beforeAll(async () => {
  d = await startTestDashboard();
});
afterAll(async () => {
  await d?.close();
});

/** The routes that answer without a session, and why each may. Adding one must be a deliberate change here. */
const PUBLIC = new Set([
  'GET /login', // the sign-in form
  'HEAD /login',
  'POST /login', // signing in (CSRF-checked and throttled)
  'GET /setup', // the one-time setup link
  'HEAD /setup',
  'POST /setup', // choosing the first admin password with that link
  'GET /healthz', // liveness for monitors; says "ok" and nothing else
  'HEAD /healthz',
  'GET /openapi.json', // the API description the audit discovers routes from
  'HEAD /openapi.json',
  'GET /assets/dashboard.css', // the stylesheet of the sign-in page
  'HEAD /assets/dashboard.css',
]);

function concrete(url: string): string {
  return url
    .replace(':findingId', F.csp('fail').id)
    .replace(':id', d.ids.one)
    .replace(':key', targetKey(TARGET));
}

const isPage = (url: string): boolean => !url.startsWith('/api/');

describe('no session, no access', () => {
  it('the public routes are exactly the login/setup flows, health, the API description and the stylesheet', () => {
    const open = d.routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
    expect(new Set(open)).toEqual(PUBLIC);
  });

  it('every other registered route refuses: 401 for the API, a redirect to /login for pages — with no cookie, a made-up session and a bogus bearer token', async () => {
    const guarded = d.routes.filter((r) => !r.public);
    expect(guarded.length).toBeGreaterThan(20);
    const attempts: Array<[string, Record<string, string>]> = [
      ['no credentials', {}],
      ['made-up session cookie', { cookie: 'lr_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; csrf=x' }],
      ['bogus bearer token', { authorization: 'Bearer launchready-not-a-token-0123456789abcdef' }],
    ];
    let checked = 0;
    for (const r of guarded) {
      for (const [label, headers] of attempts) {
        const write = !['GET', 'HEAD', 'OPTIONS'].includes(r.method);
        const res = await req(d.url, concrete(r.url), {
          method: r.method,
          headers: { ...headers, ...(write ? { 'content-type': 'application/json' } : {}) },
          ...(write ? { body: JSON.stringify(runOne()) } : {}),
        });
        const what = `${r.method} ${r.url} (${label})`;
        if (isPage(r.url) && !headers['authorization']) {
          expect(res.status, what).toBe(303);
          expect(res.headers.get('location'), what).toMatch(/^\/login(\?next=|$)/);
        } else expect(res.status, what).toBe(401);
        // Nothing of the stored audits leaks with the refusal.
        expect(res.text, what).not.toContain('Stripe live secret');
        expect(res.text, what).not.toContain(TARGET);
        checked++;
      }
    }
    expect(checked).toBe(guarded.length * attempts.length);
  });

  it('unknown paths refuse too (no probing for what exists) and nothing was written', async () => {
    expect((await req(d.url, '/api/nope')).status).toBe(401);
    expect((await req(d.url, '/admin/secret')).status).toBe(303);
    expect(await d.db.store.listAudits(undefined, 100)).toHaveLength(3);
  });

  it('a page refusal remembers where the user was going, but only as a local path', async () => {
    const res = await req(d.url, `/audits/${d.ids.one}`);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/audits/${d.ids.one}`)}`);
    const s = await login(d.url);
    // POST /login with next=//evil.example → lands on "/", never on another host.
    const page = await req(d.url, '/login');
    const pre = cookieValue(page.setCookies, 'csrf')!;
    const evil = await req(d.url, '/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: d.url },
      cookie: `csrf=${pre}`,
      body: new URLSearchParams({ username: 'admin', password: ADMIN_PASSWORD, _csrf: pre, next: '//evil.example/x' }).toString(),
    });
    expect(evil.status).toBe(303);
    expect(evil.headers.get('location')).toBe('/');
    expect(s.response.headers.get('location')).toBe('/');
  });
});

describe('sessions', () => {
  it('login sets an HttpOnly, SameSite=Lax session cookie (no Secure over plain HTTP) and a readable CSRF cookie', async () => {
    const s = await login(d.url);
    expect(s.response.status).toBe(303);
    const session = s.response.setCookies.find((c) => c.startsWith('lr_session='))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).toMatch(/; Path=\//);
    expect(session).not.toMatch(/Secure/);
    expect(s.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const csrf = s.response.setCookies.find((c) => c.startsWith('csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toMatch(/SameSite=Lax/);
  });

  it('behind a trusted TLS proxy the cookies are Secure and HSTS is sent; from anyone else X-Forwarded-Proto is ignored', async () => {
    const behind = await startTestDashboard({ seed: false, trustProxy: ['127.0.0.1'] });
    try {
      const page = await req(behind.url, '/login', { headers: { 'x-forwarded-proto': 'https' } });
      expect(page.setCookies.every((c) => /; Secure/.test(c))).toBe(true);
      expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    } finally {
      await behind.close();
    }
    const page = await req(d.url, '/login', { headers: { 'x-forwarded-proto': 'https' } });
    expect(page.setCookies.some((c) => /Secure/.test(c))).toBe(false);
  });

  it('only a hash of the session id is stored', async () => {
    const s = await login(d.url);
    const rows = await d.db.sql.all('SELECT id_hash FROM dashboard_sessions');
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(s.sessionId);
  });

  it('logout ends the session on the server: the old cookie is refused afterwards', async () => {
    const s = await login(d.url);
    expect((await req(d.url, '/api/session', { cookie: s.cookie })).status).toBe(200);
    const out = await req(d.url, '/logout', { method: 'POST', cookie: s.cookie, headers: { 'x-csrf-token': s.csrfToken, origin: d.url } });
    expect(out.status).toBe(200);
    expect(out.setCookies.find((c) => c.startsWith('lr_session='))).toMatch(/Max-Age=0/);
    // Replaying the cookie the browser was told to drop:
    expect((await req(d.url, '/api/session', { cookie: s.cookie })).status).toBe(401);
    expect((await req(d.url, '/', { cookie: s.cookie })).status).toBe(303);
  });

  it('login issues a new session id and ends the one the browser had (no fixation)', async () => {
    const first = await login(d.url);
    const second = await login(d.url, ADMIN_PASSWORD, { cookie: `lr_session=${first.sessionId}` });
    expect(second.sessionId).not.toBe(first.sessionId);
    expect((await req(d.url, '/api/session', { cookie: first.cookie })).status).toBe(401);
    expect((await req(d.url, '/api/session', { cookie: second.cookie })).status).toBe(200);
  });

  it('sessions end after the idle timeout and after their absolute lifetime', async () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const t = await startTestDashboard({ seed: false, now: () => now, session: { ttlMs: 60 * 60_000, idleMs: 10 * 60_000 } });
    try {
      const a = await login(t.url);
      now += 9 * 60_000;
      expect((await req(t.url, '/api/session', { cookie: a.cookie })).status).toBe(200);
      now += 11 * 60_000; // idle for 11 minutes
      expect((await req(t.url, '/api/session', { cookie: a.cookie })).status).toBe(401);
      const b = await login(t.url);
      for (let i = 0; i < 7; i++) {
        now += 9 * 60_000; // busy, never idle, but past the hour
        await req(t.url, '/api/session', { cookie: b.cookie });
      }
      expect((await req(t.url, '/api/session', { cookie: b.cookie })).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});

describe('CSRF', () => {
  const upload = (cookie: string, headers: Record<string, string> = {}) =>
    req(d.url, '/api/audits', { method: 'POST', cookie, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(runOne()) });

  it('a signed-in write without the token, with a wrong token, or from another origin is refused with 403 and changes nothing', async () => {
    const s = await login(d.url);
    const before = (await d.db.store.listAudits(undefined, 100)).length;
    expect((await upload(s.cookie)).status).toBe(403);
    expect((await upload(s.cookie, { 'x-csrf-token': 'A'.repeat(43) })).status).toBe(403);
    expect((await upload(s.cookie, { 'x-csrf-token': s.csrfToken, origin: 'https://evil.example' })).status).toBe(403);
    expect((await upload(s.cookie, { 'x-csrf-token': s.csrfToken, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // Another session's token does not work either: tokens are bound to their session.
    const other = await login(d.url);
    expect((await upload(s.cookie, { 'x-csrf-token': other.csrfToken })).status).toBe(403);
    expect((await d.db.store.listAudits(undefined, 100)).length).toBe(before);
    const ok = await upload(s.cookie, { 'x-csrf-token': s.csrfToken, origin: d.url });
    expect(ok.status).toBe(201);
    expect((await d.db.store.listAudits(undefined, 100)).length).toBe(before + 1);
  });

  it('logout without the token is refused and the session lives on (a foreign page cannot sign the admin out either)', async () => {
    const s = await login(d.url);
    expect((await req(d.url, '/logout', { method: 'POST', cookie: s.cookie })).status).toBe(403);
    expect((await req(d.url, '/api/session', { cookie: s.cookie })).status).toBe(200);
  });

  it('the login form needs the signed pre-login token: no token, a token not signed by this server, or a foreign Origin gets 403', async () => {
    const form = (csrf: string) => new URLSearchParams({ username: 'admin', password: ADMIN_PASSWORD, _csrf: csrf }).toString();
    const t = await startTestDashboard({ seed: false, throttle: { freeFailures: 1000 } });
    try {
      const page = await req(t.url, '/login');
      const pre = cookieValue(page.setCookies, 'csrf')!;
      const postT = (cookie: string, body: string, origin = t.url) =>
        req(t.url, '/login', { method: 'POST', cookie, headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body });
      expect((await postT('', new URLSearchParams({ username: 'admin', password: ADMIN_PASSWORD }).toString())).status).toBe(403);
      expect((await postT('csrf=forged.token', form('forged.token'))).status).toBe(403);
      expect((await postT(`csrf=${pre}`, form(pre), 'https://evil.example')).status).toBe(403);
      const ok = await postT(`csrf=${pre}`, form(pre));
      expect(ok.status).toBe(303);
      expect(cookieValue(ok.setCookies, 'lr_session')).toBeTruthy();
    } finally {
      await t.close();
    }
  });

  it('the API token (Authorization: Bearer) uploads without CSRF — it is never sent by a browser on its own', async () => {
    const token = 'ci-token-0123456789abcdefghijklmnopqrstuvwxyz';
    const t = await startTestDashboard({ seed: false, apiToken: token });
    try {
      const res = await req(t.url, '/api/audits', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(runOne()) });
      expect(res.status).toBe(201);
      expect((await req(t.url, '/api/audits', { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});

describe('login throttling', () => {
  it('after five wrong passwords an address backs off: 429 with Retry-After, even for the right password, until the lock ends; each further failure doubles it', async () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const t = await startTestDashboard({ seed: false, now: () => now, throttle: { freeFailures: 5, baseDelayMs: 60_000, maxDelayMs: 15 * 60_000 } });
    try {
      for (let i = 0; i < 5; i++) expect((await login(t.url, `wrong-password-${i}`)).response.status).toBe(401);
      // The sixth failure starts the backoff: 60 s.
      expect((await login(t.url, 'wrong-password-5')).response.status).toBe(401);
      const locked = await login(t.url, `wrong-password-6`);
      expect(locked.response.status).toBe(429);
      expect(Number(locked.response.headers.get('retry-after'))).toBe(60);
      const right = await login(t.url);
      expect(right.response.status).toBe(429);
      expect(right.sessionId).toBe('');
      now += 61_000;
      // Another failure: the lock doubles to 120 s.
      expect((await login(t.url, 'wrong-password-7')).response.status).toBe(401);
      expect(Number((await login(t.url)).response.headers.get('retry-after'))).toBe(120);
      now += 121_000;
      expect((await login(t.url)).response.status).toBe(303);
      // A success clears the address.
      expect((await login(t.url, 'wrong-password-8')).response.status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('failures across many account names from one address are counted for the address', async () => {
    const t = await startTestDashboard({ seed: false, throttle: { freeFailures: 8 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await login(t.url, 'wrong-password', { username: `nobody${i}` })).response.status);
      expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401));
      expect(statuses[9]).toBe(429);
    } finally {
      await t.close();
    }
  });

  it('unknown and known accounts get the same answer', async () => {
    const t = await startTestDashboard({ seed: false });
    try {
      const known = await login(t.url, 'wrong-password-x');
      const unknown = await login(t.url, 'wrong-password-x', { username: 'ghost' });
      expect(known.response.status).toBe(unknown.response.status);
      const strip = (s: string) => s.replace(/value="[^"]*"/g, '');
      expect(strip(known.response.text)).toBe(strip(unknown.response.text).replace('ghost', 'admin'));
    } finally {
      await t.close();
    }
  });
});

describe('headers and errors', () => {
  it('every response carries the security headers and no banner; authenticated ones are no-store; no CORS for any origin', async () => {
    const s = await login(d.url);
    const paths = ['/', `/audits/${d.ids.one}`, `/audits/${d.ids.one}/findings/${F.csp('fail').id}`, `/compare?base=${d.ids.one}&head=${d.ids.two}`, '/monitor', '/api/targets', `/api/audits/${d.ids.one}`, '/api/nope', `/targets/${targetKey(TARGET)}`];
    for (const p of paths) {
      const res = await req(d.url, p, { cookie: s.cookie, headers: { origin: 'https://evil.example' } });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toMatch(/frame-ancestors 'none'/);
      expect(csp, p).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp, p).toMatch(/script-src '(none|sha256-[^']+)'/);
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), p).toBe('same-origin');
      expect(res.headers.get('cache-control'), p).toBe('no-store');
      expect(res.headers.get('x-powered-by'), p).toBeNull();
      expect(res.headers.get('server'), p).toBeNull();
      expect(res.headers.get('access-control-allow-origin'), p).toBeNull();
      expect(res.headers.get('access-control-allow-credentials'), p).toBeNull();
    }
    const preflight = await req(d.url, '/api/audits', { method: 'OPTIONS', cookie: s.cookie, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBeGreaterThanOrEqual(400);
  });

  it('pages contain no inline script or style attribute (the CSP would block them)', async () => {
    const s = await login(d.url);
    for (const p of ['/', `/audits/${d.ids.two}`, `/compare?base=${d.ids.one}&head=${d.ids.two}`, '/monitor', '/login']) {
      const res = await req(d.url, p, { cookie: s.cookie });
      expect(res.text, p).not.toMatch(/<script|\sstyle="|\son[a-z]+="/i);
    }
  });

  it('bad input gets a 4xx with a message of ours: no stack, no framework name, no SQL', async () => {
    const s = await login(d.url);
    const w = { cookie: s.cookie, headers: { 'x-csrf-token': s.csrfToken, origin: d.url } };
    const cases: Array<[string, Promise<Awaited<ReturnType<typeof req>>>, number]> = [
      ['invalid JSON', req(d.url, '/api/audits', { ...w, method: 'POST', headers: { ...w.headers, 'content-type': 'application/json' }, body: '{"tool": ' }), 400],
      ['wrong content type', req(d.url, '/api/audits', { ...w, method: 'POST', headers: { ...w.headers, 'content-type': 'text/xml' }, body: '<report/>' }), 415],
      ['not a report', req(d.url, '/api/audits', { ...w, method: 'POST', headers: { ...w.headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...runOne(), score: 'high' }) }), 400],
      ['malformed audit id', req(d.url, "/api/audits/1' OR '1'='1", { cookie: s.cookie }), 404],
      ['unknown audit id', req(d.url, '/api/audits/00000000-0000-4000-8000-000000000000', { cookie: s.cookie }), 404],
      ['compare without ids', req(d.url, '/api/compare?base=x', { cookie: s.cookie }), 400],
      ['limit out of range', req(d.url, '/api/audits?limit=-5', { cookie: s.cookie }), 400],
      ['unknown query field', req(d.url, '/api/audits?limit=5&drop=1', { cookie: s.cookie }), 400],
      ['page for unknown audit', req(d.url, '/audits/nope', { cookie: s.cookie }), 404],
    ];
    for (const [name, pending, status] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(status);
      expect(res.text, name).not.toMatch(/FST_|fastify|zod|at .+\.(js|ts):\d+|SQLITE|sqlite|better-sqlite3|SyntaxError|Unexpected token|node_modules/i);
    }
    const invalid = await req(d.url, '/api/audits', { ...w, method: 'POST', headers: { ...w.headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...runOne(), score: 'high' }) });
    expect(invalid.json<{ message: string }>().message).toMatch(/score/);
  });

  it('a report body over the cap is refused with 413 before it is stored', async () => {
    const t = await startTestDashboard({ seed: false, maxReportBytes: 20_000 });
    try {
      const s = await login(t.url);
      const big = runOne();
      big.findings[0]!.evidence.notes = ['x'.repeat(30_000)];
      const res = await req(t.url, '/api/audits', { method: 'POST', cookie: s.cookie, headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: JSON.stringify(big) });
      expect(res.status).toBe(413);
      expect(await t.db.store.listAudits()).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});

describe('first start', () => {
  it('without LAUNCHREADY_ADMIN_PASSWORD a one-time setup link creates the admin; the link then never works again', async () => {
    const t = await startTestDashboard({ seed: false, adminPassword: undefined as unknown as string });
    try {
      expect(t.setupUrl).toMatch(/\/setup\?token=[A-Za-z0-9_-]{43}$/);
      const token = new URL(t.setupUrl!).searchParams.get('token')!;
      expect((await req(t.url, '/setup?token=wrong-token-0000000000000000')).status).toBe(410);
      const page = await req(t.url, `/setup?token=${token}`);
      expect(page.status).toBe(200);
      const pre = cookieValue(page.setCookies, 'csrf')!;
      const post = (password: string, confirm = password) =>
        req(t.url, '/setup', {
          method: 'POST',
          cookie: `csrf=${pre}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url },
          body: new URLSearchParams({ token, password, confirm, _csrf: pre }).toString(),
        });
      expect((await post('short')).status).toBe(400);
      expect((await post('a long enough password', 'a different password')).status).toBe(400);
      const done = await post('the admin password of this test');
      expect(done.status).toBe(303);
      expect(cookieValue(done.setCookies, 'lr_session')).toBeTruthy();
      // Single use: the same link again, and the page itself, refuse.
      expect((await post('another password for the admin')).status).toBe(410);
      expect((await req(t.url, `/setup?token=${token}`)).status).toBe(410);
      expect((await login(t.url, 'the admin password of this test')).response.status).toBe(303);
      expect((await login(t.url, 'another password for the admin')).response.status).toBe(401);
      // The token is stored only as a hash.
      expect(JSON.stringify(await t.db.sql.all('SELECT * FROM dashboard_setup_tokens'))).not.toContain(token);
    } finally {
      await t.close();
    }
  });

  it('a setup link expires', async () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const t = await startTestDashboard({ seed: false, adminPassword: undefined as unknown as string, setupTtlMs: 60_000, now: () => now });
    try {
      const token = new URL(t.setupUrl!).searchParams.get('token')!;
      expect((await req(t.url, `/setup?token=${token}`)).status).toBe(200);
      now += 61_000;
      expect((await req(t.url, `/setup?token=${token}`)).status).toBe(410);
    } finally {
      await t.close();
    }
  });

  it('a weak LAUNCHREADY_ADMIN_PASSWORD is refused at start', async () => {
    await expect(startTestDashboard({ seed: false, adminPassword: 'short' })).rejects.toThrow(/at least 12 characters/);
  });
});
