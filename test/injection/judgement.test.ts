import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapingAttempt, openRedirect } from '../../src/checks/input-validation/open-redirect.js';
import { judgeDomPage } from '../../src/checks/input-validation/dom-xss.js';
import { tokenProblems, tokenQuality } from '../../src/checks/authentication/token-quality.js';
import { checkCases } from '../../src/engine/check-tester.js';
import { makeResponse, type HttpExchange } from '../../src/net/http.js';
import { analyseTokens, timestampIn } from '../../src/probes/authentication/token-analysis.js';
import { derivedFrom, messageTokens, newMessages, type TokenKindResult } from '../../src/probes/authentication/token-quality.js';
import { redirectVariants, type OpenRedirects } from '../../src/probes/redirect/open-redirect.js';
import { appNameCandidates, sessionSecretCandidates } from '../../src/probes/session/dictionary.js';
import { crackSignedCookie, parseSignedCookie, signExpress } from '../../src/probes/session/signed-cookies.js';
import { contextAt, formsIn, linksIn, payloadsFor, reflectionContexts } from '../../src/probes/web/html.js';
import { candidatesFrom, urlWith } from '../../src/probes/xss/reflected.js';
import type { DomPageResult } from '../../src/probes/xss/dom.js';

const DICT = sessionSecretCandidates();
const strong = (): string => randomBytes(32).toString('hex');

describe('reflection contexts and payloads', () => {
  const at = (html: string): string => contextAt(html, html.indexOf('MARK'));
  it('tells each context apart', () => {
    expect(at('<p>Hello MARK</p>')).toBe('html');
    expect(at('<input value="MARK">')).toBe('attr-double');
    expect(at("<input value='MARK'>")).toBe('attr-single');
    expect(at('<input value=MARK>')).toBe('attr-unquoted');
    expect(at('<a href="MARK">x</a>')).toBe('url-attr');
    expect(at('<a href="/search?q=MARK">x</a>')).toBe('attr-double');
    expect(at("<script>var a = 'it\\'s MARK';</script>")).toBe('script-single');
    expect(at('<script>var a = "MARK";</script>')).toBe('script-double');
    expect(at('<script>var a = `MARK`;</script>')).toBe('script-template');
    expect(at('<script>var a = MARK;</script>')).toBe('script-code');
    expect(at('<script>x()</script><p>MARK</p>')).toBe('html');
    expect(at('<textarea>MARK</textarea>')).toBe('rcdata');
    expect(at('<!-- MARK -->')).toBe('comment');
  });
  it('lists every distinct context a marker lands in, in page order', () => {
    expect(reflectionContexts('<input value="MARK"><p>MARK</p><p>MARK</p>', 'MARK')).toEqual(['attr-double', 'html']);
    expect(reflectionContexts('<p>nothing</p>', 'MARK')).toEqual([]);
  });
  it('gives at most two payloads per context, each calling the marker function with its number', () => {
    for (const c of ['html', 'rcdata', 'comment', 'attr-double', 'attr-single', 'attr-unquoted', 'url-attr', 'script-single', 'script-double', 'script-template', 'script-code'] as const) {
      const p = payloadsFor(c, 42);
      expect(p.length).toBeGreaterThan(0);
      expect(p.length).toBeLessThanOrEqual(2);
      for (const x of p) expect(x).toContain('__lrx(42)');
    }
  });
  it('reads same-origin links and forms with their fields, and builds bounded candidates', () => {
    const html = '<a href="/search?q=a&amp;page=2">s</a><a href="https://other.example/x?y=1">o</a><a href="/logout?next=/">out</a><form method=post action="/login?next=/home"><input name=email type=email><input name=password type=password><input type=hidden name=csrf value=t><button>go</button></form><form action="/find"><input name=term></form><form method=post action="/notes"><textarea name=body></textarea></form>';
    const base = 'http://127.0.0.1:9/';
    expect(linksIn(html, base)).toEqual(['http://127.0.0.1:9/search?q=a&page=2', 'http://127.0.0.1:9/logout?next=/']);
    const forms = formsIn(html, base);
    expect(forms.map((f) => `${f.method} ${f.action} ${f.fields.map((x) => `${x.name}:${x.type}`).join(',')}`)).toEqual([
      'POST http://127.0.0.1:9/login?next=/home email:email,password:password,csrf:hidden',
      'GET http://127.0.0.1:9/find term:text',
      'POST http://127.0.0.1:9/notes body:textarea',
    ]);
    const c = candidatesFrom({ links: linksIn(html, base).map((url) => ({ url })), forms, queryRoutes: [] }, new URL(base), false);
    // Passwords and CSRF tokens are never probed, logout and redirect parameters are not XSS candidates, POST /notes writes (no --allow-writes).
    expect(c.map((x) => `${x.method} ${new URL(x.url).pathname} ${x.param}`)).toEqual(['POST /login email', 'GET /find term', 'GET /search q', 'GET /search page', 'GET / (path)']);
    expect(urlWith(c[2]!, 'V')).toBe('http://127.0.0.1:9/search?page=2&q=V');
    expect(candidatesFrom({ links: [], forms, queryRoutes: [] }, new URL(base), true).some((x) => x.param === 'body')).toBe(true);
  });
});

