import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { isDeletion, parseSetCookie } from '../../identity/cookies.js';
import type { HttpExchange } from '../../net/http.js';
import { setCookiesSeen } from '../../probes/session/set-cookies.js';

export type { SeenCookie } from '../../probes/session/set-cookies.js';

/** Cookies a script legitimately reads (double-submit CSRF tokens, consent, UI prefs). */
const SCRIPT_READABLE = /^(?:_?csrf(?:[-_]?token)?|xsrf-token|_xsrf|csrftoken|cookie[-_]?consent|theme|locale|lang)$/i;
/** Names that carry a login. */
const SESSIONISH = /sess|sid|auth|token|jwt|login|remember|connect\.sid|^id$/i;

export const cookieFlags = defineCheck({
  meta: {
    id: 'session/cookie-flags',
    area: 'session',
    severity: 'high',
    title: 'Session cookies are HttpOnly, Secure and SameSite',
    why: 'The session cookie is the login. HttpOnly keeps injected scripts from stealing it, Secure keeps it off plain HTTP, SameSite stops other sites from sending it along.',
    breaks: 'Without HttpOnly one XSS bug hands every session to the attacker; without SameSite other sites can act as the user (CSRF); without Secure a hostile network reads it.',
    fix: 'Set the session cookie with `HttpOnly; Secure; SameSite=Lax` (or Strict), e.g. express-session `cookie: { httpOnly: true, secure: true, sameSite: "lax" }`.',
    references: ['OWASP ASVS 3.4.1–3.4.3', 'RFC 6265bis'],
  },
  requires: { cookies: setCookiesSeen },
  run({ cookies }, ctx) {
    if (cookies.length === 0) return [{ status: 'skip', location: ctx.target.baseUrl ? { url: ctx.target.baseUrl.href } : {}, reason: 'no Set-Cookie header was seen on the pages, logins and API responses of this run' }];
    const out: FindingDraft[] = [];
    const judged = new Set<string>();
    const overHttps = (ex: HttpExchange): boolean => ex.request.url.startsWith('https:');
    for (const { header, exchange } of cookies) {
      const c = parseSetCookie(header);
      if (!c || isDeletion(c) || judged.has(c.name)) continue;
      judged.add(c.name);
      const loc = { url: exchange.request.url, method: exchange.request.method, detail: `cookie ${c.name}` };
      const evidence = ctx.evidence.exchange(exchange, { bodyLimit: 0, headers: (n) => n === 'set-cookie' });
      const sessionish = SESSIONISH.test(c.name) && !SCRIPT_READABLE.test(c.name);
      const problems: Array<{ flag: string; severity: 'high' | 'medium' | 'low'; text: string }> = [];
      if (!c.httpOnly && sessionish) problems.push({ flag: 'httponly', severity: 'high', text: `Cookie "${c.name}" is readable by JavaScript (no HttpOnly)` });
      if (!c.sameSite) problems.push({ flag: 'samesite', severity: sessionish ? 'medium' : 'low', text: `Cookie "${c.name}" has no SameSite attribute` });
      else if (c.sameSite === 'none' && !c.secure) problems.push({ flag: 'samesite', severity: 'medium', text: `Cookie "${c.name}" is SameSite=None without Secure (browsers reject it)` });
      else if (c.sameSite === 'none' && sessionish)
        problems.push({ flag: 'samesite', severity: 'medium', text: `Session cookie "${c.name}" is SameSite=None: every other site's requests carry it` });
      if (!c.secure && (sessionish || c.sameSite === 'none')) {
        if (overHttps(exchange) || !ctx.target.isDevelopment) problems.push({ flag: 'secure', severity: 'high', text: `Cookie "${c.name}" has no Secure flag` });
      }
      if (c.name.startsWith('__Host-') && (c.domain || c.path !== '/' || !c.secure))
        problems.push({ flag: 'prefix', severity: 'medium', text: `Cookie "${c.name}" breaks the __Host- prefix rules (Secure, Path=/, no Domain)` });
      for (const p of problems) out.push({ status: 'fail', severity: p.severity, title: p.text, location: loc, discriminator: `${c.name}:${p.flag}`, evidence });
      if (problems.length === 0) out.push({ status: 'pass', title: `Cookie "${c.name}" has safe attributes`, location: loc, discriminator: c.name });
      if (!c.secure && !overHttps(exchange) && ctx.target.isDevelopment && sessionish)
        out.push({ status: 'skip', title: `Secure flag of cookie "${c.name}" not judged on a development target over plain HTTP`, location: loc, discriminator: `${c.name}:secure`, reason: 'development target over plain HTTP: check the Secure flag on the HTTPS deployment' });
    }
    return out;
  },
});
