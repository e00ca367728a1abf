import { describe, expect, it } from 'vitest';
import { credentialErrorLeak, jwtVerification, missingAuthentication, specMarksPrivatePublic } from '../../src/checks/authentication/checks.js';
import { htmlLinks, htmlTexts, personalData } from '../../src/checks/authentication/content.js';
import { isReducedPublicView } from '../../src/checks/authorization/judge.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { checkCases } from '../../src/engine/check-tester.js';
import { CookieJar } from '../../src/identity/cookies.js';
import { crackHmacSecret, decodeJwt, signHmacJwt } from '../../src/identity/jwt.js';
import type { Session } from '../../src/identity/session.js';
import { appNameHints, caseVariants, WEAK_JWT_EXAMPLES, WEAK_JWT_NON_EXAMPLES } from '../../src/identity/weak-jwt-secrets.js';
import type { AuthProbe, RouteAuthResult } from '../../src/probes/authentication/probe.js';
import { learnBody, learnConfig, learnExamples, learnLocation, learnSession, learntValue, newLearning, pinnedValue } from '../../src/probes/authorization/learn.js';
import { carriesData } from '../../src/checks/authentication/content.js';
import { fieldCandidates, fieldFitsParam } from '../../src/surface/object-ids.js';
import type { Route } from '../../src/surface/routes.js';
import { exchange } from '../helpers.js';

const route = (method: string, path: string, extra: Partial<Route> = {}): Route => ({ method: method as Route['method'], path, source: 'openapi', params: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1]!, in: 'path' as const, required: true, objectId: true })), ...extra });
const base = new URL('http://api.test/');