describe('signed session cookies (offline)', () => {
  const b64u = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
  const cookies: Record<string, (secret: string) => string> = {
    express: (s) => encodeURIComponent(signExpress(randomBytes(24).toString('base64url'), s)),
    flask: (s) => {
      const payload = b64u('{"user_id":7}');
      const ts = b64u(Buffer.from([0x67, 0x5a, 0x1b, 0x2c]));
      const key = createHmac('sha1', s).update('cookie-session').digest();
      return `${payload}.${ts}.${createHmac('sha1', key).update(`${payload}.${ts}`).digest('base64url')}`;
    },
    django: (s) => {
      const payload = `.${b64u('compressed-session-data')}`;
      const ts = '1tGkQo';
      const key = createHash('sha256').update(`django.contrib.sessions.backends.signed_cookiessigner${s}`).digest();
      return `${payload}:${ts}:${createHmac('sha256', key).update(`${payload}:${ts}`).digest('base64url')}`;
    },
    'rails-signed': (s) => {
      const data = Buffer.from('{"session_id":"abc"}').toString('base64');
      return `${data}--${createHmac('sha1', s).update(data).digest('hex')}`;
    },
    'rails-encrypted': (s) => {
      const key = pbkdf2Sync(s, 'authenticated encrypted cookie', 1000, 32, 'sha256');
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update('{"_rails":{"message":"x"}}'), c.final()]);
      return encodeURIComponent(`${ct.toString('base64')}--${iv.toString('base64')}--${c.getAuthTag().toString('base64')}`);
    },
    laravel: (s) => {
      const iv = randomBytes(16).toString('base64');
      const value = randomBytes(48).toString('base64');
      return Buffer.from(JSON.stringify({ iv, value, mac: createHmac('sha256', s).update(iv + value).digest('hex'), tag: '' })).toString('base64');
    },
  };
  for (const [format, make] of Object.entries(cookies)) {
    it(`${format}: recognised; a default secret is found, a random one is not`, () => {
      const weak = format === 'laravel' ? 'SomeRandomString' : format === 'flask' ? 'dev' : 'keyboard cat';
      expect(parseSignedCookie(make(weak))?.format).toBe(format);
      expect(crackSignedCookie(make(weak), DICT)?.secret).toBe(weak);
      const r = crackSignedCookie(make(strong()), DICT)!;
      expect(r.format).toBe(format);
      expect(r.secret).toBeUndefined();
    });
  }
  it('ignores opaque session ids, JWTs and empty values', () => {
    for (const v of [randomBytes(32).toString('hex'), randomBytes(24).toString('base64url'), 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlMTIz', '']) expect(parseSignedCookie(v)).toBeUndefined();
  });
  it('tries the app\'s own name', () => {
    const names = appNameCandidates('acme-portal.example.com', 'Acme Portal');
    expect(names).toContain('acme-portal');
    expect(names).toContain('acme-portal-secret');
    expect(crackSignedCookie(encodeURIComponent(signExpress('abc', 'acme-portal-secret')), sessionSecretCandidates(names))?.secret).toBe('acme-portal-secret');
    expect(appNameCandidates('127.0.0.1', undefined)).toEqual([]);
  });
});

