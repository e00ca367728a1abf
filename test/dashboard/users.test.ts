import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/dashboard/auth.js';
import { openDashboardDb } from '../../src/dashboard/db.js';
import { startDashboard } from '../../src/dashboard/server.js';
import type { SqlDriver } from '../../src/store/driver.js';
import { openPostgres } from '../../src/store/postgres.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { registerTarget } from '../../src/worker/fleet.js';
import { postgresBackend, PG_URL } from '../store/backends.js';
import { tempConfig } from '../worker/helpers.js';
import { TARGET } from './fixtures.js';
import { ADMIN_PASSWORD, cookieValue, login, req, startTestDashboard, type TestDashboard } from './helpers.js';

/** Dashboard users with roles (admin, viewer), invited by one-time link; a real app on loopback. */

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const VIEWER_PASSWORD = 'viewer password 4 tests';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (base: string) => ({ 'content-type': 'application/x-www-form-urlencoded', origin: base });

async function dashboard(opts: Parameters<typeof startTestDashboard>[0] = {}): Promise<TestDashboard> {
  const d = await startTestDashboard(opts);
  cleanups.push(() => d.close());
  return d;
}

/** The admin invites `username` through the Users form; returns the one-time link printed on the page. */
async function invite(base: string, admin: { cookie: string; csrfToken: string }, username: string, role = 'viewer'): Promise<{ status: number; url: string; text: string }> {
  const res = await req(base, '/users/invite', { method: 'POST', cookie: admin.cookie, headers: formHeaders(base), body: form({ username, role, _csrf: admin.csrfToken }) });
  const url = /<pre>(http:\/\/[^<]+\/invite\?token=[A-Za-z0-9_-]+)<\/pre>/.exec(res.text)?.[1] ?? '';
  return { status: res.status, url, text: res.text };
}

/** Opens the invitation link like a browser and submits the password form. */
async function accept(link: string, password = VIEWER_PASSWORD, confirm = password) {
  const u = new URL(link);
  const base = u.origin;
  const token = u.searchParams.get('token') ?? '';
  const page = await req(base, `${u.pathname}${u.search}`);
  // A refused link shows no form: take a genuine pre-login token from /login to prove the POST refuses too.
  const source = page.status === 200 ? page : await req(base, '/login');
  const pre = cookieValue(source.setCookies, 'csrf') ?? /name="_csrf" value="([^"]+)"/.exec(source.text)?.[1] ?? '';
  const res = await req(base, '/invite', { method: 'POST', cookie: `csrf=${pre}`, headers: formHeaders(base), body: form({ token, password, confirm, _csrf: pre }) });
  const sessionId = cookieValue(res.setCookies, 'lr_session') ?? '';
  const csrfToken = cookieValue(res.setCookies, 'csrf') ?? '';
  return { page, res, cookie: `lr_session=${sessionId}; csrf=${csrfToken}`, sessionId, csrfToken };
}

