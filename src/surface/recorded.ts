import { singular, templatize } from './object-ids.js';
import { HTTP_METHODS, type HttpMethod, type Route, type RouteExample } from './routes.js';

/**
 * One recorded call of the app's API, whoever recorded it: a HAR file the user saved, a Playwright
 * trace, or launchready's own Chromium crawl. Every recorder produces this shape and
 * `routesFromRecordedCalls` is the one place that turns recordings into routes, so a HAR and a crawl
 * give the same templates, examples and parameters.
 */
export interface RecordedCall {
  method: string;
  url: string;
  /** The request carried an Authorization header (the call needs credentials). */
  authorizationHeader?: boolean;
  requestAccept?: string;
  requestBody?: string;
  requestContentType?: string;
  status?: number;
  /** Response content type (mime). */
  contentType?: string;
  responseBody?: string;
  /** Learnable response headers, lower-case keys (Location, Content-Type, Set-Cookie names only). */
  responseHeaders?: Record<string, string>;
  /** The configured identity the call was made as; absent: anonymous or unknown. */
  identity?: string;
  /** Browser resource type when known: fetch, xhr, document (a form submission), script … */
  resourceType?: string;
  /** The request was recorded but never sent (a write the crawl does not make without --allow-writes). */
  notSent?: boolean;
}

export const STATIC_PATH = /\.(?:js|mjs|css|map|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|eot|otf|mp4|webm|txt|html?)$/i;

/** Is this call part of the API (not a page, not a static asset, not a pre-flight)? */
export function isApiCall(c: RecordedCall, origin?: string): boolean {
  const method = c.method.toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method) || method === 'OPTIONS') return false;
  let url: URL;
  try {
    url = new URL(c.url);
  } catch {
    return false;
  }
  if (origin && url.origin !== origin) return false;
  if (STATIC_PATH.test(url.pathname)) return false;
  if (c.resourceType && !['fetch', 'xhr', 'document', 'download', 'other'].includes(c.resourceType)) return false;
  // A page navigation is not an API call; a form submitted to the server (non-GET document) is.
  const isPage = method === 'GET' && (c.resourceType === 'document' || (/text\/html/i.test(c.contentType ?? '') && !/json/i.test(c.requestAccept ?? '')));
  return !isPage;
}

/**
 * Routes from recorded calls: concrete paths become templates (`/api/orders/8127` and
 * `/api/orders/8128` → `/api/orders/{orderId}`), each call an example with its identity, bodies and
 * status (at most `examplesPerRoute`, spread over identities so each identity's objects are kept).
 */
export function routesFromRecordedCalls(calls: readonly RecordedCall[], opts: { origin?: string; source: Route['source']; examplesPerRoute?: number }): { routes: Route[]; skipped: number } {
  const perRoute = opts.examplesPerRoute ?? 5;
  const byKey = new Map<string, Route>();
  let skipped = 0;
  for (const c of calls) {
    if (!isApiCall(c, opts.origin)) {
      skipped++;
      continue;
    }
    const method = c.method.toUpperCase() as HttpMethod;
    const url = new URL(c.url);
    const { template, values } = templatize(url.pathname);
    const key = `${method} ${template}`;
    const example: RouteExample = {
      url: url.pathname + url.search,
      ...(c.status !== undefined ? { status: c.status } : {}),
      ...(c.requestBody !== undefined ? { requestBody: c.requestBody, contentType: c.requestContentType ?? '' } : {}),
      ...(c.responseBody !== undefined ? { responseBody: c.responseBody.slice(0, 20_000) } : {}),
      pathValues: values,
      ...(c.identity ? { identity: c.identity } : {}),
      ...(c.responseHeaders && Object.keys(c.responseHeaders).length ? { responseHeaders: c.responseHeaders } : {}),
    };
    let route = byKey.get(key);
    if (!route) {
      const params: Route['params'] = Object.keys(values).map((name) => ({ name, in: 'path' as const, required: true }));
      route = { method, path: template, source: opts.source, sources: [opts.source], params, examples: [] };
      byKey.set(key, route);
    }
    for (const [name] of url.searchParams) if (!route.params.some((p) => p.name === name)) route.params.push({ name, in: 'query', required: false });
    // An Authorization header says the call needs credentials; a cookie alone may be analytics.
    if (c.authorizationHeader && c.status !== 401 && c.status !== 403) route.auth = true;
    const examples = route.examples!;
    const sameUrl = examples.some((e) => e.url === example.url && e.identity === example.identity && e.requestBody === example.requestBody);
    if (sameUrl) continue;
    if (examples.length < perRoute) examples.push(example);
    else if (example.identity && !examples.some((e) => e.identity === example.identity)) {
      // Keep one example per identity at least: which identity saw which object is what the id learner needs.
      const counts = new Map<string | undefined, number>();
      for (const e of examples) counts.set(e.identity, (counts.get(e.identity) ?? 0) + 1);
      const most = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      const i = examples.map((e) => e.identity).lastIndexOf(most);
      examples[i] = example;
    }
  }
  const routes = mergeSlugSiblings([...byKey.values()]);
  for (const route of routes) {
    // Denied anonymously, answered for an identity: the route needs credentials.
    const anon = route.examples!.filter((e) => !e.identity && e.status !== undefined);
    const named = route.examples!.filter((e) => e.identity && e.status !== undefined);
    if (route.auth === undefined && anon.length && anon.every((e) => e.status === 401 || e.status === 403) && named.some((e) => e.status! >= 200 && e.status! < 300)) route.auth = true;
  }
  return { routes, skipped };
}

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,80}$/;

/**
 * Slug-named objects (`/api/pages/about`, `/api/pages/pricing`, `/api/pages/team`) are one route: three
 * or more calls that differ only in their last segment, under a plural collection word, become
 * `/api/pages/{pageId}`. A version or API root (`/api/me`, `/api/orders`) is never merged.
 */
export function mergeSlugSiblings(routes: Route[]): Route[] {
  const groups = new Map<string, Route[]>();
  for (const r of routes) {
    const segs = r.path.split('/');
    const last = segs.at(-1) ?? '';
    const prev = segs.at(-2) ?? '';
    if (segs.length < 3 || last.startsWith('{') || !SLUG.test(last) || prev.startsWith('{') || !/[a-z]s$/i.test(prev) || /^(?:api|apis|v\d+|rest|internal)$/i.test(prev)) continue;
    const key = `${r.method} ${segs.slice(0, -1).join('/')}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const merged = new Set<Route>();
  const out: Route[] = [];
  for (const [key, members] of groups) {
    if (members.length < 3) continue;
    const prefix = key.slice(key.indexOf(' ') + 1);
    const prev = prefix.split('/').at(-1)!;
    const name = `${singular(prev).replace(/[-_]+([a-z0-9])/gi, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}Id`;
    const first = members[0]!;
    const route: Route = { ...first, path: `${prefix}/{${name}}`, params: [{ name, in: 'path', required: true }, ...first.params.filter((p) => p.in !== 'path')], examples: [] };
    for (const m of members) {
      merged.add(m);
      const slug = m.path.split('/').at(-1)!;
      for (const e of m.examples ?? []) if (route.examples!.length < 8) route.examples!.push({ ...e, pathValues: { ...(e.pathValues ?? {}), [name]: slug } });
      if (m.auth) route.auth = true;
      for (const p of m.params) if (p.in === 'query' && !route.params.some((x) => x.name === p.name)) route.params.push(p);
    }
    out.push(route);
  }
  return [...routes.filter((r) => !merged.has(r)), ...out];
}
