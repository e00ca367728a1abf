import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, stripeSignatureHeader, type DemoPortal } from '../../examples/demo-portal/src/index.js';
import { bearer, call, cookieLogin, cookieValue, decodeJwt, globexInvoice, mailboxToken, setCookieFor, signJwt, withPortal } from './helpers.js';

/**
 * `--flaws none` is the portal built correctly. These tests pin the correct behaviours the
 * audit's "no false positive" promise is measured against. Tests that only read share one
 * portal; tests that lock accounts, revoke sessions or change passwords start their own.
 */

let p: DemoPortal;
beforeAll(async () => {
  p = await startDemoPortal({ flaws: 'none' });
});
afterAll(async () => {
  await p?.close();
});

interface OpenApiDoc {
  paths: Record<string, Record<string, { security?: unknown[]; 'x-roles'?: string[]; tags?: string[]; requestBody?: unknown }>>;
  components: { securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }> };
}
const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

describe('authentication under none', () => {
  it('every route the OpenAPI document marks protected answers 401 without credentials and leaks nothing', async () => {
    const doc = (await call(p, '/openapi.json')).json() as OpenApiDoc;
    const inv = globexInvoice(p);
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op || (Array.isArray(op.security) && op.security.length === 0)) continue;
        const url = path.replace('{orgId}', String(inv.orgId)).replace('{id}', String(inv.id));
        const res = await call(p, url, { method: method.toUpperCase(), ...(method === 'get' || method === 'delete' ? {} : { json: {} }) });
        expect(res.status, `${method.toUpperCase()} ${url}`).toBe(401);
        expect(res.text).not.toContain(inv.customer);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(25);
  });

  it('rejects malformed, tampered, unsigned, re-algorithmed and weak-secret tokens', async () => {
    const token = await bearer(p, 'alice');
    const { header, payload } = decodeJwt(token);
    expect(header.alg).toBe('HS256');
    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: String(p.seed.users.grace.id) })).toString('base64url')}.${s}`;
    const exp = Math.floor(Date.now() / 1000) + 600;
    const cases: Record<string, string> = {
      malformed: 'not-a-jwt',
      tampered,
      'signature stripped': `${token.split('.').slice(0, 2).join('.')}.`,
      'alg none': signJwt({ alg: 'none' }, { ...payload, sub: String(p.seed.users.grace.id) }, null),
      'alg None (case)': signJwt({ alg: 'None' }, payload, null),
      'HS512 header': signJwt({ alg: 'HS512' }, payload, 'secret'),
      'weak secret': signJwt({ alg: 'HS256' }, { sub: String(p.seed.users.grace.id), exp }, 'secret'),
      'no exp': signJwt({ alg: 'HS256' }, { sub: String(p.seed.users.alice.id) }, 'secret'),
    };
    for (const [name, bad] of Object.entries(cases)) {
      const res = await call(p, '/api/me', { token: bad });
      expect(res.status, name).toBe(401);
      expect(res.text).not.toContain('@');
    }
    expect((await call(p, '/api/me', { token })).status).toBe(200);
  });

  it('bearer tokens carry exp 15 minutes ahead and a jti', async () => {
    const { payload } = decodeJwt(await bearer(p, 'bob'));
    expect(Number(payload.exp) - Number(payload.iat)).toBe(900);
    expect(typeof payload.jti).toBe('string');
  });

  it('expired bearer tokens and expired cookie sessions are refused', async () => {
    await withPortal({ flaws: 'none', tokenTtlMs: 1000, sessionTtlMs: 300 }, async (q) => {
      const token = await bearer(q, 'alice');
      const { cookie } = await cookieLogin(q, 'alice');
      expect((await call(q, '/api/me', { cookie })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2100));
      expect((await call(q, '/api/me', { token })).status).toBe(401);
      expect((await call(q, '/api/me', { cookie })).status).toBe(401);
    });
  });

  it('login failures say the same thing for unknown accounts and wrong passwords', async () => {
    await withPortal({ flaws: 'none' }, async (q) => {
      const wrong = await call(q, '/api/login', { json: { email: q.seed.users.alice.email, password: 'nope' } });
      const unknown = await call(q, '/api/login', { json: { email: 'ghost@acme.test', password: 'nope' } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.text).toBe(wrong.text);
    });
  });
});

describe('tenant isolation and roles under none', () => {
  it("another organisation's invoices, files and tickets answer 404 on every route and stay unchanged", async () => {
    const alice = await bearer(p, 'alice');
    const inv = globexInvoice(p);
    const file = p.seed.files.find((f) => f.org === 'globex')!;
    const ticket = p.seed.tickets.find((t) => t.org === 'globex')!;
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/invoices/${inv.id}`],
      ['PATCH', `/api/invoices/${inv.id}`, { notes: 'alice was here' }],
      ['DELETE', `/api/invoices/${inv.id}`],
      ['GET', `/api/invoices/${inv.id}/export`],
      ['GET', `/api/orgs/${inv.orgId}/invoices/${inv.id}`],
      ['GET', `/api/orgs/${inv.orgId}/invoices`],
      ['GET', `/api/files/${file.id}`],
      ['GET', `/api/files/${file.id}/download`],
      ['GET', `/api/tickets/${ticket.id}`],
      ['POST', `/api/tickets/${ticket.id}/messages`, { body: 'hello from acme' }],
    ];
    for (const [method, url, json] of attempts) {
      const res = await call(p, url, { method, token: alice, ...(json ? { json } : {}) });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.text).not.toContain(inv.customer);
    }
    const list = await call(p, `/api/invoices?org_id=${inv.orgId}`, { token: alice });
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(inv.customer);
    const bobView = (await call(p, `/api/invoices/${inv.id}`, { token: await bearer(p, 'bob') })).json() as { notes: string };
    expect(bobView.notes).not.toContain('alice was here');
  });

  it('lists only the caller organisation', async () => {
    const res = (await call(p, '/api/invoices', { token: await bearer(p, 'alice') })).json() as { invoices: { org_id: number }[] };
    expect(res.invoices.length).toBeGreaterThan(0);
    expect(res.invoices.every((i) => i.org_id === p.seed.orgs.acme.id)).toBe(true);
  });

  it('members get 403 on admin routes; admins manage only their own organisation', async () => {
    const alice = await bearer(p, 'alice');
    expect((await call(p, '/api/admin/users', { token: alice })).status).toBe(403);
    expect((await call(p, `/api/admin/users/${p.seed.users.alice.id}/role`, { token: alice, json: { role: 'admin' } })).status).toBe(403);
    expect((await call(p, `/api/admin/users/${p.seed.users.adam.id}`, { method: 'DELETE', token: alice })).status).toBe(403);
    expect((await call(p, '/api/invites', { token: alice, json: { email: 'x@acme.test' } })).status).toBe(403);
    const adam = await bearer(p, 'adam');
    const users = await call(p, '/api/admin/users', { token: adam });
    expect(users.status).toBe(200);
    expect(users.text).toContain(p.seed.users.alice.email);
    expect(users.text).not.toContain(p.seed.users.bob.email);
    expect(users.text).not.toContain('password');
    expect((await call(p, `/api/admin/users/${p.seed.users.bob.id}/role`, { token: adam, json: { role: 'admin' } })).status).toBe(404);
  });

  it('writes refuse role, org_id and is_admin fields (400) and nothing sticks', async () => {
    const alice = await bearer(p, 'alice');
    for (const extra of [{ role: 'admin' }, { org_id: p.seed.orgs.globex.id }, { is_admin: true }]) {
      const res = await call(p, '/api/me', { method: 'PATCH', token: alice, json: { name: 'Alice A.', ...extra } });
      expect(res.status, JSON.stringify(extra)).toBe(400);
    }
    const me = (await call(p, '/api/me', { token: alice })).json() as { role: string; org_id: number };
    expect(me).toMatchObject({ role: 'member', org_id: p.seed.orgs.acme.id });
    const created = await call(p, '/api/invoices', { token: alice, json: { customer: 'Planted Co', amount_cents: 100, org_id: p.seed.orgs.globex.id } });
    expect(created.status).toBe(400);
    const ok = await call(p, '/api/invoices', { token: alice, json: { customer: 'Legit Co', amount_cents: 100 } });
    expect(ok.status).toBe(201);
    expect((ok.json() as { org_id: number }).org_id).toBe(p.seed.orgs.acme.id);
  });
});