describe('invitation → viewer', () => {
  it('an admin invites; the link sets a password and signs the invitee in as a viewer; the link works once', async () => {
    const d = await dashboard();
    const admin = await login(d.url);
    const inv = await invite(d.url, admin, 'vera');
    expect(inv.status).toBe(201);
    expect(inv.url).toMatch(/\/invite\?token=[A-Za-z0-9_-]{43}$/);
    // Only a hash of the token is stored.
    const token = new URL(inv.url).searchParams.get('token')!;
    const stored = await d.db.sql.all(`SELECT token_hash FROM dashboard_invites`);
    expect(stored).toHaveLength(1);
    expect(String(stored[0]!['token_hash'])).not.toContain(token);

    // The password rules are the admin's.
    const weak = await accept(inv.url, 'short');
    expect(weak.res.status).toBe(400);
    expect(weak.res.text).toContain('at least 12 characters');

    const v = await accept(inv.url);
    expect(v.page.status).toBe(200);
    expect(v.page.text).toContain('vera');
    expect(v.res.status).toBe(303);
    expect(v.sessionId).not.toBe('');
    const me = (await req(d.url, '/api/session', { cookie: v.cookie })).json<{ user: { username: string } }>();
    expect(me.user.username).toBe('vera');
    const row = (await d.db.sql.all(`SELECT role, password_hash FROM dashboard_users WHERE username = 'vera'`))[0]!;
    expect(row['role']).toBe('viewer');
    expect(String(row['password_hash'])).toMatch(/^scrypt\$32768\$8\$1\$/);
    // The viewer can sign in again with the password chosen.
    expect((await login(d.url, VIEWER_PASSWORD, { username: 'vera' })).response.status).toBe(303);

    // Reuse: the page and the form both refuse, and no second account appears.
    const again = await accept(inv.url, 'another password 123');
    expect(again.page.status).toBe(410);
    expect(again.res.status).toBe(410);
    expect(again.sessionId).toBe('');
    expect((await d.db.sql.all(`SELECT COUNT(*) AS n FROM dashboard_users`))[0]!['n']).toBe(2);
  });

  it('an expired invitation is refused; a name that exists cannot be invited; garbage is refused', async () => {
    let clock = Date.now();
    const d = await dashboard({ seed: false, now: () => clock });
    const admin = await login(d.url);
    const inv = await invite(d.url, admin, 'late.user');
    expect(inv.status).toBe(201);
    clock += 24 * 3600_000 + 1000;
    const late = await accept(inv.url);
    expect(late.page.status).toBe(410);
    expect(late.res.status).toBe(410);
    expect((await d.db.sql.all(`SELECT 1 FROM dashboard_users WHERE username = 'late.user'`))).toHaveLength(0);

    const admin2 = await login(d.url);
    const dup = await invite(d.url, admin2, 'admin');
    expect(dup.status).toBe(409);
    expect(dup.url).toBe('');
    expect((await invite(d.url, admin2, '<script>')).status).toBe(400);
    expect((await req(d.url, '/invite?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(410);
    // Without the admin's CSRF token no invitation is made.
    const forged = await req(d.url, '/users/invite', { method: 'POST', cookie: admin2.cookie, headers: formHeaders(d.url), body: form({ username: 'mallory' }) });
    expect(forged.status).toBe(403);
  });
});

describe('what a viewer may do', () => {
  it('reads every page and API; every write answers 403 (upload, fleet schedule, user management), sign-out works', async () => {
    const d = await dashboard();
    const cfg = tempConfig(`target: ${TARGET.replace(/\/$/, '')}\nschedule: "0 6 * * *"\n`);
    cleanups.push(cfg.cleanup);
    await registerTarget(d.db.sql, cfg.file, {});
    const admin = await login(d.url);
    const v = await accept((await invite(d.url, admin, 'vic')).url);
    expect(v.res.status).toBe(303);

    for (const path of ['/', '/monitor', '/fleet', `/audits/${d.ids.one}`, `/compare?base=${d.ids.one}&head=${d.ids.two}`, '/api/audits', '/api/fleet', '/api/monitor']) {
      expect((await req(d.url, path, { cookie: v.cookie })).status, path).toBe(200);
    }
    // The fleet page shows no edit form to a viewer, and the Users link is for admins.
    const fleet = await req(d.url, '/fleet', { cookie: v.cookie });
    expect(fleet.text).not.toContain('name="schedule"');
    expect(fleet.text).not.toContain('href="/users"');
    expect((await req(d.url, '/fleet', { cookie: admin.cookie })).text).toContain('name="schedule"');

    const writes: Array<[string, string, Record<string, string>, string]> = [
      ['POST', '/fleet/portal.example.test/schedule', formHeaders(d.url), form({ schedule: '', _csrf: v.csrfToken })],
      ['POST', '/api/audits', { 'content-type': 'application/json', 'x-csrf-token': v.csrfToken, origin: d.url }, '{}'],
      ['POST', '/users/invite', formHeaders(d.url), form({ username: 'friend', role: 'admin', _csrf: v.csrfToken })],
    ];
    for (const [method, path, headers, body] of writes) {
      const res = await req(d.url, path, { method, cookie: v.cookie, headers, body });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await req(d.url, '/users', { cookie: v.cookie })).status).toBe(403);
    expect((await req(d.url, '/api/users', { cookie: v.cookie })).status).toBe(403);
    const users = (await req(d.url, '/api/users', { cookie: admin.cookie })).json<{ users: Array<{ id: string; username: string }> }>().users;
    const adminId = users.find((u) => u.username === 'admin')!.id;
    expect((await req(d.url, `/users/${adminId}/revoke`, { method: 'POST', cookie: v.cookie, headers: formHeaders(d.url), body: form({ _csrf: v.csrfToken }) })).status).toBe(403);
    // Nothing changed.
    expect((await d.db.sql.all(`SELECT schedule FROM fleet_targets`))[0]!['schedule']).toBe('0 6 * * *');
    expect((await d.db.sql.all(`SELECT COUNT(*) AS n FROM dashboard_invites WHERE username = 'friend'`))[0]!['n']).toBe(0);
    expect((await d.db.store.listAudits(undefined, 50)).length).toBe(3);

    // A viewer's own sign-out is allowed.
    const out = await req(d.url, '/logout', { method: 'POST', cookie: v.cookie, headers: formHeaders(d.url), body: form({ _csrf: v.csrfToken }) });
    expect(out.status).toBe(303);
    expect((await req(d.url, '/api/session', { cookie: v.cookie })).status).toBe(401);
  });

  it('an admin may promote a viewer; the new role applies to the live session at once', async () => {
    const d = await dashboard({ seed: false });
    const admin = await login(d.url);
    const v = await accept((await invite(d.url, admin, 'pat')).url);
    const patId = String((await d.db.sql.all(`SELECT id FROM dashboard_users WHERE username = 'pat'`))[0]!['id']);
    const promote = await req(d.url, `/users/${patId}/role`, { method: 'POST', cookie: admin.cookie, headers: formHeaders(d.url), body: form({ role: 'admin', _csrf: admin.csrfToken }) });
    expect(promote.status).toBe(303);
    expect((await req(d.url, '/users', { cookie: v.cookie })).status).toBe(200);
  });
});

describe('revocation and the last admin', () => {
  it('revoking a user ends their sessions at once and their password no longer works', async () => {
    const d = await dashboard({ seed: false });
    const admin = await login(d.url);
    const v = await accept((await invite(d.url, admin, 'rita')).url);
    expect((await req(d.url, '/api/session', { cookie: v.cookie })).status).toBe(200);
    const page = await req(d.url, '/users', { cookie: admin.cookie });
    expect(page.text).toContain('rita');
    const ritaId = String((await d.db.sql.all(`SELECT id FROM dashboard_users WHERE username = 'rita'`))[0]!['id']);
    const res = await req(d.url, `/users/${ritaId}/revoke`, { method: 'POST', cookie: admin.cookie, headers: formHeaders(d.url), body: form({ _csrf: admin.csrfToken }) });
    expect(res.status).toBe(303);
    expect((await d.db.sql.all(`SELECT COUNT(*) AS n FROM dashboard_sessions WHERE user_id = ?`, [ritaId]))[0]!['n']).toBe(0);
    expect((await req(d.url, '/api/session', { cookie: v.cookie })).status).toBe(401);
    expect((await req(d.url, '/', { cookie: v.cookie })).status).toBe(303);
    expect((await login(d.url, VIEWER_PASSWORD, { username: 'rita' })).response.status).toBe(401);
  });

  it('the last admin cannot be revoked or demoted; with a second admin, one can go', async () => {
    const d = await dashboard({ seed: false });
    const admin = await login(d.url);
    const adminId = String((await d.db.sql.all(`SELECT id FROM dashboard_users WHERE username = 'admin'`))[0]!['id']);
    const post = (who: { cookie: string; csrfToken: string }, path: string, fields: Record<string, string> = {}) =>
      req(d.url, path, { method: 'POST', cookie: who.cookie, headers: formHeaders(d.url), body: form({ ...fields, _csrf: who.csrfToken }) });

    const revokeSelf = await post(admin, `/users/${adminId}/revoke`);
    expect(revokeSelf.status).toBe(409);
    expect(revokeSelf.text).toContain('last admin');
    expect((await post(admin, `/users/${adminId}/role`, { role: 'viewer' })).status).toBe(409);
    expect((await d.db.sql.all(`SELECT role FROM dashboard_users WHERE id = ?`, [adminId]))[0]!['role']).toBe('admin');
    expect((await req(d.url, '/api/session', { cookie: admin.cookie })).status).toBe(200);

    // A second admin joins; now the first can be demoted, and then the second is the last one.
    const second = await accept((await invite(d.url, admin, 'ada', 'admin')).url);
    expect(second.res.status).toBe(303);
    const adaId = String((await d.db.sql.all(`SELECT id FROM dashboard_users WHERE username = 'ada'`))[0]!['id']);
    // An invitation ada hands out dies when ada is revoked later.
    const pending = await invite(d.url, second, 'ada.guest');
    expect(pending.status).toBe(201);
    expect((await post(second, `/users/${adminId}/role`, { role: 'viewer' })).status).toBe(303);
    expect((await post(second, `/users/${adaId}/revoke`)).status).toBe(409);
    expect((await post(second, `/users/${adaId}/role`, { role: 'viewer' })).status).toBe(409);
    // The demoted admin is a viewer now, in the same session.
    expect((await post(admin, `/users/${adaId}/revoke`)).status).toBe(403);
    expect((await d.db.sql.all(`SELECT COUNT(*) AS n FROM dashboard_users WHERE role = 'admin'`))[0]!['n']).toBe(1);
    // Promote the first account back, then revoke ada: her open invitation no longer works.
    expect((await post(second, `/users/${adminId}/role`, { role: 'admin' })).status).toBe(303);
    expect((await post(admin, `/users/${adaId}/revoke`)).status).toBe(303);
    expect((await accept(pending.url)).res.status).toBe(410);
  });
});

// ---------------------------------------------------------------- upgrade of a database from before roles

/** The dashboard tables exactly as the previous release created them (no role column, no invites). */
const OLD_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS dashboard_users (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL, password_changed_at BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS dashboard_sessions (id_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS dashboard_sessions_user ON dashboard_sessions (user_id)`,
  `CREATE TABLE IF NOT EXISTS dashboard_setup_tokens (token_hash TEXT PRIMARY KEY, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)`,
];

async function createOldDatabase(sql: SqlDriver): Promise<void> {
  for (const s of OLD_SCHEMA) await sql.run(s);
  const at = Date.now();
  await sql.run(`INSERT INTO dashboard_users (id, username, password_hash, created_at, password_changed_at) VALUES (?, 'admin', ?, ?, ?)`, ['5b0f8a52-6d0e-4b7c-9a51-0c1d2e3f4a5b', await hashPassword(ADMIN_PASSWORD), at, at]);
  await sql.close();
}

async function upgradeAndUse(location: string): Promise<void> {
  const db = await openDashboardDb(location);
  const d = await startDashboard({ db, closeDb: true });
  cleanups.push(() => d.close());
  // The old account is an admin and keeps its password; nothing asks for setup again.
  expect(d.setupToken).toBeUndefined();
  const cols = await db.sql.all(`SELECT username, role FROM dashboard_users`);
  expect(cols).toEqual([{ username: 'admin', role: 'admin' }]);
  const admin = await login(d.url);
  expect(admin.response.status).toBe(303);
  const v = await accept((await invite(d.url, admin, 'olga')).url);
  expect(v.res.status).toBe(303);
  expect((await req(d.url, '/fleet', { cookie: admin.cookie })).status).toBe(200);
  expect((await req(d.url, '/users', { cookie: v.cookie })).status).toBe(403);
}

describe('upgrading a database created before roles', () => {
  it('SQLite: the role column is added (existing account = admin), the invites table created; migrating again is a no-op', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr17u-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'old.db');
    await createOldDatabase(openSqlite(file));
    await upgradeAndUse(file);
    // A second start over the upgraded file migrates nothing and keeps both users.
    for (const c of cleanups.splice(1).reverse()) await c();
    const again = await openDashboardDb(file);
    try {
      expect((await again.sql.all(`SELECT username, role FROM dashboard_users ORDER BY username`)).map((r) => `${String(r['username'])}:${String(r['role'])}`)).toEqual(['admin:admin', 'olga:viewer']);
    } finally {
      await again.close();
    }
  });

  it.skipIf(!PG_URL)('PostgreSQL: the same upgrade', async () => {
    const backend = postgresBackend(PG_URL!);
    cleanups.push(() => backend.cleanup());
    const url = await backend.fresh();
    await createOldDatabase(openPostgres(url));
    await upgradeAndUse(url);
  });
});
