import { defineGatherer } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { credentialHeaders, type Session } from '../../identity/session.js';
import type { HttpExchange } from '../../net/http.js';
import { payloadsFor, REDIRECT_PARAM, reflectionContexts, type ReflectionContext } from '../web/html.js';
import { webProbeStart, DANGEROUS_LINK, type WebForm } from '../web/surface.js';
import { XssBrowser, type ExecRecord } from './browser.js';

/**
 * Reflected XSS, proven: every parameter of the pages one click deep (link query strings, GET
 * forms, login/search POST forms, documented GET query parameters, and the path) first gets a plain
 * alphanumeric canary over HTTP; where the canary comes back in an HTML page, the context it lands in
 * picks one or two payloads, and each is loaded in Chromium. Only a payload that runs (calls
 * `__lrx(n)`) is a finding; a reflection that no payload gets to run is an escaped reflection.
 */

export type CandidateKind = 'query' | 'form-get' | 'form-post' | 'path';

export interface ReflectCandidate {
  kind: CandidateKind;
  method: 'GET' | 'POST';
  /** The URL (GET: without the parameter; POST: the form action). */
  url: string;
  param: string;
  /** Other fields or query parameters sent with it (defaults from the page). */
  others: Record<string, string>;
  identity?: string;
  /** Where the parameter was found. */
  foundOn: string;
}

export interface ReflectedAttempt {
  context: ReflectionContext;
  payload: string;
  n: number;
  /** What Chromium loaded (GET) or posted to. */
  url: string;
  executed?: ExecRecord;
  error?: string;
}

export interface ReflectedResult {
  candidate: ReflectCandidate;
  canary: HttpExchange;
  /** Contexts the canary was reflected in (empty: not reflected in an HTML page). */
  contexts: ReflectionContext[];
  attempts: ReflectedAttempt[];
}

export interface ReflectedXss {
  results: ReflectedResult[];
  /** Candidates not tried (bounds, budget), with why. */
  skipped: Array<{ candidate: ReflectCandidate; reason: string }>;
  browserRequests: number;
}

export const MAX_CANDIDATES = 25;
const SAFE_POST_FORM = /log-?in|sign-?in|session|search|find|lookup|query/i;
const EMAILISH = /mail/i;

export function markerPrefix(seed: number): string {
  return `lrq${((seed >>> 0) % 46_655).toString(36)}x`;
}

function defaults(form: WebForm, skip: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of form.fields) {
    if (f.name === skip) continue;
    if (f.type === 'password') out[f.name] = 'Lr-not-a-real-password-1';
    else if (f.type === 'email' || EMAILISH.test(f.name)) out[f.name] = f.value || 'launchready-probe@example.test';
    else if (f.type === 'checkbox' || f.type === 'radio') {
      if (f.value) out[f.name] = f.value;
    } else out[f.name] = f.value || 'launchready';
  }
  return out;
}

/** Every parameter to try, in a stable order, without duplicates, bounded. */
export function candidatesFrom(surface: { links: Array<{ url: string; identity?: string }>; forms: WebForm[]; queryRoutes: Array<{ url: string; params: string[] }> }, base: URL, allowWrites: boolean): ReflectCandidate[] {
  const out: ReflectCandidate[] = [];
  const key = new Set<string>();
  const add = (c: ReflectCandidate): void => {
    const k = `${c.method} ${new URL(c.url).pathname} ${c.param}`;
    if (key.has(k)) return;
    key.add(k);
    out.push(c);
  };
  for (const f of surface.forms) {
    if (DANGEROUS_LINK.test(new URL(f.action).pathname)) continue;
    if (f.method === 'POST' && !allowWrites && !SAFE_POST_FORM.test(new URL(f.action).pathname)) continue;
    for (const field of f.fields) {
      if (field.type === 'password' || field.type === 'hidden' && /csrf|token|nonce/i.test(field.name)) continue;
      const action = new URL(f.action);
      const others = defaults(f, field.name);
      if (f.method === 'GET') {
        for (const [k, v] of action.searchParams) others[k] ??= v;
        action.search = '';
      }
      add({ kind: f.method === 'GET' ? 'form-get' : 'form-post', method: f.method, url: action.href, param: field.name, others, ...(f.identity ? { identity: f.identity } : {}), foundOn: f.page });
    }
  }
  for (const l of surface.links) {
    const u = new URL(l.url);
    if (DANGEROUS_LINK.test(u.pathname)) continue;
    for (const [name] of u.searchParams) {
      if (REDIRECT_PARAM.test(name)) continue; // redirects are the open-redirect probe's
      const others = Object.fromEntries([...u.searchParams].filter(([k]) => k !== name));
      const bare = new URL(u.href);
      bare.search = '';
      add({ kind: 'query', method: 'GET', url: bare.href, param: name, others, ...(l.identity ? { identity: l.identity } : {}), foundOn: l.url });
    }
  }
  for (const r of surface.queryRoutes) for (const p of r.params) add({ kind: 'query', method: 'GET', url: r.url, param: p, others: {}, foundOn: 'the API description' });
  add({ kind: 'path', method: 'GET', url: base.origin + '/', param: '(path)', others: {}, foundOn: 'any path (error pages)' });
  return out;
}

