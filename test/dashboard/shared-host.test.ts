import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runServe } from '../../src/cli/commands/serve.js';
import { openDashboardDb } from '../../src/dashboard/db.js';
import { defaultAllowedHosts, hostOf, startDashboard } from '../../src/dashboard/server.js';
import { LoginThrottle } from '../../src/dashboard/throttle.js';
import { ADMIN_PASSWORD, cookieValue, login, req, startTestDashboard } from './helpers.js';

/** GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    // An empty `host` sends no Host header at all.
    const r = request({ host: u.hostname, port: u.port, path, setHost: false, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', reject);
    r.end();
  });
}

describe('the Host check (DNS rebinding)', () => {
  it('answers the bind address, localhost and --allowed-host names; any other Host gets 421 before anything else', async () => {
    const t = await startTestDashboard({ seed: false, allowedHosts: ['dash.example.test'] });
    try {
      const port = new URL(t.url).port;
      expect((await getWithHost(t.url, '/healthz', `127.0.0.1:${port}`)).status).toBe(200);
      expect((await getWithHost(t.url, '/healthz', `localhost:${port}`)).status).toBe(200);
      expect((await getWithHost(t.url, '/healthz', `DASH.example.test:${port}`)).status).toBe(200);
      // A rebinding page's own name, even for a public route, and a sign-in attempt:
      const evil = await getWithHost(t.url, '/healthz', `attacker.example:${port}`);
      expect(evil.status).toBe(421);
      expect(evil.body).toMatch(/Host "attacker\.example:\d+" is not allowed.*--allowed-host/);
      expect((await getWithHost(t.url, '/login', 'attacker.example')).status).toBe(421);
      expect((await getWithHost(t.url, '/api/audits', 'localhost.attacker.example')).status).toBe(421);
      expect([400, 421]).toContain((await getWithHost(t.url, '/healthz', '')).status);
    } finally {
      await t.close();
    }
  });

  it('parses Host headers and builds the default list from the bind address', () => {
    expect(hostOf('Example.COM:8787')).toBe('example.com');
    expect(hostOf('[::1]:8787')).toBe('[::1]');
    expect(hostOf('a b')).toBeUndefined();
    expect(hostOf(undefined)).toBeUndefined();
    expect(defaultAllowedHosts('127.0.0.1', [])).toEqual(expect.arrayContaining(['127.0.0.1', 'localhost', '[::1]']));
    expect(defaultAllowedHosts('::1', ['Dash.Example:443'])).toEqual(expect.arrayContaining(['[::1]', 'dash.example']));
    // A wildcard bind answers this machine's interface addresses (IP literals cannot be rebound), never other names.
    const wild = defaultAllowedHosts('0.0.0.0', []);
    expect(wild).toContain('127.0.0.1');
    expect(wild.every((h) => h === 'localhost' || /^[\d.]+$|^\[/.test(h))).toBe(true);
  });
});

describe('login throttling never locks the admin out', () => {
  it('a guesser at one address is slowed down; the admin at another address signs in at once', async () => {
    // Behind a trusted proxy the client address comes from X-Forwarded-For.
    const t = await startTestDashboard({ seed: false, trustProxy: '127.0.0.1', throttle: { freeFailures: 3, baseDelayMs: 60_000 } });
    try {
      const attacker = { 'x-forwarded-for': '203.0.113.5' };
      const admin = { 'x-forwarded-for': '198.51.100.7' };
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(t.url, `guess-${i}`, { headers: attacker })).response.status);
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
      // The right password from the attacker's address is refused too while it is locked…
      expect((await login(t.url, ADMIN_PASSWORD, { headers: attacker })).response.status).toBe(429);
      // …but the admin, elsewhere, is not affected.
      const ok = await login(t.url, ADMIN_PASSWORD, { headers: admin });
      expect(ok.response.status).toBe(303);
      expect(ok.sessionId).not.toBe('');
    } finally {
      await t.close();
    }
  });

  it('the backoff doubles per failure and is capped', () => {
    let now = 0;
    const th = new LoginThrottle({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 5000, windowMs: 3_600_000, maxKeys: 10 }, () => now);
    const waits: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) {
      th.failed('a');
      waits.push(th.blocked('a'));
      now += 10_000; // past any lock
    }
    expect(waits).toEqual([undefined, undefined, 1, 2, 4, 5]);
    expect(th.blocked('b')).toBeUndefined();
    th.succeeded('a');
    th.failed('a');
    expect(th.blocked('a')).toBeUndefined();
  });
});

describe('admin password lifecycle', () => {
  it('a LAUNCHREADY_ADMIN_PASSWORD that differs from the stored one is ignored, and serve says so', async () => {
    const db = await openDashboardDb(':memory:');
    try {
      const first = await startDashboard({ db, adminPassword: ADMIN_PASSWORD, closeDb: false });
      expect(first.notices).toEqual([]);
      await first.close();
      const same = await startDashboard({ db, adminPassword: ADMIN_PASSWORD, closeDb: false });
      expect(same.notices).toEqual([]);
      await same.close();
      const changed = await startDashboard({ db, adminPassword: 'a different long password', closeDb: false });
      expect(changed.notices.join(' ')).toMatch(/LAUNCHREADY_ADMIN_PASSWORD differs .* ignored.*--reset-password/);
      // The old password still works; the new one does not.
      expect((await login(changed.url, 'a different long password')).response.status).toBe(401);
      expect((await login(changed.url, ADMIN_PASSWORD)).response.status).toBe(303);
      await changed.close();
    } finally {
      await db.close();
    }
  });

  it('serve --reset-password prints a one-time link that sets a new password and ends the old sessions', async () => {
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/lr-reset-`);
    const dbFile = `${dir}/lr.db`;
    const lines: string[] = [];
    const first = await runServe({ port: 0, db: dbFile, env: { LAUNCHREADY_ADMIN_PASSWORD: ADMIN_PASSWORD }, out: (l) => lines.push(l) });
    const before = await login(first.url);
    await first.close();
    const out: string[] = [];
    const d = await runServe({ port: 0, db: dbFile, env: {}, resetPassword: true, out: (l) => out.push(l) });
    try {
      expect(out.join('\n')).toMatch(/Password reset: open this one-time link/);
      const link = out.find((l) => /\/setup\?token=/.test(l))!.trim();
      const token = new URL(link).searchParams.get('token')!;
      const page = await req(d.url, `/setup?token=${token}`);
      expect(page.status).toBe(200);
      const pre = cookieValue(page.setCookies, 'csrf')!;
      const NEW = 'a brand new admin password';
      const done = await req(d.url, '/setup', {
        method: 'POST',
        cookie: `csrf=${pre}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: d.url },
        body: new URLSearchParams({ _csrf: pre, token, password: NEW, confirm: NEW }).toString(),
      });
      expect(done.status).toBe(303);
      // The link works once; the old session and the old password are gone.
      expect((await req(d.url, `/setup?token=${token}`)).status).toBe(410);
      expect((await req(d.url, '/api/session', { cookie: before.cookie })).status).toBe(401);
      expect((await login(d.url, ADMIN_PASSWORD)).response.status).toBe(401);
      expect((await login(d.url, NEW)).response.status).toBe(303);
    } finally {
      await d.close();
    }
  });
});