describe('one-time token analysis', () => {
  const now = Date.now();
  const s = (value: string, account = 'a@x.test', issuedAt = now) => ({ value, account, issuedAt });
  it('random 256-bit tokens have no problem', () => {
    const v = analyseTokens([s(randomBytes(32).toString('base64url')), s(randomBytes(32).toString('base64url'))]);
    expect(v.bits).toBeGreaterThanOrEqual(250);
    expect(tokenProblems({ kind: 'reset', count: 2, verdicts: v, steps: [] })).toEqual([]);
  });
  it('finds sequences, timestamps, repeats and short tokens', () => {
    expect(analyseTokens([s('100231'), s('100232')]).sequential).toMatch(/differ by 1/);
    expect(analyseTokens([s(String(now)), s(String(now + 5))]).timeBased).toMatch(/milliseconds \(decimal\)/);
    expect(analyseTokens([s(`u7-${Math.floor(now / 1000)}`), s(`u8-${Math.floor(now / 1000) + 1}`)]).timeBased).toMatch(/seconds/);
    expect(analyseTokens([s(now.toString(36)), s((now + 3).toString(36))]).timeBased).toMatch(/base 36/);
    expect(analyseTokens([s('samesame-token-1'), s('samesame-token-1')]).identical).toMatch(/same account/);
    expect(analyseTokens([s('samesame-token-1', 'a@x'), s('samesame-token-1', 'b@x')]).identical).toMatch(/different accounts/);
    const short = analyseTokens([s(randomBytes(6).toString('hex')), s(randomBytes(6).toString('hex'))]);
    expect(short.bits).toBeLessThanOrEqual(64);
    expect(tokenProblems({ kind: 'reset', count: 2, verdicts: short, steps: [] })[0]!.severity).toBe('high');
    const mid = analyseTokens([s(randomBytes(12).toString('hex')), s(randomBytes(12).toString('hex'))]);
    expect(tokenProblems({ kind: 'reset', count: 2, verdicts: mid, steps: [] }).map((p) => p.severity)).toEqual(['medium']);
    expect(timestampIn(randomBytes(16).toString('hex'), now)).toBeUndefined();
  });
  it('recognises tokens derived from the account', () => {
    const email = 'pat@shop.test';
    expect(derivedFrom(createHash('md5').update(email).digest('hex'), { email })).toBe('md5(email)');
    expect(derivedFrom(createHash('sha256').update(email).digest('base64url'), { email })).toBe('sha256(email) as base64url');
    expect(derivedFrom(`x${createHash('sha1').update('pat').digest('hex')}`, { 'the part before @': 'pat' })).toBe('sha1(the part before @)');
    expect(derivedFrom(randomBytes(32).toString('hex'), { email })).toBeUndefined();
  });
  it('reads one token per mailbox message, repeats kept, in either order', () => {
    const box = JSON.stringify([{ to: 'a', link: '/reset?token=abcd1234' }, { to: 'a', token: 'abcd1234' }, { to: 'a', code: 481516 }]);
    expect(messageTokens(box)).toEqual(['abcd1234', 'abcd1234', '481516']);
    expect(newMessages(['t1', 't1'], ['t2', 't1', 't1', 't1'])).toEqual(['t2', 't1']);
  });
  it('the check grades the worst problem and never prints token values', async () => {
    const base = (over: Partial<TokenKindResult>): TokenKindResult => ({ kind: 'reset', count: 2, steps: [], ...over });
    const problems = await checkCases(tokenQuality, {
      valid: [{ name: 'random tokens', evidence: { probe: { accounts: 2, kinds: [base({ verdicts: analyseTokens([s(randomBytes(32).toString('hex')), s(randomBytes(32).toString('hex'))]) })] } } }],
      invalid: [
        { name: 'derived', evidence: { probe: { accounts: 2, kinds: [base({ derived: 'md5(email)', verdicts: analyseTokens([s('a'.repeat(32)), s('b'.repeat(32))]) })] } }, findings: [{ severity: 'critical', title: /md5\(email\)/ }] },
        { name: 'older token valid', evidence: { probe: { accounts: 2, kinds: [base({ verdicts: analyseTokens([s(randomBytes(32).toString('hex')), s(randomBytes(32).toString('hex'))]), olderStillValid: { exchange: fakeExchange('POST', 'https://app.example.com/reset', 200, {}), detail: 'reset worked' } })] } }, findings: [{ severity: 'high', title: /older token/ }] },
      ],
    });
    expect(problems).toEqual([]);
  });
});