export function urlWith(c: ReflectCandidate, value: string): string {
  if (c.kind === 'path') return `${c.url}${encodeURIComponent(value)}`;
  const u = new URL(c.url);
  for (const [k, v] of Object.entries(c.others)) u.searchParams.set(k, v);
  u.searchParams.set(c.param, value);
  return u.href;
}

async function sendCanary(ctx: GatherContext, c: ReflectCandidate, value: string, s: Session | undefined): Promise<HttpExchange> {
  const auth = s ? { headers: { accept: 'text/html,*/*;q=0.8', ...credentialHeaders(s, { write: c.method === 'POST' }) }, credentialed: true, identity: s.identity } : { headers: { accept: 'text/html,*/*;q=0.8' } };
  if (c.method === 'POST') return ctx.http.request({ method: 'POST', url: c.url, form: { ...c.others, [c.param]: value }, ...auth, area: 'input-validation' });
  return ctx.http.request({ url: urlWith(c, value), ...auth, area: 'input-validation' });
}

export const reflectedXssGatherer = defineGatherer<ReflectedXss>({
  id: 'xss/reflected',
  async gather(ctx) {
    const { base, surface, sessions } = await webProbeStart(ctx);
    const prefix = markerPrefix(ctx.options.seed);
    const all = candidatesFrom(surface, base, ctx.options.allowWrites);
    const skipped: ReflectedXss['skipped'] = all.slice(MAX_CANDIDATES).map((candidate) => ({ candidate, reason: `more than ${MAX_CANDIDATES} parameters` }));
    const candidates = all.slice(0, MAX_CANDIDATES);
    let n = 1000;
    const results: ReflectedResult[] = [];
    // 1. Canaries over HTTP: which parameters come back in an HTML page, and where.
    for (const c of candidates) {
      if (ctx.http.remaining < 60) {
        skipped.push({ candidate: c, reason: 'the request budget ran low' });
        continue;
      }
      const canary = `${prefix}k${++n}${EMAILISH.test(c.param) && c.kind !== 'query' ? '@example.test' : ''}`;
      const ex = await sendCanary(ctx, c, canary, c.identity ? sessions.get(c.identity) : undefined);
      const type = ex.response?.headers['content-type'] ?? '';
      const contexts = ex.response && /html/i.test(type) ? reflectionContexts(ex.response.text(), canary.replace('@example.test', '')) : [];
      results.push({ candidate: c, canary: ex, contexts, attempts: [] });
    }
    const reflected = results.filter((r) => r.contexts.length > 0);
    let browserRequests = 0;
    if (reflected.length) {
      // 2. Context payloads in Chromium: at most two contexts and two payloads per parameter.
      const browser = await XssBrowser.open(ctx, { requests: Math.min(400, reflected.length * 4 * 6), prefix, area: 'input-validation' });
      try {
        for (const r of reflected) {
          const s = r.candidate.identity ? sessions.get(r.candidate.identity) : undefined;
          outer: for (const context of r.contexts.slice(0, 2)) {
            for (const payload of payloadsFor(context, ++n).slice(0, 2)) {
              const m = /__lrx\((\d+)\)/.exec(payload);
              const id = Number(m?.[1] ?? n);
              const value = EMAILISH.test(r.candidate.param) && r.candidate.kind !== 'query' ? `${payload}@example.test` : payload;
              const visit = r.candidate.method === 'POST'
                ? await browser.visit({ url: r.candidate.url, post: { action: r.candidate.url, fields: { ...r.candidate.others, [r.candidate.param]: value } }, ...(s ? { identity: s } : {}), clickPayloadLinks: context === 'url-attr', settleMs: 150 })
                : await browser.visit({ url: urlWith(r.candidate, value), ...(s ? { identity: s } : {}), clickPayloadLinks: context === 'url-attr', settleMs: 150 });
              const executed = visit.executed.find((e) => e.n === id);
              r.attempts.push({ context, payload: value, n: id, url: r.candidate.method === 'POST' ? r.candidate.url : urlWith(r.candidate, value), ...(executed ? { executed } : {}), ...(visit.error ? { error: visit.error } : {}) });
              if (executed) break outer;
            }
          }
        }
      } finally {
        browserRequests = browser.requests;
        await browser.close();
      }
    }
    return { results, skipped, browserRequests };
  },
});
