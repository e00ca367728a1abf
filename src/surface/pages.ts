import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { HttpExchange } from '../net/http.js';
import { credentialHeaders, sessionsGatherer } from '../identity/session.js';
import { apiSurfaceGatherer, type Route } from './routes.js';

/** The pages a visitor sees first: landing (redirects followed and recorded), login page, health. */
export interface PublicPages {
  landing: HttpExchange;
  login?: HttpExchange;
  others: HttpExchange[];
}

export const publicPagesGatherer = defineGatherer<PublicPages>({
  id: 'surface/public-pages',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const landingPath = ctx.config.pages?.landing ?? '/';
    const landing = await ctx.http.request({ url: new URL(landingPath, base), followRedirects: 5, area: 'edge', headers: { accept: 'text/html,*/*;q=0.8' } });
    if (!landing.response) throw new Error(`the landing page ${new URL(landingPath, base).href} did not answer: ${landing.error?.code} — ${landing.error?.message}`);
    const final = landing.response.status;
    if (final >= 300 && final < 400 && landing.response.headers['location'])
      throw new Error(`the landing page ${new URL(landingPath, base).href} still redirects after ${landing.redirects.length} hops (a redirect loop or an over-long chain): ${landing.redirects.map((h) => h.location).join(' → ')}`);
    const out: PublicPages = { landing, others: [] };
    const loginPage = ctx.config.pages?.login;
    if (loginPage) {
      out.login = await ctx.http.request({ url: new URL(loginPage, base), followRedirects: 5, area: 'edge', headers: { accept: 'text/html,*/*;q=0.8' } });
    }
    const health = ctx.config.endpoints['health'];
    if (health) out.others.push(await ctx.http.request({ url: new URL(health, base), area: 'monitoring' }));
    return out;
  },
});

/** A safe, parameter-free GET route that should need credentials (a list endpoint, /me …). */
export function safeAuthenticatedReads(routes: Route[], limit: number): Route[] {
  return routes
    .filter((r) => r.method === 'GET' && r.auth !== false && !r.path.includes('{') && !/logout|signout|delete|export|download/i.test(r.path))
    .slice(0, limit);
}

export interface AuthenticatedSample {
  identity: string;
  route: string;
  exchange: HttpExchange;
}

/** A few logged-in reads per identity: what private responses look like (headers, caching, CORS). */
export const authenticatedSamplesGatherer = defineGatherer<AuthenticatedSample[]>({
  id: 'surface/authenticated-samples',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const { sessions } = await ctx.gather(sessionsGatherer);
    if (sessions.size === 0) throw new NotApplicable('no identity could log in, so no private response could be sampled');
    const surface = await ctx.gather(apiSurfaceGatherer);
    const routes = safeAuthenticatedReads(surface.routes, 4);
    if (routes.length === 0) throw new NotApplicable('the API surface has no parameter-free GET route that needs credentials');
    const out: AuthenticatedSample[] = [];
    for (const s of [...sessions.values()].slice(0, 2)) {
      for (const r of routes) {
        const exchange = await ctx.http.request({ url: new URL(r.path, base), headers: credentialHeaders(s), credentialed: true, identity: s.identity, area: 'edge' });
        out.push({ identity: s.identity, route: `${r.method} ${r.path}`, exchange });
      }
    }
    return out;
  },
});
