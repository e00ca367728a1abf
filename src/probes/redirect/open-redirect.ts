import { defineGatherer } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { credentialHeaders } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { looksLikeDestination, REDIRECT_PARAM } from '../web/html.js';
import { webProbeStart } from '../web/surface.js';

/**
 * Open redirects: every link or form parameter that names where the app sends the browser next
 * (`?next=`, `?url=`, `returnTo` …, or any parameter whose value is a path) is given an external
 * absolute URL and the variants browsers also treat as external. Judged from the Location header
 * alone: redirects are never followed (the client's default), so nothing leaves for the outside.
 * The login form is submitted with the configured identity's credentials (a fresh login), since
 * that is where `next` usually acts.
 */

export const EVIL_HOST = 'evil.example';
/**
 * An absolute URL, then forms browsers also resolve to another host: protocol-relative, backslash
 * (WHATWG treats `\\` as `/`), and scheme-relative — which only leaves the site when the scheme
 * differs from the page's, so it names the other one.
 */
export function redirectVariants(targetProtocol: string): string[] {
  const other = targetProtocol === 'https:' ? 'http' : 'https';
  return [`https://${EVIL_HOST}/`, `//${EVIL_HOST}/`, `/\\${EVIL_HOST}/`, `${other}:${EVIL_HOST}`];
}
export const REDIRECT_VARIANTS = redirectVariants('http:');

export interface RedirectCandidate {
  method: 'GET' | 'POST';
  /** The URL with the original value of the parameter. */
  url: string;
  param: string;
  /** POST: the form body (credentials of `identity` when it is the login form). */
  form?: Record<string, string>;
  identity?: string;
  foundOn: string;
  /** Not seen on a page: a usual parameter name tried on the login or logout flow (one variant only). */
  guessed?: boolean;
}

export interface RedirectAttempt {
  variant: string;
  exchange: HttpExchange;
}

export interface RedirectResult {
  candidate: RedirectCandidate;
  attempts: RedirectAttempt[];
}

export interface OpenRedirects {
  results: RedirectResult[];
  skipped: Array<{ candidate: RedirectCandidate; reason: string }>;
}

const MAX_CANDIDATES = 16;

/** Where a Location header sends a browser, resolved the way browsers resolve it (WHATWG URL). */
export function redirectTarget(location: string | undefined, requestUrl: string): URL | undefined {
  if (!location) return undefined;
  try {
    return new URL(location.trim(), requestUrl);
  } catch {
    return undefined;
  }
}