describe('sessions under none', () => {
  it('session cookies are HttpOnly and SameSite=Lax, without Secure over plain HTTP; the CSRF cookie is script-readable', async () => {
    const { setCookies } = await cookieLogin(p, 'bob');
    const sid = setCookieFor(setCookies, 'sid')!;
    expect(sid).toMatch(/;\s*HttpOnly/);
    expect(sid).toMatch(/;\s*SameSite=Lax/);
    expect(sid).toMatch(/;\s*Max-Age=\d+/);
    expect(sid).not.toMatch(/;\s*Secure/);
    const csrf = setCookieFor(setCookies, 'csrf')!;
    expect(csrf).toMatch(/;\s*SameSite=Lax/);
    expect(csrf).not.toMatch(/HttpOnly/);
  });

  it('login issues a new session id, whatever session the browser arrived with', async () => {
    const pre = cookieValue((await call(p, '/login')).setCookies, 'sid')!;
    expect(pre).toBeTruthy();
    const login = await cookieLogin(p, 'bob', `sid=${pre}`);
    expect(login.sid).not.toBe(pre);
    expect((await call(p, '/api/me', { cookie: `sid=${pre}` })).status).toBe(401);
    const planted = await cookieLogin(p, 'bob', 'sid=attacker-chosen-session-id-123456');
    expect(planted.sid).not.toBe('attacker-chosen-session-id-123456');
  });

  it('the web form login redirects to the dashboard with the session; the dashboard needs it', async () => {
    const anon = await call(p, '/dashboard');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/login');
    const u = p.seed.users.adam;
    const res = await call(p, '/login', { form: { email: u.email, password: u.password } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const sid = cookieValue(res.setCookies, 'sid');
    const dash = await call(p, '/dashboard', { cookie: `sid=${sid}` });
    expect(dash.status).toBe(200);
    expect(dash.text).toContain('<script src="/static/app.js"');
    const bad = await call(p, '/login', { form: { email: u.email, password: 'wrong' } });
    expect(bad.status).toBe(401);
    expect(bad.text).toContain('Invalid email or password');
  });

  it('logout ends the cookie session and revokes the bearer token on the server', async () => {
    const token = await bearer(p, 'grace');
    expect((await call(p, '/api/logout', { method: 'POST', token })).status).toBe(200);
    expect((await call(p, '/api/me', { token })).status).toBe(401);
    const { cookie } = await cookieLogin(p, 'grace');
    const out = await call(p, '/api/logout', { method: 'POST', cookie });
    expect(out.status).toBe(200);
    expect(setCookieFor(out.setCookies, 'sid')).toMatch(/Max-Age=0/);
    expect((await call(p, '/api/me', { cookie })).status).toBe(401);
  });

  it('a password change ends the other sessions and tokens but keeps the one that made it', async () => {
    await withPortal({ flaws: 'none' }, async (q) => {
      const other = await bearer(q, 'alice');
      const otherCookie = (await cookieLogin(q, 'alice')).cookie;
      const current = await bearer(q, 'alice');
      const res = await call(q, '/api/me/password', { token: current, json: { currentPassword: q.seed.users.alice.password, newPassword: 'alice-new-pass-1' } });
      expect(res.status).toBe(200);
      expect((await call(q, '/api/me', { token: other })).status).toBe(401);
      expect((await call(q, '/api/me', { cookie: otherCookie })).status).toBe(401);
      expect((await call(q, '/api/me', { token: current })).status).toBe(200);
      expect((await call(q, '/api/login', { json: { email: q.seed.users.alice.email, password: 'alice-new-pass-1' } })).status).toBe(200);
    });
  });

  it('reset tokens and invite tokens work once', async () => {
    await withPortal({ flaws: 'none' }, async (q) => {
      const { email } = q.seed.users.bob;
      const token = await bearer(q, 'bob');
      expect((await call(q, '/api/password-reset', { json: { email } })).status).toBe(202);
      const resetToken = await mailboxToken(q, email);
      expect((await call(q, '/api/password-reset/confirm', { json: { token: resetToken, password: 'bob-reset-pass' } })).status).toBe(200);
      expect((await call(q, '/api/password-reset/confirm', { json: { token: resetToken, password: 'bob-again-pass' } })).status).toBe(400);
      expect((await call(q, '/api/me', { token })).status).toBe(401); // a reset ends existing sessions
      expect((await call(q, '/api/login', { json: { email, password: 'bob-reset-pass' } })).status).toBe(200);

      const invite = await call(q, '/api/invites', { token: await bearer(q, 'grace'), json: { email: 'newbie@globex.test', role: 'member' } });
      expect(invite.status).toBe(201);
      const inviteToken = await mailboxToken(q, 'newbie@globex.test');
      expect((invite.json() as { token: string }).token).toBe(inviteToken);
      const first = await call(q, '/api/invites/accept', { json: { token: inviteToken, name: 'Newbie', password: 'newbie-pass-1' } });
      expect(first.status).toBe(201);
      expect((first.json() as { user: { org_id: number; role: string } }).user).toMatchObject({ org_id: q.seed.orgs.globex.id, role: 'member' });
      expect((await call(q, '/api/invites/accept', { json: { token: inviteToken, name: 'Attacker', password: 'attacker-pass' } })).status).toBe(400);
      expect((await call(q, '/api/login', { json: { email: 'newbie@globex.test', password: 'newbie-pass-1' } })).status).toBe(200);
    });
  });
});

describe('CORS and CSRF under none', () => {
  it('never answers an untrusted or null Origin with CORS headers, on requests or preflights', async () => {
    const token = await bearer(p, 'alice');
    for (const origin of ['https://evil.example', 'null', p.url.replace('127.0.0.1', 'localhost')]) {
      const res = await call(p, '/api/me', { token, headers: { origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      const pre = await call(p, '/api/invoices', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('allows exactly the configured trusted origins', async () => {
    await withPortal({ flaws: 'none', trustedOrigins: ['https://app.trusted.example'] }, async (q) => {
      const pre = await call(q, '/api/invoices', { method: 'OPTIONS', headers: { origin: 'https://app.trusted.example', 'access-control-request-method': 'POST' } });
      expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.trusted.example');
      expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
      const other = await call(q, '/api/invoices', { method: 'OPTIONS', headers: { origin: 'https://trusted.example.evil.test', 'access-control-request-method': 'POST' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('cookie writes need the X-CSRF-Token matching the session; bearer writes need none', async () => {
    const { cookie, csrf } = await cookieLogin(p, 'bob');
    const forged = await call(p, '/api/me', { method: 'PATCH', cookie, json: { name: 'Forged' }, headers: { origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    const wrong = await call(p, '/api/me', { method: 'PATCH', cookie, json: { name: 'Forged' }, headers: { 'x-csrf-token': 'x'.repeat(csrf.length) } });
    expect(wrong.status).toBe(403);
    const ok = await call(p, '/api/me', { method: 'PATCH', cookie, json: { name: 'Bob B.' }, headers: { 'x-csrf-token': csrf } });
    expect(ok.status).toBe(200);
    const viaBearer = await call(p, '/api/me', { method: 'PATCH', token: await bearer(p, 'bob'), json: { name: 'Bob Brennan' } });
    expect(viaBearer.status).toBe(200);
  });
});

describe('rate limits under none', () => {
  it('5 failed logins per account → 429 with Retry-After, even with the right password, on both logins; X-Forwarded-For changes nothing', async () => {
    await withPortal({ flaws: 'none' }, async (q) => {
      const { email, password } = q.seed.users.alice;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await call(q, '/api/login', { json: { email, password: `wrong-${i}` }, headers: { 'x-forwarded-for': `198.51.100.${i}` } })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      const blocked = await call(q, '/api/login', { json: { email, password }, headers: { 'x-forwarded-for': '203.0.113.99' } });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(q, '/login', { json: { email, password } })).status).toBe(429);
      // Another account is not locked by alice's failures.
      expect((await call(q, '/api/login', { json: { email: q.seed.users.adam.email, password: q.seed.users.adam.password } })).status).toBe(200);
    });
  });

  it('20 failed logins per IP across accounts → 429', async () => {
    await withPortal({ flaws: 'none' }, async (q) => {
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) statuses.push((await call(q, '/api/login', { json: { email: `spray-${i}@acme.test`, password: 'Summer2026!' } })).status);
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses[20]).toBe(429);
    });
  });

  it('password reset: same answer for known and unknown emails, throttled after 5 per account', async () => {
    await withPortal({ flaws: 'none' }, async (q) => {
      const known = await call(q, '/api/password-reset', { json: { email: q.seed.users.alice.email } });
      const unknown = await call(q, '/api/password-reset', { json: { email: 'nobody@acme.test' } });
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(202);
      expect(unknown.text).toBe(known.text);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(q, '/api/password-reset', { json: { email: q.seed.users.alice.email } })).status);
      expect(statuses).toEqual([202, 202, 202, 202, 429]);
    });
  });

  it('invites (10 per admin), wrong current passwords (5 per account) and exports (20 per user) are throttled', async () => {
    await withPortal({ flaws: 'none' }, async (q) => {
      const adam = await bearer(q, 'adam');
      const invites: number[] = [];
      for (let i = 0; i < 11; i++) invites.push((await call(q, '/api/invites', { token: adam, json: { email: `invitee${i}@acme.test` } })).status);
      expect(invites).toEqual([...Array(10).fill(201), 429]);
      const alice = await bearer(q, 'alice');
      const changes: number[] = [];
      for (let i = 0; i < 6; i++) changes.push((await call(q, '/api/me/password', { token: alice, json: { currentPassword: `guess-${i}`, newPassword: 'whatever-123' } })).status);
      expect(changes).toEqual([400, 400, 400, 400, 400, 429]);
      const exports: number[] = [];
      const inv = q.seed.invoices.find((i) => i.org === 'acme')!;
      for (let i = 0; i < 21; i++) exports.push((await call(q, i % 2 ? '/api/exports/invoices.csv' : `/api/invoices/${inv.id}/export`, { token: alice })).status);
      expect(exports.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(exports[20]).toBe(429);
    });
  });

  it('signup is throttled per IP after 10 attempts', async () => {
    await withPortal({ flaws: 'none' }, async (q) => {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await call(q, '/api/signup', { json: { email: `new${i}@example.test`, password: 'long-enough-1', name: `New ${i}` } })).status);
      expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
      expect(statuses[10]).toBe(429);
    });
  });
});

describe('input validation and error hygiene under none', () => {
  it('invalid payloads get 4xx JSON errors with no stack, SQL or framework internals', async () => {
    const token = await bearer(p, 'alice');
    const cases: [string, string, Parameters<typeof call>[2]][] = [
      ['POST', '/api/tickets', { json: {} }],
      ['POST', '/api/tickets', { json: { subject: 'x', body: 'y', priority: 'urgent!!' } }],
      ['POST', '/api/tickets', { json: { subject: 12, body: ['y'] } }],
      ['POST', '/api/tickets', { json: null }],
      ['POST', '/api/tickets', { body: '{"subject": "x",', headers: { 'content-type': 'application/json' } }],
      ['POST', '/api/tickets', { body: 'subject=x', headers: { 'content-type': 'text/plain' } }],
      ['POST', '/api/invoices', { json: { customer: 'A'.repeat(5000), amount_cents: 1 } }],
      ['POST', '/api/invoices', { json: { customer: 'A', amount_cents: '100' } }],
      ['POST', '/api/invoices', { json: { customer: 'A', amount_cents: -5 } }],
      ['POST', '/api/invoices', { json: { customer: "' OR 1=1 --", amount_cents: 1e300 } }],
      ['POST', '/api/files', { json: { name: '../../etc/passwd', content: 'x' } }],
      ['GET', '/api/invoices/abc', {}],
      ['GET', '/api/invoices/1%27%20OR%201=1', {}],
      ['GET', '/api/invoices?status=unknown', {}],
      ['POST', '/api/invoices', { body: JSON.stringify({ customer: 'x'.repeat(1_100_000), amount_cents: 1 }), headers: { 'content-type': 'application/json' } }],
    ];
    for (const [method, url, req] of cases) {
      const res = await call(p, url, { method, token, ...req });
      const label = `${method} ${url} ${String(req?.body ?? JSON.stringify(req?.json)).slice(0, 40)}`;
      expect(res.status, label).toBeGreaterThanOrEqual(400);
      expect(res.status, label).toBeLessThan(500);
      expect(res.text, label).not.toMatch(/\bat \S+ \(|SQLITE|constraint failed|FST_|fastify|node_modules|Error:/i);
      expect(() => res.json(), label).not.toThrow();
    }
  });

  it('concurrent signups for one address: one account, the rest 409, never a 500', async () => {
    await withPortal({ flaws: 'none' }, async (q) => {
      const statuses = await Promise.all(
        Array.from({ length: 4 }, () => call(q, '/api/signup', { json: { email: 'race@example.test', password: 'long-enough-1', name: 'Racer' } }).then((r) => r.status)),
      );
      expect(statuses.sort()).toEqual([201, 409, 409, 409]);
    });
  });

  it('private API responses say Cache-Control: no-store', async () => {
    const token = await bearer(p, 'alice');
    for (const url of ['/api/me', '/api/invoices', `/api/invoices/${p.seed.invoices[0]!.id}`, '/api/tickets', '/api/reports/activity']) {
      expect((await call(p, url, { token })).headers.get('cache-control'), url).toBe('no-store');
    }
  });

  it('sends the security headers and no version banners', async () => {
    for (const url of ['/', '/login', '/api/me', '/healthz']) {
      const res = await call(p, url);
      expect(res.headers.get('content-security-policy'), url).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBeTruthy();
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('server')).toBeNull();
    }
  });
});

describe('webhooks under none', () => {
  const deliver = (body: string, signature?: string) =>
    call(p, '/webhooks/stripe', { body, headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) } });

  it('accepts a correctly signed, fresh delivery and applies it once', async () => {
    const inv = p.seed.invoices.find((i) => i.org === 'acme')!;
    const body = JSON.stringify({ id: 'evt_paid_1', type: 'invoice.paid', data: { object: { metadata: { invoice_id: inv.id } } } });
    const first = await deliver(body, stripeSignatureHeader(p.webhookSecret, body));
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({ received: true });
    expect(((await call(p, `/api/invoices/${inv.id}`, { token: await bearer(p, 'alice') })).json() as { status: string }).status).toBe('paid');
    expect((await deliver(body, stripeSignatureHeader(p.webhookSecret, body))).json()).toEqual({ received: true, duplicate: true });
  });

  it('acknowledges any correctly signed JSON event, even of a type it does not handle', async () => {
    for (const body of ['{}', '{"object":"event","type":"customer.created"}']) {
      expect((await deliver(body, stripeSignatureHeader(p.webhookSecret, body))).status, body).toBe(200);
    }
    expect((await deliver('not json', stripeSignatureHeader(p.webhookSecret, 'not json'))).status).toBe(400);
  });

  it('rejects unsigned, wrongly signed, tampered and stale deliveries', async () => {
    const body = JSON.stringify({ id: 'evt_x', type: 'invoice.paid', data: {} });
    const now = Math.floor(Date.now() / 1000);
    expect((await deliver(body)).status).toBe(400);
    expect((await deliver(body, stripeSignatureHeader('whsec_wrong', body))).status).toBe(400);
    expect((await deliver(body.replace('evt_x', 'evt_y'), stripeSignatureHeader(p.webhookSecret, body))).status).toBe(400);
    expect((await deliver(body, stripeSignatureHeader(p.webhookSecret, body, now - 301))).status).toBe(400);
    expect((await deliver(body, `t=${now}`)).status).toBe(400);
  });
});

describe('the rest of the product under none', () => {
  it('GET /healthz answers JSON', async () => {
    const res = await call(p, '/healthz');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
  });

  it('the activity report is fast', async () => {
    const token = await bearer(p, 'alice');
    const res = await call(p, '/api/reports/activity', { token });
    expect(res.status).toBe(200);
    expect((res.json() as { days: unknown[] }).days).toHaveLength(7);
    expect(res.headers.get('server-timing')).toMatch(/^app;dur=\d/);
    expect(res.serverMs).toBeLessThan(100);
  });

  it('the OpenAPI document describes the real API: security schemes, schemas, id params, admin roles, no demo mailbox', async () => {
    const doc = (await call(p, '/openapi.json')).json() as OpenApiDoc & { openapi: string };
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.cookieAuth).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'sid' });
    expect(Object.keys(doc.paths).some((k) => k.startsWith('/__demo'))).toBe(false);
    expect(doc.paths['/api/orgs/{orgId}/invoices/{id}']).toBeDefined();
    for (const [path, item] of Object.entries(doc.paths).filter(([k]) => k.startsWith('/api/admin'))) {
      for (const m of METHODS) if (item[m]) expect(item[m], path).toMatchObject({ 'x-roles': ['admin'], tags: ['admin'] });
    }
    expect(JSON.stringify(doc.paths['/api/invoices']!.post!.requestBody)).toContain('"required":["customer","amount_cents"]');
    // Every documented GET route exists (nothing answers 404 for a caller of the right organisation).
    const token = await bearer(p, 'adam');
    const inv = p.seed.invoices.find((i) => i.org === 'acme')!;
    const file = p.seed.files.find((f) => f.org === 'acme')!;
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!item.get) continue;
      const url = path.replace('{orgId}', String(inv.orgId)).replace('{id}', String(path.startsWith('/api/files') ? file.id : path.startsWith('/api/tickets') ? p.seed.tickets[0]!.id : inv.id));
      expect((await call(p, url, { token })).status, url).toBe(200);
    }
  });

  it('serves the web UI: landing page, login form, bundle with a source map and no secrets', async () => {
    expect((await call(p, '/')).text).toContain('<h1>');
    const login = await call(p, '/login');
    expect(login.text).toContain('<form method="post" action="/login"');
    const js = await call(p, '/static/app.js');
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.text).toMatch(/\/\/# sourceMappingURL=app\.js\.map\n$/);
    expect(js.text).not.toMatch(/sk_live_/);
    const map = (await call(p, '/static/app.js.map')).json() as { version: number; sources: string[]; sourcesContent: string[]; mappings: string };
    expect(map.version).toBe(3);
    expect(map.sourcesContent).toHaveLength(map.sources.length);
    expect(map.mappings.split(';')).toHaveLength(js.text.split('\n').length - 2);
  });
});
