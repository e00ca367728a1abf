import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { credentialHeaders, sessionsGatherer, type Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { apiSurfaceGatherer, isExcluded } from '../../surface/routes.js';
import { formsIn, linksIn, type HtmlForm } from './html.js';

/**
 * The server-rendered pages one click away from the landing page (and the login page), fetched as
 * an anonymous visitor and as one cookie-session identity, with their links and forms. Bounded:
 * at most MAX_PAGES fetches per visitor; links that would end the session or delete something are
 * never followed. (A full Chromium crawl is another component's job; this is one level deep.)
 */

export interface WebPage {
  url: string;
  /** undefined: anonymous. */
  identity?: string;
  status: number;
  contentType: string;
  html: string;
  exchange: HttpExchange;
}

export interface WebForm extends HtmlForm {
  identity?: string;
}

export interface WebSurface {
  pages: WebPage[];
  /** Same-origin links seen on any page (absolute), with who saw them. */
  links: Array<{ url: string; identity?: string }>;
  forms: WebForm[];
  /** GET routes of the API surface with query parameters (no path parameters). */
  queryRoutes: Array<{ url: string; params: string[] }>;
}

export const MAX_PAGES = 12;
export const DANGEROUS_LINK = /log-?out|sign-?out|delete|remove|destroy|unsubscribe|deactivate|cancel/i;

export function cookieSessionOf(sessions: Map<string, Session>): Session | undefined {
  return [...sessions.values()].find((s) => !s.bearer && !s.header && s.jar.size > 0);
}

async function fetchPage(ctx: GatherContext, url: string, s: Session | undefined): Promise<WebPage | undefined> {
  const ex = await ctx.http.request({
    url,
    headers: { accept: 'text/html,*/*;q=0.8', ...(s ? credentialHeaders(s) : {}) },
    ...(s ? { credentialed: true, identity: s.identity } : {}),
    area: 'input-validation',
  });
  if (!ex.response) return undefined;
  const contentType = ex.response.headers['content-type'] ?? '';
  return { url, ...(s ? { identity: s.identity } : {}), status: ex.response.status, contentType, html: /html/i.test(contentType) ? ex.response.text() : '', exchange: ex };
}

export const webSurfaceGatherer = defineGatherer<WebSurface>({
  id: 'web/surface',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    let session: Session | undefined;
    try {
      session = cookieSessionOf((await ctx.gather(sessionsGatherer)).sessions);
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
    const excluded = (u: string): boolean => isExcluded({ method: 'GET', path: new URL(u).pathname }, ctx.config.api.exclude);
    const out: WebSurface = { pages: [], links: [], forms: [], queryRoutes: [] };
    const starts = [new URL(ctx.config.pages?.landing ?? '/', base).href];
    if (ctx.config.pages?.login) starts.push(new URL(ctx.config.pages.login, base).href);
    for (const who of [undefined, session]) {
      if (who === undefined && out.pages.length > 0) continue;
      const seen = new Set<string>();
      const queue = [...starts];
      let fetched = 0;
      while (queue.length && fetched < MAX_PAGES && ctx.http.remaining > 20) {
        const url = queue.shift()!;
        if (seen.has(url) || excluded(url)) continue;
        seen.add(url);
        fetched++;
        const page = await fetchPage(ctx, url, who);
        if (!page) continue;
        out.pages.push(page);
        if (!page.html) continue;
        const isStart = starts.includes(url);
        for (const l of linksIn(page.html, url)) {
          if (!out.links.some((x) => x.url === l && x.identity === who?.identity)) out.links.push({ url: l, ...(who ? { identity: who.identity } : {}) });
          // One level deep: links of the start pages are fetched, links of those pages are only recorded.
          if (isStart && !DANGEROUS_LINK.test(new URL(l).pathname) && !seen.has(l)) queue.push(l);
        }
        for (const f of formsIn(page.html, url)) {
          const key = `${f.method} ${f.action} ${f.fields.map((x) => x.name).join(',')} ${who?.identity ?? ''}`;
          if (!out.forms.some((x) => `${x.method} ${x.action} ${x.fields.map((y) => y.name).join(',')} ${x.identity ?? ''}` === key)) out.forms.push({ ...f, ...(who ? { identity: who.identity } : {}) });
        }
      }
    }
    try {
      const routes = (await ctx.gather(apiSurfaceGatherer)).routes;
      for (const r of routes) {
        if (r.method !== 'GET' || r.path.includes('{')) continue;
        const params = r.params.filter((p) => p.in === 'query').map((p) => p.name);
        if (params.length) out.queryRoutes.push({ url: new URL(r.path, base).href, params });
      }
    } catch (err) {
      if (!(err instanceof NotApplicable) && !(err instanceof Error && /OpenAPI|openapi/.test(err.message))) throw err;
    }
    if (out.pages.length === 0) throw new NotApplicable(ctx.http.remaining <= 20 ? 'the request budget ran low before the pages could be fetched: raise --max-requests' : 'the landing page could not be fetched');
    return out;
  },
});

/**
 * What every browser-injection and redirect probe starts from: the target, its web surface, and the
 * identities' sessions (none when no identity is configured or none could log in).
 */
export async function webProbeStart(ctx: GatherContext): Promise<{ base: URL; surface: WebSurface; sessions: Map<string, Session> }> {
  const base = ctx.target.baseUrl;
  if (!base) throw new NotApplicable('no target URL');
  const surface = await ctx.gather(webSurfaceGatherer);
  let sessions = new Map<string, Session>();
  try {
    sessions = (await ctx.gather(sessionsGatherer)).sessions;
  } catch (err) {
    if (!(err instanceof NotApplicable)) throw err;
  }
  return { base, surface, sessions };
}
