import { describe, expect, it } from 'vitest';
import { checkCases } from '../../src/engine/check-tester.js';
import { securityHeaders } from '../../src/checks/edge/security-headers.js';
import { versionBanner } from '../../src/checks/edge/version-banner.js';
import { privateCache, sharedCacheability } from '../../src/checks/edge/private-cache.js';
import { hsts } from '../../src/checks/domain-tls/hsts.js';
import { cookieFlags } from '../../src/checks/session/cookie-flags.js';
import { corsPolicy } from '../../src/checks/cors-csrf/cors-policy.js';
import { errorLeakage } from '../../src/checks/input-validation/error-leakage.js';
import { findLeaks, LEAK_SIGNATURES } from '../../src/checks/input-validation/leak-signatures.js';
import { exchange } from '../helpers.js';

const GOOD_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

describe('edge/security-headers judges the landing and login pages', () => {
  it('passes complete headers and fails each missing or toothless one', async () => {
    const problems = await checkCases(securityHeaders, {
      valid: [
        { name: 'all headers', evidence: { pages: { landing: exchange({ headers: GOOD_HEADERS }), others: [] } } },
        { name: 'XFO instead of frame-ancestors', evidence: { pages: { landing: exchange({ headers: { ...GOOD_HEADERS, 'content-security-policy': "default-src 'self'", 'x-frame-options': 'DENY' } }), others: [] } } },
        { name: 'nonce with unsafe-inline fallback', evidence: { pages: { landing: exchange({ headers: { ...GOOD_HEADERS, 'content-security-policy': "script-src 'nonce-abc' 'unsafe-inline'; frame-ancestors 'self'" } }), others: [] } } },
      ],
      invalid: [
        { name: 'no headers', evidence: { pages: { landing: exchange({}), others: [] } }, findings: [{ title: /Content-Security-Policy/, severity: 'medium' }, { title: /nosniff/, severity: 'low' }, { title: /frame/, severity: 'medium' }, { title: /Referrer-Policy/, severity: 'low' }] },
        { name: 'report-only CSP', evidence: { pages: { landing: exchange({ headers: { ...GOOD_HEADERS, 'content-security-policy': '', 'content-security-policy-report-only': "default-src 'self'", 'x-frame-options': 'DENY' } }), others: [] } }, findings: [{ title: /report-only/ }] },
        { name: 'unsafe-inline without nonce', evidence: { pages: { landing: exchange({ headers: { ...GOOD_HEADERS, 'content-security-policy': "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'" } }), others: [] } }, findings: [{ title: /allows any script/ }] },
        { name: 'frame-ancestors *', evidence: { pages: { landing: exchange({ headers: { ...GOOD_HEADERS, 'content-security-policy': "default-src 'self'; frame-ancestors *" } }), others: [] } }, findings: [{ title: /any site to frame/ }] },
        { name: 'unsafe-url referrer', evidence: { pages: { landing: exchange({ headers: { ...GOOD_HEADERS, 'referrer-policy': 'unsafe-url' } }), others: [] } }, findings: [{ title: /unsafe-url/ }] },
      ],
    });
    expect(problems).toEqual([]);
  });
});

describe('edge/version-banner', () => {
  it('flags X-Powered-By and versioned Server headers, not a bare Server name', async () => {
    const problems = await checkCases(versionBanner, {
      valid: [{ name: 'bare server', evidence: { responses: [exchange({ headers: { server: 'nginx' } }), exchange({ headers: { server: 'cloudflare' } })] } }],
      invalid: [
        { name: 'powered-by', evidence: { responses: [exchange({ headers: { 'x-powered-by': 'Express' } })] }, findings: [{ title: /x-powered-by: Express/ }] },
        { name: 'versioned server, reported once', evidence: { responses: [exchange({ headers: { server: 'Apache/2.4.41 (Ubuntu)' } }), exchange({ headers: { server: 'Apache/2.4.41 (Ubuntu)' } })] }, findings: [{ title: /Apache\/2.4.41/ }] },
      ],
    });
    expect(problems).toEqual([]);
  });
});

