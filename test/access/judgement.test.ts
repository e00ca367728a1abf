import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { carriesData, identifyingValues } from '../../src/checks/authentication/content.js';
import { algNone, crackHmacSecret, decodeJwt, signHmacJwt, stripSignature, tamperedPayload } from '../../src/identity/jwt.js';
import { makeResponse, type HttpExchange } from '../../src/net/http.js';

/** Recorded exchanges, no server: the judgement of "is this data?" is a pure function. */
function ex(status: number, body: string, type = 'application/json', headers: Record<string, string> = {}): HttpExchange {
  return {
    request: { method: 'GET', url: 'http://app.test/api/invoices/1', headers: {} },
    response: makeResponse(status, { 'content-type': type, ...headers }, [], Buffer.from(body)),
    redirects: [],
    timing: { startedAt: 0, ttfbMs: 1, totalMs: 1 },
  };
}
const owner = ex(200, JSON.stringify({ id: 1, customer: 'Roadrunner Logistics', amount_cents: 5000, org_id: 2 }));

describe('what counts as data in an unauthorised response', () => {
  it.each([
    ['401', ex(401, '{"error":"unauthorized"}'), false],
    ['a 200 login page', ex(200, '<!doctype html><form><input type="password" name="password"></form>', 'text/html'), false],
    ['a redirect to /login', ex(302, '', 'text/html', { location: '/login?next=/api' }), false],
    ['a 200 error body', ex(200, '{"success":false,"message":"Please sign in"}'), false],
    ['a 200 with an unrelated JSON shape', ex(200, '{"status":"ok","version":"1.2.3","uptime":12}'), false],
    ['a 200 with the authorised JSON shape', ex(200, JSON.stringify({ id: 9, customer: 'Other Co', amount_cents: 1, org_id: 3 })), true],
    ['the exact authorised bytes', owner, true],
  ])('%s → data: %s', (_name, response, data) => {
    expect(carriesData(response, owner).data).toBe(data);
  });

  it('takes identifying values but not vocabulary, dates or bare numbers', () => {
    expect([...identifyingValues({ customer: 'Roadrunner Logistics', status: 'paid', currency: 'USD', created_at: '2026-11-23T10:00:00Z', id: '12345678', nested: [{ email: 'bob@globex.test' }] })]).toEqual([
      'Roadrunner Logistics',
      'bob@globex.test',
    ]);
  });
});

describe('JWT handling', () => {
  const sign = (secret: string): string => signHmacJwt({ alg: 'HS256', typ: 'JWT' }, { sub: '7', iat: 1_700_000_000 }, secret);

  it('finds a dictionary secret offline and not a random one', () => {
    expect(crackHmacSecret(decodeJwt(sign('secret'))!)).toBe('secret');
    expect(crackHmacSecret(decodeJwt(sign('changeme'))!)).toBe('changeme');
    expect(crackHmacSecret(decodeJwt(sign('k7Qv9x2LmP0sRt4WzY8bN1cD3fG6hJ5e'))!)).toBeUndefined();
  });

  it('builds the tampered variants a server must refuse', () => {
    const jwt = decodeJwt(sign('secret'))!;
    expect(stripSignature(jwt)).toMatch(/^[\w-]+\.[\w-]+\.$/);
    const none = decodeJwt(algNone(jwt))!;
    expect(none.header['alg']).toBe('none');
    expect(none.signature).toBe('');
    expect(none.payload).toEqual(jwt.payload);
    const tampered = decodeJwt(tamperedPayload(jwt))!;
    expect(tampered.payload['launchready_tampered']).toBe(true);
    expect(tampered.signature).toBe(jwt.signature);
    // The signature no longer matches the claims.
    expect(createHmac('sha256', 'secret').update(tampered.signingInput).digest('base64url')).not.toBe(tampered.signature);
  });

  it('does not mistake opaque tokens for JWTs', () => {
    expect(decodeJwt('dk_4f9a0b1c2d3e4f5a6b7c8d9e0f')).toBeUndefined();
    expect(decodeJwt('a.b.c')).toBeUndefined();
  });
});