function session(name: string, loginBody: unknown, bearer?: string): Session {
  const ex = exchange({ method: 'POST', url: 'http://api.test/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify(loginBody) });
  return { identity: name, role: 'member', kind: 'json', jar: new CookieJar(), loginExchanges: [ex], loginBody, ...(bearer ? { bearer } : {}) };
}

describe('learning object ids where APIs put them', () => {
  it('matches fields to parameters by name: natural keys, parent ids, JWT claims', () => {
    expect(fieldCandidates('book_title', 'books')).toEqual(expect.arrayContaining(['booktitle', 'title']));
    expect(fieldFitsParam(['id', 'basketid'], 'basketId', 'baskets')).toBe('exact');
    expect(fieldFitsParam(['id'], 'id', 'files')).toBeUndefined();
    expect(fieldFitsParam(['id', 'fileid'], 'id', 'files')).toBe('exact');
    expect(fieldFitsParam(['username'], 'username', 'users')).toBe('exact');
  });

  it('learns the basket id from the login response and the user id from the JWT sub', () => {
    const l = newLearning();
    const jwt = signHmacJwt({ alg: 'HS256' }, { sub: '1002', iss: 'shop' }, 'k7Qv9x2LmP0sRt4WzY8bN1cD3fG6hJ5e');
    learnSession(l, 'ben', session('ben', { token: 'x', basket: { id: 5002 } }, jwt), [], base);
    learnSession(l, 'ann', session('ann', { token: 'y', basket: { id: 5001 } }), [], base);
    expect(learntValue(l, 'ben', route('GET', '/api/baskets/{basketId}'), 'basketId')?.value).toBe('5002');
    expect(learntValue(l, 'ben', route('GET', '/api/users/{userId}/orders'), 'userId')).toMatchObject({ value: '1002', source: 'jwt' });
    expect(learntValue(l, 'ann', route('GET', '/api/users/{userId}/orders'), 'userId')).toBeUndefined();
  });

  it('never takes a value two identities share as owned', () => {
    const l = newLearning();
    learnBody(l, 'a', { workspace: { id: 'ws-shared' } }, 'login', 'login');
    learnBody(l, 'b', { workspace: { id: 'ws-shared' } }, 'login', 'login');
    expect(learntValue(l, 'a', route('GET', '/workspaces/{workspaceId}'), 'workspaceId')).toBeUndefined();
  });

  it('matches by value: a recorded call by one identity shows which field fills the slot', () => {
    const l = newLearning();
    learnBody(l, 'a', { profile: { handle: 'ann-the-archer' } }, 'profile', 'GET /me');
    learnBody(l, 'b', { profile: { handle: 'ben-the-bishop' } }, 'profile', 'GET /me');
    const r = route('GET', '/u/{who}');
    learnExamples(l, [{ ...r, examples: [{ url: 'http://api.test/u/ann-the-archer', status: 200, identity: 'a' }] }], new Set(['a', 'b']), base);
    expect(pinnedValue(l, 'a', r, 'who')?.value).toBe('ann-the-archer');
    expect(learntValue(l, 'b', r, 'who')?.value).toBe('ben-the-bishop');
  });

  it('learns from Location headers and page links, and from identities.<name>.objects (literal, login:, jwt:)', () => {
    const l = newLearning();
    const routes = [route('GET', '/api/carts/{cartId}')];
    learnLocation(l, 'a', routes, '/api/carts/77', base, 'POST /api/carts');
    expect(pinnedValue(l, 'a', routes[0]!, 'cartId')?.value).toBe('77');
    const s = session('b', { org: { slug: 'bobco' } }, signHmacJwt({ alg: 'HS256' }, { tenant: 't-9' }, 'k7Qv9x2LmP0sRt4WzY8bN1cD3fG6hJ5e'));
    const cfg = ConfigSchema.parse({ identities: { b: { login: { kind: 'bearer', token: 't' }, objects: { 'GET /books/v1/{book_title}': { book_title: "Bob's diary" }, '/orgs/{slug}': { slug: 'login:/org/slug' }, 'GET /t/{tid}': { tid: 'jwt:tenant' } } } } }).identities['b'];
    learnConfig(l, 'b', cfg, s);
    expect(pinnedValue(l, 'b', route('GET', '/books/v1/{book_title}'), 'book_title')).toEqual({ value: "Bob's diary", source: 'config' });
    expect(pinnedValue(l, 'b', route('GET', '/orgs/{slug}'), 'slug')?.value).toBe('bobco');
    expect(pinnedValue(l, 'b', route('GET', '/t/{tid}'), 'tid')?.value).toBe('t-9');
    expect(htmlLinks('<a href="/tickets/101">x</a><form action="/tickets/101/reply"></form><a href="https://evil.test/x">')).toEqual(['/tickets/101', '/tickets/101/reply']);
    expect([...htmlTexts('<h1>Oven thermostat replacement</h1><script>var secret="x"</script><p>ok</p>')]).toEqual(['Oven thermostat replacement']);
  });

  it('rejects identities.<name>.objects that do not fit the route, naming the place', () => {
    const r = ConfigSchema.safeParse({ identities: { bob: { login: { kind: 'bearer', token: 't' }, objects: { 'GET /books/{title}': { book_id: '1' }, 'books': { x: '1' } } } } });
    expect(r.success).toBe(false);
    const text = JSON.stringify(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    expect(text).toMatch(/identities\.bob\.objects\.GET \/books\/\{title\}\.book_id: \\"book_id\\" is not a parameter of \/books\/\{title\}/);
    expect(text).toMatch(/expected \\"METHOD \/path\/\{param\}\\"/);
  });
});

describe('the weak JWT secret dictionary (data with examples)', () => {
  const sign = (secret: string, payload: Record<string, unknown> = { sub: '1' }): string => signHmacJwt({ alg: 'HS256' }, payload, secret);
  it.each(WEAK_JWT_EXAMPLES)('finds %s', (secret) => {
    expect(crackHmacSecret(decodeJwt(sign(secret))!)).toBe(secret);
  });
  it.each(WEAK_JWT_NON_EXAMPLES)('does not contain the random secret %s', (secret) => {
    expect(crackHmacSecret(decodeJwt(sign(secret))!)).toBeUndefined();
  });
  it('builds app-name patterns from the token issuer and the host', () => {
    expect(appNameHints({ claims: { iss: 'https://auth.shopwave.io' }, host: '127.0.0.1' })).toEqual(['shopwave']);
    const jwt = decodeJwt(sign('SHOPWAVE_SECRET', { iss: 'shopwave' }))!;
    expect(crackHmacSecret(jwt)).toBeUndefined();
    expect(crackHmacSecret(jwt, appNameHints({ claims: jwt.payload }))).toBe('SHOPWAVE_SECRET');
    expect(caseVariants('super-secret')).toEqual(expect.arrayContaining(['SuperSecret', 'SUPER-SECRET', 'Super-Secret']));
  });
});

describe('judging by content', () => {
  it('finds personal data in records, not in a public directory', () => {
    expect(personalData({ patients: [{ full_name: 'P Q', email: 'p@q.test', dob: '1984-02-11' }, { full_name: 'R S', email: 'r@s.test' }] })).toMatchObject({ records: 2 });
    expect(personalData([{ name: 'Dr. Ada Vance', specialty: 'cardiology' }]).records).toBe(0);
  });

  it('a reduced public view of another user is not a leak; personal fields in it are', () => {
    expect(isReducedPublicView({ username: 'bob', display_name: 'Bob B', email: 'b@b.test' }, { username: 'bob', display_name: 'Bob B' }, ['Bob B']).reduced).toBe(true);
    expect(isReducedPublicView({ username: 'bob', display_name: 'Bob B', email: 'b@b.test', phone: '1' }, { username: 'bob', email: 'b@b.test' }, ['b@b.test']).reduced).toBe(false);
    expect(isReducedPublicView({ a: 1, b: 2 }, { a: 1, b: 2 }, ['x']).reduced).toBe(false);
  });
});

// ---------------------------------------------------------------- CheckTester tables
const json = (status: number, body: unknown, url = 'https://app.example.com/api/x'): ReturnType<typeof exchange> => exchange({ url, status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
function result(r: Route, attempts: Array<[RouteAuthResult['attempts'][number]['kind'], ReturnType<typeof exchange>]>, extra: Partial<RouteAuthResult> = {}, baseline?: ReturnType<typeof exchange>): RouteAuthResult {
  return { route: r, path: r.path, attempts: attempts.map(([kind, ex]) => ({ kind, exchange: ex, verdict: carriesData(ex, baseline) })), ...(baseline ? { baseline: { identity: 'ann', exchange: baseline } } : {}), ...extra };
}
const probe = (results: RouteAuthResult[], identities = 2, jwts: AuthProbe['jwts'] = []): { probe: AuthProbe } => ({ probe: { results, jwts, identities } });
const people = { patients: [{ email: 'p@q.test', phone: '+44 1' }, { email: 'r@s.test', phone: '+44 2' }] };
const jwtFacts: AuthProbe['jwts'] = [{ identity: 'ann', carrier: 'Authorization: Bearer', alg: 'HS256', claims: ['sub'], hasExp: true, token: { prefix: 'eyJh', length: 100, sha256: 'x' } }];

describe('authentication checks as tables', () => {
  it('missing-auth: content decides, not the spec', async () => {
    const pub = route('GET', '/api/doctors', { auth: false });
    const priv = route('GET', '/api/patients', { auth: false });
    const declared = route('GET', '/api/orders', { auth: true });
    expect(
      await checkCases(missingAuthentication, {
        valid: [
          { name: 'a public directory marked public', evidence: probe([result(pub, [['no-credentials', json(200, [{ name: 'Dr. A', specialty: 'x' }])]])]) },
          { name: 'refused', evidence: probe([result(declared, [['no-credentials', json(401, { error: 'unauthorized' })]])]) },
        ],
        invalid: [
          { name: 'personal data behind security: []', evidence: probe([result(priv, [['no-credentials', json(200, people)]])]), findings: [{ severity: 'high', title: /personal data/ }] },
          { name: 'an identity\'s values anonymously', evidence: probe([result(priv, [['no-credentials', json(200, { x: 'ann@annex.test' })]], { anonymousMatches: ['ann@annex.test'] })]), findings: [{ severity: 'critical', title: /test identity's data/ }] },
          { name: 'declared private, answers data', evidence: probe([result(declared, [['no-credentials', json(200, { orders: [{ total: 3 }] })]])]), findings: [{ title: /answers with data/ }] },
        ],
      }),
    ).toEqual([]);
  });

  it('jwt-verification: a forged token counts only where anonymous gets nothing', async () => {
    const r = route('GET', '/api/orders', { auth: true });
    const data = json(200, { orders: [{ id: 1, total: 3 }] });
    expect(
      await checkCases(jwtVerification, {
        valid: [
          { name: 'the route is public anyway', evidence: probe([result(r, [['no-credentials', data], ['jwt-alg-none', data]], {}, data)], 2, jwtFacts) },
          { name: 'refused', evidence: probe([result(r, [['no-credentials', json(401, { error: 'x' })], ['jwt-alg-none', json(401, { error: 'x' })]], {}, data)], 2, jwtFacts) },
        ],
        invalid: [{ name: 'alg none accepted where anonymous is refused', evidence: probe([result(r, [['no-credentials', json(401, { error: 'x' })], ['jwt-alg-none', data]], {}, data)], 2, jwtFacts), findings: [{ title: /alg.*none/ }] }],
      }),
    ).toEqual([]);
  });

  it('credential-error-leak and spec-security', async () => {
    const r = route('GET', '/api/appointments', { auth: false });
    const trace = exchange({ status: 500, body: 'Error: bad key\n    at authenticate (/srv/app/src/auth.ts:17:22)' });
    expect(
      await checkCases(credentialErrorLeak, {
        valid: [{ name: 'clean 401s', evidence: probe([result(r, [['no-credentials', json(401, {})], ['malformed-token', json(401, {})]])]) }],
        invalid: [{ name: 'stack trace on a malformed key', evidence: probe([result(r, [['no-credentials', json(401, {})], ['malformed-token', trace]])]), findings: [{ title: /stack trace/ }] }],
      }),
    ).toEqual([]);
    expect(
      await checkCases(specMarksPrivatePublic, {
        valid: [{ name: 'public and answers', evidence: probe([result(r, [['no-credentials', json(200, { status: 'ok' })]])]) }],
        invalid: [{ name: 'public by spec, 401 in fact', evidence: probe([result(r, [['no-credentials', json(401, {})]])]), findings: [{ severity: 'low', title: /marks 1 private route/ }] }],
      }),
    ).toEqual([]);
  });
});

describe('a list that is itself the leak', () => {
  it('does not make other tenants\' entries "mine", and keeps colleagues\' shared records', async () => {
    const { settleListOwnership } = await import('../../src/probes/authorization/inventory.js');
    const users = [
      { id: 1, email: 'ann@annex.test', name: 'Ann Archer' },
      { id: 2, email: 'ben@benton.test', name: 'Ben Bishop' },
    ];
    const listEx = exchange({ url: 'http://api.test/api/users', headers: { 'content-type': 'application/json' }, body: JSON.stringify(users) });
    const actor = (name: string, tenant: string, email: string, id: string) => ({ name, tenant, role: 'member', session: session(name, { email }), profile: { tenantValues: new Map(), email, userId: id, body: { email, id } } });
    const listRoute = route('GET', '/api/users');
    const inv = {
      base,
      routes: [listRoute, route('GET', '/api/users/{id}')],
      actors: new Map([
        ['ann', actor('ann', 'a', 'ann@annex.test', '1')],
        ['ben', actor('ben', 'b', 'ben@benton.test', '2')],
      ]),
      objects: ['ann', 'ben'].flatMap((owner) => users.map((u) => ({ owner, collection: '/api/users', id: String(u.id), idField: 'id', values: new Set([u.email, u.name]), created: false, body: u, exchange: listEx }))),
      seen: new Map([
        ['ann', new Set<string>(['ann@annex.test'])],
        ['ben', new Set<string>(['ben@benton.test'])],
      ]),
      lists: [
        { route: listRoute, identity: 'ann', exchange: listEx },
        { route: listRoute, identity: 'ben', exchange: listEx },
      ],
      creates: [],
      notes: [],
      marker: 'lrtest',
      learning: newLearning(),
    };
    settleListOwnership(inv as never);
    expect(inv.objects.map((o) => `${o.owner}:${o.id}`).sort()).toEqual(["ann:1", "ben:2"]);
    expect(inv.seen.get('ann')!.has('Ben Bishop')).toBe(false);
    expect(inv.seen.get('ann')!.has('ben@benton.test')).toBe(false);
    expect(inv.seen.get('ann')!.has('Ann Archer')).toBe(true);
  });
});

describe('judging a cross-tenant read (pure, as a table)', async () => {
  const { judgeCrossTenantRead } = await import('../../src/checks/authorization/judge.js');
  const bobNote = json(200, { title: 'Diary', body: 'Bank PIN reminder: the blue notebook' });
  const aliceNote = json(200, { title: 'Garden', body: 'Tomatoes by the south fence' });
  const base = { attacker: 'alice', victim: 'bob', owner: bobNote, own: aliceNote, objectValues: [], attackerSeen: new Set<string>(), pathValues: ['Diary'], sharedObject: false };
  it.each([
    ['the victim\'s text comes back', { attack: bobNote }, true],
    ['404', { attack: json(404, { error: 'not found' }) }, false],
    ['200 error body', { attack: json(200, { error: 'forbidden', message: 'not yours' }) }, false],
    ['only the URL value echoed', { attack: json(200, { title: 'Diary', found: false }) }, false],
    ['a value the attacker has seen legitimately', { attack: json(200, { body: 'Bank PIN reminder: the blue notebook' }), attackerSeen: new Set(['Bank PIN reminder: the blue notebook']) }, false],
    ['a reduced public profile', { owner: json(200, { username: 'bob', display_name: 'Bob B', email: 'b@b.test' }), own: json(200, { username: 'alice', display_name: 'Alice A', email: 'a@a.test' }), attack: json(200, { username: 'bob', display_name: 'Bob B' }), pathValues: ['bob'] }, false],
    ['the victim\'s exact bytes where the attacker\'s own object differs', { owner: exchange({ status: 200, headers: { 'content-type': 'text/csv' }, body: '1,2,3,bob-row' }), own: exchange({ status: 200, headers: { 'content-type': 'text/csv' }, body: '1,2,3,alice' }), attack: exchange({ status: 200, headers: { 'content-type': 'text/csv' }, body: '1,2,3,bob-row' }) }, true],
    ['the same bytes for a record both share', { owner: exchange({ status: 200, body: 'shared-record' }), own: exchange({ status: 200, body: 'other' }), attack: exchange({ status: 200, body: 'shared-record' }), sharedObject: true }, false],
  ])('%s → leaked: %s', (_n, over, leaked) => {
    expect(judgeCrossTenantRead({ ...base, ...over } as Parameters<typeof judgeCrossTenantRead>[0]).leaked).toBe(leaked);
  });
});