describe('edge/private-cache', () => {
  it('reads Cache-Control as a shared cache would (RFC 9111)', () => {
    expect(sharedCacheability({ 'cache-control': 'public, max-age=3600' }).cacheable).toBe(true);
    expect(sharedCacheability({ 'cache-control': 's-maxage=60' }).cacheable).toBe(true);
    expect(sharedCacheability({ 'cache-control': 'private, max-age=3600' }).cacheable).toBe(false);
    expect(sharedCacheability({ 'cache-control': 'no-store' }).cacheable).toBe(false);
    expect(sharedCacheability({ 'cache-control': 'max-age=3600' }).cacheable).toBe(false);
    expect(sharedCacheability({ 'cache-control': 'public, max-age=0' }).cacheable).toBe(false);
    expect(sharedCacheability({ 'cf-cache-status': 'HIT' }).cacheable).toBe(true);
    expect(sharedCacheability({}).cacheable).toBe(false);
  });
  it('fails an authenticated 200 a CDN may store, once per route', async () => {
    const sample = (headers: Record<string, string>, status = 200) => ({ identity: 'alice', route: 'GET /api/me', exchange: exchange({ url: 'https://app.example.com/api/me', headers, status }) });
    const problems = await checkCases(privateCache, {
      valid: [
        { name: 'no-store', evidence: { samples: [sample({ 'cache-control': 'no-store' })] } },
        { name: 'public on a 401 is not private data', evidence: { samples: [sample({ 'cache-control': 'public, max-age=60' }, 401)] } },
      ],
      invalid: [{ name: 'public max-age', evidence: { samples: [sample({ 'cache-control': 'public, max-age=3600' }), sample({ 'cache-control': 'public, max-age=3600' })] }, findings: [{ title: /GET \/api\/me returns private data/, severity: 'high' }] }],
    });
    expect(problems).toEqual([]);
  });
});

describe('domain-tls/hsts', () => {
  const page = (headers: Record<string, string>) => ({ landing: exchange({ url: 'https://app.example.com/', headers }), others: [] });
  it('wants max-age of six months or more on HTTPS and notes includeSubDomains', async () => {
    const problems = await checkCases(hsts, {
      valid: [{ name: 'one year with subdomains', evidence: { pages: page({ 'strict-transport-security': 'max-age=31536000; includeSubDomains; preload' }) } }],
      invalid: [
        { name: 'missing', evidence: { pages: page({}) }, findings: [{ title: /No Strict-Transport-Security/ }] },
        { name: 'short', evidence: { pages: page({ 'strict-transport-security': 'max-age=300; includeSubDomains' }) }, findings: [{ title: /under six months/, severity: 'low' }] },
        { name: 'no subdomains', evidence: { pages: page({ 'strict-transport-security': 'max-age=31536000' }) }, findings: [{ status: 'warn', title: /subdomains/ }] },
        { name: 'garbage', evidence: { pages: page({ 'strict-transport-security': 'max-age=abc' }) }, findings: [{ title: /no valid max-age/ }, { status: 'warn' }] },
      ],
    });
    expect(problems).toEqual([]);
  });
});

describe('session/cookie-flags', () => {
  const seen = (header: string, url = 'https://app.example.com/api/login') => [{ header, exchange: exchange({ url, setCookies: [header] }) }];
  it('fails session cookies without HttpOnly / SameSite / Secure; spares CSRF cookies and deletions', async () => {
    const problems = await checkCases(cookieFlags, {
      valid: [
        { name: 'good session', evidence: { cookies: seen('sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax') } },
        { name: 'csrf cookie readable by design', evidence: { cookies: seen('csrf=t0k; Path=/; Secure; SameSite=Strict') } },
        { name: 'deletion', evidence: { cookies: seen('sid=; Max-Age=0; Path=/') } },
      ],
      invalid: [
        { name: 'bare session cookie', evidence: { cookies: seen('session=abc; Path=/') }, findings: [{ title: /readable by JavaScript/, severity: 'high' }, { title: /no SameSite/, severity: 'medium' }, { title: /no Secure/, severity: 'high' }] },
        { name: 'SameSite=None session', evidence: { cookies: seen('auth_token=abc; HttpOnly; Secure; SameSite=None') }, findings: [{ title: /SameSite=None/ }] },
        { name: '__Host- with Domain', evidence: { cookies: seen('__Host-sid=abc; HttpOnly; Secure; SameSite=Lax; Path=/; Domain=example.com') }, findings: [{ title: /__Host-/ }] },
      ],
    });
    expect(problems).toEqual([]);
  });
  it('skips only the Secure flag on a development target over plain HTTP', async () => {
    const problems = await checkCases(cookieFlags, {
      valid: [{ name: 'dev http', target: { isDevelopment: true, baseUrl: new URL('http://127.0.0.1:3000/') }, evidence: { cookies: seen('sid=abc; HttpOnly; SameSite=Lax', 'http://127.0.0.1:3000/api/login') } }],
      invalid: [{ name: 'dev http without HttpOnly', target: { isDevelopment: true }, evidence: { cookies: seen('sid=abc; SameSite=Lax', 'http://127.0.0.1:3000/api/login') }, findings: [{ title: /readable by JavaScript/ }] }],
    });
    expect(problems).toEqual([]);
  });
});

