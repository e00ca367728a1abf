import { defineGatherer, NotApplicable } from '../../engine/check.js';
import { sessionsGatherer } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { publicPagesGatherer } from '../../surface/pages.js';
import { authProbeGatherer } from '../authentication/probe.js';
import { inventoryGatherer } from '../authorization/inventory.js';

export interface SeenCookie {
  header: string;
  exchange: HttpExchange;
}

const SOFT = (err: unknown): void => {
  if (!(err instanceof NotApplicable)) throw err;
};

/**
 * Every Set-Cookie the run saw: pages and logins, and every API response of the access-control
 * probes (profile, lists, anonymous and tampered-token requests). A session cookie without flags
 * set by an API route is judged like one set by the login page.
 */
export const setCookiesSeen = defineGatherer<SeenCookie[]>({
  id: 'session/set-cookies-seen',
  async gather(ctx) {
    const exchanges: HttpExchange[] = [];
    const pages = await ctx.gather(publicPagesGatherer);
    exchanges.push(pages.landing, ...(pages.login ? [pages.login] : []), ...pages.others);
    await ctx
      .gather(sessionsGatherer)
      .then(({ sessions }) => {
        for (const s of sessions.values()) exchanges.push(...s.loginExchanges);
      })
      .catch(SOFT);
    await ctx
      .gather(inventoryGatherer)
      .then((inv) => {
        for (const a of inv.actors.values()) if (a.profile.exchange) exchanges.push(a.profile.exchange);
        for (const l of inv.lists) exchanges.push(l.exchange);
        for (const c of inv.creates) exchanges.push(c.exchange);
      })
      .catch(SOFT);
    await ctx
      .gather(authProbeGatherer)
      .then((probe) => {
        for (const r of probe.results) {
          if (r.baseline) exchanges.push(r.baseline.exchange);
          for (const a of r.attempts) exchanges.push(a.exchange);
        }
      })
      .catch(SOFT);
    const seen = new Set<HttpExchange>();
    return exchanges.filter((e) => (seen.has(e) ? false : (seen.add(e), true))).flatMap((exchange) => (exchange.response?.setCookies ?? []).map((header) => ({ header, exchange })));
  },
});
