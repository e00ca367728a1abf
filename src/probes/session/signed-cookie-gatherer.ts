import { defineGatherer, NotApplicable } from '../../engine/check.js';
import { parseSetCookie, isDeletion } from '../../identity/cookies.js';
import { sessionsGatherer } from '../../identity/session.js';
import type { RedactedValue } from '../../model/finding.js';
import type { HttpExchange } from '../../net/http.js';
import { redactedValue } from '../../net/redact.js';
import { publicPagesGatherer } from '../../surface/pages.js';
import { appNameCandidates, sessionSecretCandidates } from './dictionary.js';
import { crackSignedCookie, type CookieFormat } from './signed-cookies.js';

/**
 * Every cookie the run already received (landing and login pages, the identities' logins and jars),
 * recognised as a framework-signed session cookie and tried offline against the dictionary. No
 * request of its own: it reuses what other gatherers fetched.
 */

export interface SignedCookieResult {
  name: string;
  /** Where the cookie came from (landing page, login of owner …). */
  source: string;
  format: CookieFormat;
  scheme: string;
  cookie: RedactedValue;
  secret?: RedactedValue;
  /** The guessed secret is one of the framework defaults or tutorial values (not just a short word). */
  tried: number;
  exchange?: HttpExchange;
}

export interface SignedCookies {
  results: SignedCookieResult[];
  /** Cookies seen, signed or not (names only). */
  seen: string[];
}

export const signedCookiesGatherer = defineGatherer<SignedCookies>({
  id: 'session/signed-cookies',
  async gather(ctx) {
    const found: Array<{ name: string; value: string; source: string; exchange?: HttpExchange }> = [];
    let title: string | undefined;
    const fromExchange = (ex: HttpExchange | undefined, source: string): void => {
      for (const h of ex?.response?.setCookies ?? []) {
        const c = parseSetCookie(h);
        if (c && !isDeletion(c)) found.push({ name: c.name, value: c.value, source, exchange: ex! });
      }
    };
    try {
      const pages = await ctx.gather(publicPagesGatherer);
      fromExchange(pages.landing, 'the landing page');
      if (pages.login) fromExchange(pages.login, 'the login page');
      title = /<title[^>]*>([^<]{1,80})<\/title>/i.exec(pages.landing.response?.text() ?? '')?.[1];
    } catch (err) {
      if (!(err instanceof NotApplicable) && !(err instanceof Error && /did not answer|redirects/.test(err.message))) throw err;
    }
    try {
      const { sessions } = await ctx.gather(sessionsGatherer);
      for (const s of sessions.values()) {
        for (const ex of s.loginExchanges) fromExchange(ex, `the login of ${s.identity}`);
        for (const [name, value] of s.jar.entries()) found.push({ name, value, source: `the session of ${s.identity}` });
      }
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
    if (found.length === 0) throw new NotApplicable('no cookie was set by the landing page, the login page or an identity\'s login');
    const candidates = sessionSecretCandidates(appNameCandidates(ctx.target.baseUrl?.hostname, title));
    const results: SignedCookieResult[] = [];
    const done = new Set<string>();
    for (const f of found) {
      if (done.has(f.value)) continue;
      done.add(f.value);
      const r = crackSignedCookie(f.value, candidates);
      if (!r) continue;
      ctx.http.registerSecret(f.value);
      results.push({
        name: f.name,
        source: f.source,
        format: r.format,
        scheme: r.scheme,
        cookie: redactedValue(f.value),
        tried: r.tried,
        ...(r.secret !== undefined ? { secret: redactedValue(r.secret) } : {}),
        ...(f.exchange ? { exchange: f.exchange } : {}),
      });
      // One cracked cookie per name is proof enough; the others are signed with the same secret.
      if (results.filter((x) => x.name === f.name).length >= 2) done.add(`name:${f.name}`);
    }
    return { results, seen: [...new Set(found.map((f) => f.name))] };
  },
});