function fakeExchange(method: string, url: string, status: number, headers: Record<string, string>): HttpExchange {
  return { request: { method, url, headers: {} }, response: makeResponse(status, headers, [], Buffer.alloc(0)), redirects: [], timing: { startedAt: 0, ttfbMs: 1, totalMs: 1 } };
}

describe('open redirect judgement (Location alone)', () => {
  const req = 'https://app.example.com/go?url=x';
  const attempt = (location: string, status = 302) => ({ variant: location, exchange: fakeExchange('GET', req, status, { location }) });
  it('every browser-equivalent external form is caught', () => {
    for (const v of redirectVariants('https:')) expect(escapingAttempt([attempt(v)], 'app.example.com', [])?.to.hostname, v).toBe('evil.example');
    expect(escapingAttempt([attempt('  //evil.example/')], 'app.example.com', [])?.to.hostname).toBe('evil.example');
    // Scheme-relative with the page's own scheme stays on the site, as in browsers.
    expect(escapingAttempt([attempt('https:evil.example')], 'app.example.com', [])).toBeUndefined();
  });
  it('same-site paths, allow-listed hosts, non-redirects and javascript: are not open redirects', () => {
    expect(escapingAttempt([attempt('/dashboard'), attempt('https://app.example.com/x'), attempt('https://evil.example/', 200)], 'app.example.com', [])).toBeUndefined();
    expect(escapingAttempt([attempt('https://docs.example.org/')], 'app.example.com', ['https://docs.example.org'])).toBeUndefined();
  });
  it('a half-done allow-list (blocks https://, lets // through) still fails', async () => {
    const r = (loc: string) => attempt(loc);
    const probe = (attempts: ReturnType<typeof r>[]): OpenRedirects => ({ results: [{ candidate: { method: 'GET', url: req, param: 'url', foundOn: '/' }, attempts }], skipped: [] });
    const problems = await checkCases(openRedirect, {
      valid: [{ name: 'allow-listed', evidence: { probe: probe([r('/'), r('/'), r('/'), r('/')]) } }],
      invalid: [{ name: 'half', evidence: { probe: probe([r('/'), r('//evil.example/')]) }, findings: [{ severity: 'medium', title: /evil\.example via "url"/ }] }],
    });
    expect(problems).toEqual([]);
  });
});

describe('DOM XSS judgement', () => {
  const probe = { n: 7, source: { kind: 'query' as const, name: 'q' }, payload: 'P<img src=data:, onerror=__lrx(7)>' };
  const page = (over: Partial<DomPageResult>): DomPageResult => ({ url: 'https://app.example.com/', paramReads: ['q'], messageListener: false, probes: [probe], executed: [], sinks: [], errors: [], ...over });
  it('a sanitised value reaching innerHTML is no finding; raw markup is a warning; execution or a code sink is a failure', () => {
    expect(judgeDomPage(page({ sinks: [{ sink: 'innerHTML', value: 'P<img src="data:,">', stack: '', url: '', probe }] }))).toEqual([]);
    expect(judgeDomPage(page({ sinks: [{ sink: 'innerHTML', value: probe.payload, stack: 's', url: '', probe }] }))[0]!.status).toBe('warn');
    expect(judgeDomPage(page({ sinks: [{ sink: 'eval', value: 'P', stack: 's', url: '', probe }] }))[0]!.status).toBe('fail');
    const ran = judgeDomPage(page({ executed: [{ n: 7, stack: 'x', url: '', probe }], sinks: [{ sink: 'innerHTML', value: probe.payload, stack: 'app.js:3', url: '', probe }] }));
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ status: 'fail', executed: true, sink: 'innerHTML', stack: 'app.js:3' });
  });
});
