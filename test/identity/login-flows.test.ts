import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityLogin } from '../../src/checks/authentication/checks.js';
import { IdentitySchema, type IdentityConfig } from '../../src/config/schema.js';
import { requestAs } from '../../src/identity/request-as.js';
import { credentialHeaders, enableRelogin, login, logout } from '../../src/identity/session.js';
import { HttpClient } from '../../src/net/http.js';
import { auditConfig } from '../access/run.js';

/** A loopback app with every login style launchready supports, and a /me that tells whether a credential works. */
let app: FastifyInstance;
let base: URL;
const valid = new Map<string, string>(); // credential → user
const logins: string[] = [];
const STATIC = { bearer: 'static-bearer-token-123', key: 'static-api-key-456', cookie: 'static-cookie-789' };

function who(req: FastifyRequest): string | undefined {
  const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
  const key = req.headers['x-api-key'];
  const cookie = /(?:^|;\s*)sess=([^;]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
  for (const c of [auth, typeof key === 'string' ? key : undefined, cookie]) if (c && valid.has(c)) return valid.get(c);
  return undefined;
}

function issue(user: string): string {
  const t = randomBytes(16).toString('hex');
  valid.set(t, user);
  return t;
}

beforeAll(async () => {
  valid.set(STATIC.bearer, 'bea');
  valid.set(STATIC.key, 'kay');
  valid.set(STATIC.cookie, 'coco');
  app = Fastify();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
  const users: Record<string, string> = { jay: 'jay-pw', fay: 'fay-pw', sam: 'sam-pw', broken: 'broken-pw' };
  const check = (b: Record<string, string>): string | undefined => (users[b['email'] ?? b['user'] ?? ''] === b['password'] ? (b['email'] ?? b['user']) : undefined);
  app.post('/json-login', async (req, reply) => {
    const u = check(req.body as Record<string, string>);
    if (!u) return reply.code(401).send({ error: 'invalid' });
    logins.push(u);
    // "broken" gets a token the API never accepts: the login "works", the session does not.
    return { data: { access_token: u === 'broken' ? 'never-valid-token' : issue(u) } };
  });
  app.post('/form-login', async (req, reply) => {
    const u = check(req.body as Record<string, string>);
    if (!u) return reply.code(401).type('text/html').send('<form><input type=password></form>');
    logins.push(u);
    return reply.code(303).header('location', '/home').header('set-cookie', `sess=${issue(u)}; Path=/; HttpOnly`).send();
  });
  app.post('/challenge', async () => ({ nonce: 'n-123' }));
  app.post('/session', async (req, reply) => {
    const b = req.body as Record<string, string>;
    if (b['nonce'] !== 'n-123' || !check(b)) return reply.code(401).send({});
    logins.push(b['user']!);
    return reply.header('x-session-key', issue(b['user']!)).send({ ok: true });
  });
  app.post('/register', async (req, reply) => {
    const b = req.body as Record<string, string>;
    if (users[b['email']!]) return reply.code(409).send({ error: 'exists' });
    users[b['email']!] = b['password']!;
    return reply.code(201).send({ ok: true });
  });
  app.get('/me', async (req, reply) => {
    const u = who(req);
    return u ? { email: u } : reply.code(401).send({ error: 'unauthorized' });
  });
  app.post('/logout', async (req) => {
    for (const [k, v] of valid) if (v === who(req) && (req.headers.authorization?.includes(k) || String(req.headers.cookie).includes(k))) valid.delete(k);
    return { ok: true };
  });
  app.post('/expire-all', async () => {
    for (const [k] of valid) if (!Object.values(STATIC).includes(k)) valid.delete(k);
    return { ok: true };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
});
afterAll(() => app?.close());

const client = (): HttpClient => new HttpClient({ maxRequests: 200, rate: 1000, timeoutMs: 3000, maxBodyBytes: 1 << 20, scope: [base.origin] });
const id = (raw: unknown): IdentityConfig => IdentitySchema.parse(raw);

const KINDS: Array<[string, unknown, string]> = [
  ['json (token found without a tokenPath)', { login: { kind: 'json', url: '/json-login', json: { email: 'jay', password: 'jay-pw' } } }, 'jay'],
  ['json with tokenPath', { login: { kind: 'json', url: '/json-login', json: { email: 'jay', password: 'jay-pw' }, tokenPath: '/data/access_token' } }, 'jay'],
  ['form (session cookie)', { login: { kind: 'form', url: '/form-login', form: { email: 'fay', password: 'fay-pw' }, cookie: 'sess' } }, 'fay'],
  ['bearer', { login: { kind: 'bearer', token: STATIC.bearer } }, 'bea'],
  ['header (API key)', { login: { kind: 'header', name: 'X-Api-Key', value: STATIC.key } }, 'kay'],
  ['cookie', { login: { kind: 'cookie', name: 'sess', value: STATIC.cookie } }, 'coco'],
  [
    'steps (challenge, then a key from a response header)',
    { login: { kind: 'steps', steps: [{ url: '/challenge', json: {}, extract: { nonce: '/nonce' } }, { url: '/session', json: { user: 'sam', password: 'sam-pw', nonce: '{{nonce}}' }, extract: { key: 'header:x-session-key' } }], use: 'header:X-Api-Key:{{key}}' } },
    'sam',
  ],
];

describe('login flows against a real server', () => {
  it.each(KINDS)('%s gives a session the API accepts', async (_name, cfg, user) => {
    const http = client();
    try {
      const s = await login(http, base, 'x', id(cfg));
      const ex = await http.request({ url: new URL('/me', base), headers: credentialHeaders(s), credentialed: true });
      expect(ex.response?.status).toBe(200);
      expect(ex.response?.json()).toEqual({ email: user });
    } finally {
      await http.close();
    }
  });

  it('says which request failed and how when the password is wrong', async () => {
    const http = client();
    await expect(login(http, base, 'jay', id({ login: { kind: 'json', url: '/json-login', json: { email: 'jay', password: 'nope' } } }))).rejects.toThrow('login of jay at /json-login failed: HTTP 401');
    await http.close();
  });

  it('renews an expired session in place and repeats the request', async () => {
    const http = client();
    try {
      const cfg = id({ login: { kind: 'json', url: '/json-login', json: { email: 'jay', password: 'jay-pw' } }, verify: '/me' });
      const s = await login(http, base, 'jay', cfg);
      s.verifyPath = '/me';
      enableRelogin(http, base, s, cfg);
      const old = s.bearer;
      await http.request({ method: 'POST', url: new URL('/expire-all', base) });
      const ex = await requestAs(http, s, base, { url: new URL('/me', base) });
      expect(ex.response?.status).toBe(200);
      expect(s.relogins).toBe(1);
      expect(s.bearer).not.toBe(old);
    } finally {
      await http.close();
    }
  });

  it('logs out through the configured flow, after which the old credential is refused', async () => {
    const http = client();
    try {
      const cfg = id({ login: { kind: 'form', url: '/form-login', form: { email: 'fay', password: 'fay-pw' }, cookie: 'sess' }, logout: { url: '/logout' } });
      const s = await login(http, base, 'fay', cfg);
      const out = await logout(http, base, s, cfg);
      expect(out?.response?.status).toBe(200);
      const ex = await http.request({ url: new URL('/me', base), headers: credentialHeaders(s), credentialed: true });
      expect(ex.response?.status).toBe(401);
    } finally {
      await http.close();
    }
  });
});

describe('identities in a run', () => {
  it('verifies sessions with a safe read from the surface and reports the ones that do not work', async () => {
    const result = await auditConfig(
      {
        target: base.href,
        api: { routes: ['GET /me', { method: 'POST', path: '/logout' }] },
        identities: {
          jay: { login: { kind: 'json', url: '/json-login', json: { email: 'jay', password: 'jay-pw' } } },
          broken: { login: { kind: 'json', url: '/json-login', json: { email: 'broken', password: 'broken-pw' } } },
          wrong: { login: { kind: 'json', url: '/json-login', json: { email: 'jay', password: 'typo' } } },
        },
      },
      [identityLogin],
    );
    const errors = result.findings.filter((f) => f.status === 'error');
    expect(errors.map((f) => f.location.detail).sort()).toEqual(['identity broken', 'identity wrong']);
    expect(errors.find((f) => f.location.detail === 'identity broken')?.reason).toMatch(/logged in \(POST \/json-login answered HTTP 200\) but the session does not work: GET \/me → HTTP 401/);
    expect(errors.find((f) => f.location.detail === 'identity wrong')?.reason).toMatch(/HTTP 401/);
    expect(JSON.stringify(result.findings)).not.toContain('jay-pw');
  });

  it('registers an identity first when configured, then logs it in', async () => {
    const result = await auditConfig(
      {
        target: base.href,
        api: { routes: ['GET /me'] },
        identities: {
          newbie: {
            register: { url: '/register', json: { email: 'newbie', password: 'newbie-pw' } },
            login: { kind: 'json', url: '/json-login', json: { email: 'newbie', password: 'newbie-pw' } },
          },
        },
      },
      [identityLogin],
    );
    expect(result.findings.map((f) => f.status)).toEqual(['pass']);
  });
});