describe('cors-csrf/cors-policy', () => {
  const attempt = (kind: 'foreign-origin' | 'null-origin' | 'suffix-origin' | 'preflight', origin: string, headers: Record<string, string>) => ({
    kind,
    origin,
    credentialed: kind !== 'preflight',
    exchange: exchange({ method: kind === 'preflight' ? 'OPTIONS' : 'GET', url: 'https://app.example.com/api/me', headers }),
  });
  it('fails reflected, null and look-alike origins with credentials; passes trusted ones', async () => {
    const problems = await checkCases(corsPolicy, {
      valid: [
        { name: 'no CORS', evidence: { cors: { url: 'u', attempts: [attempt('foreign-origin', 'https://evil.launchready.invalid', {})] } } },
        { name: 'trusted origin only', config: { trustedOrigins: ['https://admin.example.com'] }, evidence: { cors: { url: 'u', attempts: [attempt('foreign-origin', 'https://evil.launchready.invalid', { 'access-control-allow-origin': 'https://admin.example.com', 'access-control-allow-credentials': 'true' })] } } },
      ],
      invalid: [
        { name: 'reflected with credentials', evidence: { cors: { url: 'u', attempts: [attempt('foreign-origin', 'https://evil.launchready.invalid', { 'access-control-allow-origin': 'https://evil.launchready.invalid', 'access-control-allow-credentials': 'true' })] } }, findings: [{ severity: 'high', title: /any origin/ }] },
        { name: 'null origin', evidence: { cors: { url: 'u', attempts: [attempt('null-origin', 'null', { 'access-control-allow-origin': 'null', 'access-control-allow-credentials': 'true' })] } }, findings: [{ severity: 'high', title: /null/ }] },
        { name: 'reflected without credentials', evidence: { cors: { url: 'u', attempts: [attempt('suffix-origin', 'https://app.example.com.x.invalid', { 'access-control-allow-origin': 'https://app.example.com.x.invalid' })] } }, findings: [{ severity: 'low' }] },
        { name: 'wildcard on authenticated', evidence: { cors: { url: 'u', attempts: [attempt('foreign-origin', 'https://evil.launchready.invalid', { 'access-control-allow-origin': '*' })] } }, findings: [{ severity: 'medium', title: /\*/ }] },
      ],
    });
    expect(problems).toEqual([]);
  });
});

describe('input-validation/error-leakage', () => {
  const attempt = (status: number, body: string) => ({ route: 'GET /api/tickets/{id}', payload: 'bad-path-id' as const, exchange: exchange({ status, body }) });
  it('fails 5xx and leaked internals, passes a clean 400', async () => {
    const problems = await checkCases(errorLeakage, {
      valid: [{ name: 'clean 400', evidence: { attempts: [attempt(400, '{"error":"body must be JSON"}')] } }],
      invalid: [
        { name: '500 with stack', evidence: { attempts: [attempt(500, 'Error: x\n    at handler (/app/src/routes/tickets.js:42:13)')] }, findings: [{ severity: 'high', title: /stack trace/ }, { severity: 'medium', title: /HTTP 500/ }] },
        { name: '400 with SQL error', evidence: { attempts: [attempt(400, '{"error":"SqliteError: NOT NULL constraint failed: tickets.subject"}')] }, findings: [{ severity: 'high', title: /sql error/ }] },
      ],
    });
    expect(problems).toEqual([]);
  });
  it('every leak signature matches its examples and none of its non-examples', () => {
    for (const s of LEAK_SIGNATURES) {
      for (const e of s.examples) expect(findLeaks(e).map((l) => l.id), `${s.id} should match ${e}`).toContain(s.id);
      for (const n of s.nonExamples) expect(findLeaks(n).map((l) => l.id), `${s.id} should not match ${n}`).not.toContain(s.id);
    }
  });
});