export const openRedirectGatherer = defineGatherer<OpenRedirects>({
  id: 'redirect/open-redirect',
  async gather(ctx: GatherContext) {
    const { base, surface, sessions } = await webProbeStart(ctx);
    const candidates: RedirectCandidate[] = [];
    const seen = new Set<string>();
    const add = (c: RedirectCandidate): void => {
      const k = `${c.method} ${new URL(c.url).pathname} ${c.param}`;
      if (seen.has(k)) return;
      seen.add(k);
      candidates.push(c);
    };
    const isRedirectParam = (name: string, value: string): boolean => REDIRECT_PARAM.test(name) || looksLikeDestination(value);
    for (const l of surface.links) {
      const u = new URL(l.url);
      for (const [name, value] of u.searchParams) if (isRedirectParam(name, value)) add({ method: 'GET', url: u.href, param: name, ...(l.identity ? { identity: l.identity } : {}), foundOn: l.url });
    }
    for (const f of surface.forms) {
      const action = new URL(f.action);
      const params = [...action.searchParams].filter(([n, v]) => isRedirectParam(n, v)).map(([n]) => n);
      const hidden = f.fields.filter((x) => x.type === 'hidden' && isRedirectParam(x.name, x.value)).map((x) => x.name);
      if (params.length === 0 && hidden.length === 0) continue;
      let form: Record<string, string> = Object.fromEntries(f.fields.map((x) => [x.name, x.value]));
      let identity: string | undefined = f.identity;
      if (f.method === 'POST') {
        // The login form: a fresh login with the configured identity's credentials.
        const login = Object.entries(ctx.config.identities).find(([, c]) => c.login.kind === 'form' && new URL(c.login.url, base).pathname === action.pathname);
        if (!login) continue;
        const cfg = login[1].login as { form: Record<string, string> };
        form = { ...form, ...cfg.form };
        identity = login[0];
      }
      for (const p of params) add({ method: f.method, url: action.href, param: p, ...(f.method === 'POST' ? { form } : {}), ...(identity ? { identity } : {}), foundOn: f.page });
      for (const h of hidden) {
        if (f.method === 'GET') {
          const u = new URL(action.href);
          for (const x of f.fields) u.searchParams.set(x.name, x.value);
          add({ method: 'GET', url: u.href, param: h, foundOn: f.page });
        } else add({ method: 'POST', url: action.href, param: `form:${h}`, form, ...(identity ? { identity } : {}), foundOn: f.page });
      }
    }
    // The login and logout flows, with the usual parameter names, when no page showed one.
    const GUESSES = ['next', 'returnTo', 'redirect'];
    const formLogin = Object.entries(ctx.config.identities).find(([, c]) => c.login.kind === 'form');
    if (formLogin && formLogin[1].login.kind === 'form') {
      const cfg = formLogin[1].login;
      const path = new URL(cfg.url, base).pathname;
      if (!candidates.some((c) => c.method === 'POST' && new URL(c.url).pathname === path)) {
        for (const g of GUESSES) add({ method: 'POST', url: new URL(cfg.url, base).href, param: g, form: cfg.form, identity: formLogin[0], foundOn: `the login flow of ${formLogin[0]} (usual parameter name)`, guessed: true });
      }
    }
    const logoutPaths = new Set<string>();
    if (ctx.config.endpoints.logout) logoutPaths.add(ctx.config.endpoints.logout);
    for (const c of Object.values(ctx.config.identities)) if (c.logout && (c.logout.method ?? 'POST').toUpperCase() === 'GET') logoutPaths.add(c.logout.url);
    for (const lp of logoutPaths) {
      const u = new URL(lp, base);
      if (candidates.some((c) => new URL(c.url).pathname === u.pathname)) continue;
      // Anonymous GET: nobody's session is ended.
      for (const g of GUESSES) add({ method: 'GET', url: u.href, param: g, foundOn: 'the logout flow (usual parameter name)', guessed: true });
    }
    const results: RedirectResult[] = [];
    const skipped: OpenRedirects['skipped'] = candidates.slice(MAX_CANDIDATES).map((candidate) => ({ candidate, reason: `more than ${MAX_CANDIDATES} redirect parameters` }));
    for (const c of candidates.slice(0, MAX_CANDIDATES)) {
      if (ctx.http.remaining < 40) {
        skipped.push({ candidate: c, reason: 'the request budget ran low' });
        continue;
      }
      const r: RedirectResult = { candidate: c, attempts: [] };
      const s = c.method === 'GET' && c.identity ? sessions.get(c.identity) : undefined;
      for (const variant of redirectVariants(base.protocol).slice(0, c.guessed ? 2 : 4)) {
        const u = new URL(c.url);
        let form = c.form;
        if (c.param.startsWith('form:')) form = { ...c.form, [c.param.slice(5)]: variant };
        else u.searchParams.set(c.param, variant);
        const ex = await ctx.http.request({
          method: c.method,
          url: u,
          ...(form && c.method === 'POST' ? { form } : {}),
          ...(s ? { headers: credentialHeaders(s), credentialed: true, identity: s.identity } : c.identity ? { identity: `${c.identity} (fresh login)` } : {}),
          area: 'input-validation',
        });
        r.attempts.push({ variant, exchange: ex });
        const to = redirectTarget(ex.response?.headers['location'], ex.request.url);
        if (ex.response && ex.response.status >= 300 && ex.response.status < 400 && to && to.hostname !== base.hostname) break;
      }
      results.push(r);
    }
    return { results, skipped };
  },
});
