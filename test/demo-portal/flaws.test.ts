import { describe, expect, it } from 'vitest';
import { FLAWS, stripeSignatureHeader, type DemoPortal, type FlawName } from '../../examples/demo-portal/src/index.js';
import { bearer, call, cookieLogin, cookieValue, decodeJwt, globexInvoice, mailboxToken, setCookieFor, signJwt, withPortal } from './helpers.js';

/**
 * One probe per flaw: it performs the mistake's tell-tale request sequence and says whether the
 * flawed behaviour showed. Each flaw must show with its switch on (alone) and must not show on
 * a correctly built portal (`none`). The table is typed over every flaw name, so a new flaw
 * without a probe does not compile.
 */
type Probe = (p: DemoPortal) => Promise<boolean>;

const PROBES = {
  'missing-auth': async (p) => {
    const res = await call(p, '/api/tickets/stats');
    return res.status === 200 && p.seed.tickets.every((t) => res.text.includes(t.subject));
  },
  'bola-invoice-read': async (p) => {
    const inv = globexInvoice(p);
    const res = await call(p, `/api/invoices/${inv.id}`, { token: await bearer(p, 'alice') });
    return res.status === 200 && res.text.includes(inv.customer);
  },
  'bola-invoice-update': async (p) => {
    const inv = globexInvoice(p);
    await call(p, `/api/invoices/${inv.id}`, { method: 'PATCH', token: await bearer(p, 'alice'), json: { notes: 'changed by alice' } });
    const seen = await call(p, `/api/invoices/${inv.id}`, { token: await bearer(p, 'bob') });
    return seen.text.includes('changed by alice');
  },
  'bola-invoice-export': async (p) => {
    const inv = globexInvoice(p);
    const res = await call(p, `/api/invoices/${inv.id}/export`, { token: await bearer(p, 'alice') });
    return res.status === 200 && res.text.includes(inv.customer);
  },
  'bola-query': async (p) => {
    const res = await call(p, `/api/invoices?org_id=${p.seed.orgs.globex.id}`, { token: await bearer(p, 'alice') });
    return res.status === 200 && res.text.includes(globexInvoice(p).customer);
  },
  'bola-nested': async (p) => {
    const inv = globexInvoice(p);
    const res = await call(p, `/api/orgs/${inv.orgId}/invoices/${inv.id}`, { token: await bearer(p, 'alice') });
    return res.status === 200 && res.text.includes(inv.customer);
  },
  'bola-file-download': async (p) => {
    const file = p.seed.files.find((f) => f.org === 'globex')!;
    const res = await call(p, `/api/files/${file.id}/download`, { token: await bearer(p, 'alice') });
    return res.status === 200 && res.text.includes('Globex');
  },
  'bfla-admin': async (p) => {
    const res = await call(p, '/api/admin/users', { token: await bearer(p, 'alice') });
    return res.status === 200 && res.text.includes(p.seed.users.adam.email);
  },
  'mass-assignment': async (p) => {
    const token = await bearer(p, 'alice');
    await call(p, '/api/me', { method: 'PATCH', token, json: { name: 'Alice', role: 'admin' } });
    const me = (await call(p, '/api/me', { token })).json() as { role: string };
    return me.role === 'admin';
  },
  'session-after-logout': async (p) => {
    const token = await bearer(p, 'alice');
    const out = await call(p, '/api/logout', { method: 'POST', token });
    return out.status === 200 && (await call(p, '/api/me', { token })).status === 200;
  },
  'session-fixation': async (p) => {
    const pre = cookieValue((await call(p, '/login')).setCookies, 'sid');
    const login = await cookieLogin(p, 'alice', `sid=${pre}`);
    return login.sid === pre;
  },
  'reset-token-reuse': async (p) => {
    const { email } = p.seed.users.alice;
    await call(p, '/api/password-reset', { json: { email } });
    const token = await mailboxToken(p, email);
    const first = await call(p, '/api/password-reset/confirm', { json: { token, password: 'first-new-pass' } });
    const second = await call(p, '/api/password-reset/confirm', { json: { token, password: 'second-new-pass' } });
    return first.status === 200 && second.status === 200;
  },
  'invite-token-reuse': async (p) => {
    const invite = await call(p, '/api/invites', { token: await bearer(p, 'adam'), json: { email: 'new.hire@acme.test' } });
    const { token } = invite.json() as { token: string };
    const first = await call(p, '/api/invites/accept', { json: { token, name: 'New Hire', password: 'hire-pass-1' } });
    const second = await call(p, '/api/invites/accept', { json: { token, name: 'Attacker', password: 'taken-over-1' } });
    return first.status === 201 && second.status < 300;
  },
  'jwt-alg-none': async (p) => {
    const forged = signJwt({ alg: 'none', typ: 'JWT' }, { sub: String(p.seed.users.grace.id), exp: Math.floor(Date.now() / 1000) + 600 }, null);
    const res = await call(p, '/api/me', { token: forged });
    return res.status === 200 && res.text.includes(p.seed.users.grace.email);
  },
  'jwt-weak-secret': async (p) => {
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, { sub: String(p.seed.users.grace.id), exp: Math.floor(Date.now() / 1000) + 600 }, 'secret');
    const res = await call(p, '/api/me', { token: forged });
    return res.status === 200 && res.text.includes(p.seed.users.grace.email);
  },
  'jwt-no-expiry': async (p) => decodeJwt(await bearer(p, 'alice')).payload.exp === undefined,
  'weak-cookies': async (p) => {
    const sid = setCookieFor((await cookieLogin(p, 'alice')).setCookies, 'sid') ?? '';
    return !/;\s*HttpOnly/i.test(sid) && !/;\s*SameSite=/i.test(sid);
  },
  'cors-reflect': async (p) => {
    const token = await bearer(p, 'alice');
    const evil = await call(p, '/api/me', { token, headers: { origin: 'https://evil.example' } });
    const nul = await call(p, '/api/me', { token, headers: { origin: 'null' } });
    return (
      evil.headers.get('access-control-allow-origin') === 'https://evil.example' &&
      evil.headers.get('access-control-allow-credentials') === 'true' &&
      nul.headers.get('access-control-allow-origin') === 'null'
    );
  },
  'no-csrf': async (p) => {
    const { cookie } = await cookieLogin(p, 'alice');
    const res = await call(p, '/api/me', { method: 'PATCH', cookie, json: { name: 'Renamed by evil.example' }, headers: { origin: 'https://evil.example' } });
    return res.status === 200;
  },
  'no-rate-limit-login': async (p) => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await call(p, '/api/login', { json: { email: p.seed.users.alice.email, password: `wrong-${i}` } })).status);
    return !statuses.includes(429);
  },
  'no-rate-limit-reset': async (p) => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await call(p, '/api/password-reset', { json: { email: p.seed.users.alice.email } })).status);
    return !statuses.includes(429);
  },
  'rate-limit-trusts-xff': async (p) => {
    // On the web login: its throttle exists in every build, so only the key can be wrong.
    const attempt = (xff: string) => call(p, '/login', { json: { email: p.seed.users.bob.email, password: 'wrong' }, headers: { 'x-forwarded-for': xff } });
    for (let i = 0; i < 6; i++) await attempt('203.0.113.7');
    const blocked = (await attempt('203.0.113.7')).status === 429;
    const fresh = await attempt('198.51.100.9');
    return blocked && fresh.status === 401;
  },
  'weak-password-policy': async (p) => {
    const res = await call(p, '/api/signup', { json: { email: `weak-${Date.now()}@acme.test`, password: 'password', name: 'Wendy Weak' } });
    return res.status === 201;
  },
  'user-enumeration-reset': async (p) => {
    const known = await call(p, '/api/password-reset', { json: { email: p.seed.users.alice.email } });
    const unknown = await call(p, '/api/password-reset', { json: { email: 'nobody@acme.test' } });
    return known.status !== unknown.status || known.text !== unknown.text;
  },
  'stack-trace': async (p) => {
    const res = await call(p, '/api/tickets', { token: await bearer(p, 'alice'), json: { body: 'no subject' } });
    return res.status === 500 && /NOT NULL constraint failed/.test(res.text) && /\bat .+\.(?:js|ts):\d+/.test(res.text);
  },
  'cache-public': async (p) => {
    const res = await call(p, '/api/me', { token: await bearer(p, 'alice') });
    return /public/.test(res.headers.get('cache-control') ?? '');
  },
  'missing-headers': async (p) => {
    const res = await call(p, '/');
    return !res.headers.has('content-security-policy') && !res.headers.has('x-content-type-options') && !res.headers.has('x-frame-options') && !res.headers.has('referrer-policy');
  },
  'powered-by': async (p) => {
    const res = await call(p, '/');
    return res.headers.get('x-powered-by') === 'Express' && /\/\d/.test(res.headers.get('server') ?? '');
  },
  'webhook-unsigned': async (p) => {
    const res = await call(p, '/webhooks/stripe', { json: { id: 'evt_unsigned', type: 'invoice.paid', data: { object: { metadata: { invoice_id: 1 } } } } });
    return res.status === 200;
  },
  'webhook-replay': async (p) => {
    const body = JSON.stringify({ id: 'evt_old', type: 'invoice.paid', data: {} });
    const old = Math.floor(Date.now() / 1000) - 3600;
    const res = await call(p, '/webhooks/stripe', { body, headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignatureHeader(p.webhookSecret, body, old) } });
    return res.status === 200;
  },
  'slow-endpoint': async (p) => {
    const res = await call(p, '/api/reports/activity', { token: await bearer(p, 'alice') });
    return res.status === 200 && res.serverMs >= 600;
  },
  'bundle-secret': async (p) => {
    const key = /sk_live_[A-Za-z0-9]{24,}/;
    const js = await call(p, '/static/app.js');
    const map = (await call(p, '/static/app.js.map')).json() as { sourcesContent: string[] };
    return key.test(js.text) && map.sourcesContent.some((s) => key.test(s));
  },
  'slow-landing': async (p) => {
    const home = await call(p, '/');
    const head = home.text.slice(0, home.text.indexOf('</head>'));
    const blocking = [...head.matchAll(/<script\b([^>]*)>/g)].filter((m) => !/\b(defer|async)\b|type="module"/.test(m[1] ?? ''));
    if (blocking.length === 0) return false;
    const src = /src="([^"]+)"/.exec(blocking[0]![1] ?? '')?.[1] ?? '';
    return (await call(p, src)).ms >= 2000;
  },
  'broken-login': async (p) => {
    const u = p.seed.users.alice;
    const login = await call(p, '/api/login', { json: { email: u.email, password: u.password } });
    const home = await call(p, '/');
    return login.status === 500 && home.status === 200 && (await call(p, '/healthz')).status === 200;
  },
} satisfies Record<FlawName, Probe>;

describe('demo portal flaws: each switch shows its mistake, and only with the switch', () => {
  for (const flaw of FLAWS) {
    it(`${flaw.name}: present with --flaws ${flaw.name}, absent with --flaws none`, async () => {
      const probe: Probe = PROBES[flaw.name];
      // Two independent portals, probed side by side.
      const [withFlaw, without] = await Promise.all([withPortal({ flaws: [flaw.name] }, probe), withPortal({ flaws: 'none' }, probe)]);
      expect({ withFlaw, without }).toEqual({ withFlaw: true, without: false });
    });
  }

  it('every inAll flaw also shows when all flaws are on together (none masks another)', async () => {
    // A fresh all-flaws portal per probe (probes change passwords and sessions), four at a time.
    const missing: string[] = [];
    const queue = FLAWS.filter((f) => f.inAll).map((f) => f.name);
    const worker = async (): Promise<void> => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        const probe: Probe = PROBES[name];
        if (!(await withPortal({ flaws: 'all' }, probe))) missing.push(name);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(missing.sort()).toEqual([]);
  }, 60_000);
});
