import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Config } from '../config/schema.js';
import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import { endpointsFromScript, scriptUrls } from './bundles.js';
import { crawlGatherer, type CrawlResult } from './crawl.js';
import { routesFromHar } from './har.js';
import { routesFromRecordedCalls } from './recorded.js';
import { callsFromPlaywrightTrace, isZip } from './trace.js';
import { isObjectIdName, isTenantName, templateMatcher } from './object-ids.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface RouteParam {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema?: unknown;
  /** The parameter names an object (`{id}`, `{invoiceId}`, `file_uuid` …): a BOLA target. */
  objectId?: boolean;
  /** The parameter names the tenant (`org_id`, `{orgId}`, `tenant_id` …). */
  tenant?: boolean;
}

/** One recorded call of a route (from a HAR file): a concrete URL and bodies to learn from. */
export interface RouteExample {
  url: string;
  status?: number;
  requestBody?: string;
  contentType?: string;
  responseBody?: string;
  pathValues?: Record<string, string>;
  /** The configured identity that made this call (crawl or login-aware HAR); absent: anonymous or unknown. */
  identity?: string;
  /** Response headers worth learning from (Location, Set-Cookie names, Content-Type), lower-case keys. */
  responseHeaders?: Record<string, string>;
}

/** One operation of the app's API surface, whatever it was learnt from. */
export interface Route {
  method: HttpMethod;
  /** Path template with {params}, e.g. /api/invoices/{id}. */
  path: string;
  source: 'openapi' | 'config' | 'har' | 'bundle' | 'crawl';
  /** Every source that listed this route (merge keeps the first as `source`). */
  sources?: Array<'openapi' | 'config' | 'har' | 'bundle' | 'crawl'>;
  /** true: should need credentials; false: public by design; undefined: unknown. */
  auth?: boolean;
  /** Roles allowed to call it, when known (config roles, x-roles, admin scopes). */
  roles?: string[];
  params: RouteParam[];
  /** JSON schema of the request body, $refs resolved. */
  requestSchema?: unknown;
  operationId?: string;
  tags?: string[];
  /** `roles` was guessed from the path (`/admin`, role management, DELETE on users), not declared. */
  rolesInferred?: boolean;
  /** Recorded calls (HAR). */
  examples?: RouteExample[];
}

export type RouteSource = Route['source'];

export interface ApiSurface {
  routes: Route[];
  /** Where each part came from, and what could not be read (shown in the report). */
  sources: string[];
  warnings: string[];
  /** Routes `api.exclude` took out (the exclude-pattern check warns about patterns that match none). */
  excluded?: Array<{ method: string; path: string }>;
  /** Routes per source (a route listed by two sources counts for both). */
  bySource?: Partial<Record<RouteSource, number>>;
  /** With an OpenAPI document: routes the app was seen calling (crawl, HAR, bundles) that it does not list. */
  undocumented?: Route[];
  /** What the Chromium crawl did, when it ran. */
  crawl?: CrawlSummary;
}

export interface CrawlSummary {
  pages: number;
  /** Pages per pass: anonymous and each identity. */
  pagesBy: Record<string, number>;
  calls: number;
  requests: number;
  allowance: number;
  ms: number;
  stoppedBy: string[];
  logins: Record<string, string>;
  refused: { writes: number; excluded: number; destructiveClicks: number; destructiveLinks: number };
  notes: string[];
}

export function summarizeCrawl(c: CrawlResult): CrawlSummary {
  const pagesBy: Record<string, number> = {};
  for (const p of c.pages) pagesBy[p.identity ?? 'anonymous'] = (pagesBy[p.identity ?? 'anonymous'] ?? 0) + 1;
  return {
    pages: c.pages.length,
    pagesBy,
    calls: c.calls.length,
    requests: c.requests,
    allowance: c.allowance,
    ms: c.ms,
    stoppedBy: c.stoppedBy,
    logins: c.logins,
    refused: { writes: c.refused.writes.length, excluded: c.refused.excluded.length, destructiveClicks: c.refused.destructiveClicks.length, destructiveLinks: c.refused.destructiveLinks.length },
    notes: c.notes.slice(0, 20),
  };
}

const ROUTE_RE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\s+(\/\S*)$/i;

export function parseRouteString(s: string): { method: HttpMethod; path: string } | undefined {
  const m = ROUTE_RE.exec(s.trim());
  return m ? { method: m[1]!.toUpperCase() as HttpMethod, path: m[2]! } : undefined;
}

export function pathParams(path: string): RouteParam[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1]!, in: 'path' as const, required: true }));
}

/** `exclude` entries: "METHOD /path" or "/path" — one matcher for every component (src/net/exclude.ts). */
import { isExcluded } from '../net/exclude.js';
export { isExcluded };

type Json = Record<string, unknown>;

/** Resolves local JSON references (#/components/…), guarding against cycles. Remote refs are left alone. */
export function resolveRefs(doc: Json): (node: unknown) => unknown {
  const cache = new Map<string, unknown>();
  const deref = (node: unknown, seen: Set<string>): unknown => {
    if (Array.isArray(node)) return node.map((x) => deref(x, seen));
    if (!node || typeof node !== 'object') return node;
    const ref = (node as Json)['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#/')) {
      if (seen.has(ref)) return { $circular: ref };
      if (cache.has(ref)) return cache.get(ref);
      let target: unknown = doc;
      for (const raw of ref.slice(2).split('/')) target = (target as Json | undefined)?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
      const out = deref(target, new Set([...seen, ref]));
      cache.set(ref, out);
      return out;
    }
    return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, deref(v, seen)]));
  };
  return (node) => deref(node, new Set());
}

/** Routes from an OpenAPI 3.x or Swagger 2.0 document. */
export function routesFromOpenApi(doc: Json): Route[] {
  const isSwagger2 = typeof doc['swagger'] === 'string';
  if (!isSwagger2 && typeof doc['openapi'] !== 'string') throw new Error('not an OpenAPI 3.x or Swagger 2.0 document (no "openapi" or "swagger" field)');
  const deref = resolveRefs(doc);
  const basePath = isSwagger2 && typeof doc['basePath'] === 'string' ? (doc['basePath'] as string).replace(/\/$/, '') : serverBasePath(doc);
  const globalSecurity = doc['security'] as unknown[] | undefined;
  const routes: Route[] = [];
  const paths = (doc['paths'] ?? {}) as Json;
  for (const [rawPath, item] of Object.entries(paths)) {
    if (!item || typeof item !== 'object') continue;
    const pathItem = deref(item) as Json;
    const shared = (pathItem['parameters'] as Json[] | undefined) ?? [];
    for (const [m, opRaw] of Object.entries(pathItem)) {
      const method = m.toUpperCase();
      if (!(HTTP_METHODS as readonly string[]).includes(method) || !opRaw || typeof opRaw !== 'object') continue;
      const op = opRaw as Json;
      const params: RouteParam[] = [];
      let requestSchema: unknown;
      for (const p of [...shared, ...((op['parameters'] as Json[] | undefined) ?? [])]) {
        if (!p || typeof p !== 'object' || typeof p['name'] !== 'string') continue;
        if (p['in'] === 'body') {
          requestSchema = p['schema'];
          continue;
        }
        if (p['in'] === 'path' || p['in'] === 'query' || p['in'] === 'header' || p['in'] === 'cookie') {
          const existing = params.findIndex((x) => x.name === p['name'] && x.in === p['in']);
          const param: RouteParam = { name: p['name'] as string, in: p['in'], required: p['required'] === true || p['in'] === 'path', schema: p['schema'] ?? (p['type'] ? { type: p['type'] } : undefined) };
          if (existing >= 0) params[existing] = param;
          else params.push(param);
        }
      }
      const body = op['requestBody'] as Json | undefined;
      if (body && typeof body === 'object') {
        const content = (body['content'] ?? {}) as Json;
        const media = (content['application/json'] ?? Object.values(content)[0]) as Json | undefined;
        requestSchema = media?.['schema'];
      }
      const security = (op['security'] as unknown[] | undefined) ?? globalSecurity;
      const xRoles = op['x-roles'] ?? pathItem['x-roles'];
      const scopes = (security ?? []).flatMap((req) => Object.values((req ?? {}) as Record<string, string[]>).flat());
      const roles = Array.isArray(xRoles) ? xRoles.map(String) : scopes.some((s) => /admin/i.test(s)) ? ['admin'] : undefined;
      const path = `${basePath}${rawPath}`;
      for (const pp of pathParams(path)) if (!params.some((p) => p.in === 'path' && p.name === pp.name)) params.push(pp);
      routes.push({
        method: method as HttpMethod,
        path,
        source: 'openapi',
        ...(security !== undefined ? { auth: security.length > 0 && !security.every((s) => s && typeof s === 'object' && Object.keys(s).length === 0) } : {}),
        ...(roles ? { roles } : {}),
        params,
        ...(requestSchema !== undefined ? { requestSchema } : {}),
        ...(typeof op['operationId'] === 'string' ? { operationId: op['operationId'] } : {}),
        ...(Array.isArray(op['tags']) ? { tags: op['tags'].map(String) } : {}),
      });
    }
  }
  return routes;
}

function serverBasePath(doc: Json): string {
  const servers = doc['servers'] as Json[] | undefined;
  const url = servers?.[0]?.['url'];
  if (typeof url !== 'string') return '';
  try {
    return new URL(url, 'http://placeholder').pathname.replace(/\/$/, '');
  } catch {
    return '';
  }
}

/** Config routes override or extend what the document says (roles, auth). */
export function mergeRoutes(base: Route[], extra: Route[]): Route[] {
  const out = [...base];
  for (const r of extra) {
    const i = out.findIndex((x) => x.method === r.method && x.path === r.path);
    if (i >= 0) {
      const sources = withSource(out[i]!, r.source);
      out[i] = { ...out[i]!, ...Object.fromEntries(Object.entries(r).filter(([k, v]) => v !== undefined && k !== 'source' && k !== 'params' && k !== 'sources')), sources } as Route;
    } else out.push({ ...r, sources: r.sources ?? [r.source] });
  }
  return out;
}

export function routesFromConfig(config: Config): Route[] {
  return config.api.routes.map((r) => {
    const parsed = typeof r === 'string' ? parseRouteString(r)! : { method: r.method.toUpperCase() as HttpMethod, path: r.path };
    const route: Route = { ...parsed, source: 'config', params: pathParams(parsed.path) };
    if (typeof r !== 'string') {
      if (r.roles) route.roles = r.roles;
      if (r.auth !== undefined) route.auth = r.auth;
      if (r.tags) route.tags = r.tags;
    }
    return route;
  });
}

/** Reads the OpenAPI document named in the config: a file (relative to the config) or a URL/path on the target. */
export async function loadOpenApi(ctx: GatherContext, ref: string): Promise<Json> {
  let text: string;
  const isUrl = /^https?:\/\//i.test(ref) || (ref.startsWith('/') && ctx.target.baseUrl !== undefined && !(await fileExists(ref)));
  if (isUrl) {
    const url = new URL(ref, ctx.target.baseUrl);
    const ex = await ctx.http.request({ url, followRedirects: 3, headers: { accept: 'application/json, application/yaml;q=0.9' } });
    if (!ex.response) throw new Error(`api.openapi ${url.href}: no response (${ex.error?.code})`);
    if (ex.response.status !== 200) throw new Error(`api.openapi ${url.href}: HTTP ${ex.response.status}`);
    if (ex.response.truncated) throw new Error(`api.openapi ${url.href}: the document is larger than the ${ex.response.body.length} byte body cap`);
    text = ex.response.text();
  } else {
    const file = isAbsolute(ref) ? ref : resolve(ctx.configDir, ref);
    text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new Error(`api.openapi ${file}: ${err.code === 'ENOENT' ? 'file not found' : err.message}`);
    });
  }
  try {
    const doc = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
    if (!doc || typeof doc !== 'object') throw new Error('not a JSON or YAML object');
    return doc as Json;
  } catch (err) {
    throw new Error(`api.openapi ${ref}: cannot parse (${(err as Error).message})`, { cause: err });
  }
}

async function fileExists(p: string): Promise<boolean> {
  return readFile(p).then(
    () => true,
    () => false,
  );
}

const ADMIN_SEGMENT = /^(?:admin|administration|administrator|manage|management|internal|superuser|sudo|staff|backoffice|back-office|ops|root|sysadmin)$/i;

/** Admin-only by the look of it: an admin-ish path segment, role/permission management, or deleting users. */
export function looksAdminOnly(route: { method: string; path: string; tags?: string[] }): boolean {
  const segments = route.path.split('/').filter(Boolean);
  if (segments.some((s) => ADMIN_SEGMENT.test(s))) return true;
  if (route.tags?.some((t) => /^admin/i.test(t))) return true;
  if (/\/(?:roles?|permissions?|privileges?|grants?)(?:\/|$)/i.test(route.path) && route.method !== 'GET') return true;
  if (route.method === 'DELETE' && /\/(?:users?|members?|accounts?|staff|employees?)\/\{[^}]+\}$/i.test(route.path)) return true;
  return false;
}

/** Marks object-id and tenant parameters and guesses admin-only routes; declared facts always win. */
export function annotateRoute(route: Route): Route {
  const params = route.params.map((p) => {
    if (p.in !== 'path' && p.in !== 'query') return p;
    const tenant = isTenantName(p.name) || (p.in === 'path' && /^(?:org|organi[sz]ation|tenant|workspace|company|team)s?$/i.test(previousSegment(route.path, p.name) ?? '') && isObjectIdName(p.name));
    const objectId = !tenant && (isObjectIdName(p.name) || p.in === 'path');
    return { ...p, ...(objectId ? { objectId: true } : {}), ...(tenant ? { tenant: true } : {}) };
  });
  const out: Route = { ...route, params };
  if (!out.roles && looksAdminOnly(route)) {
    out.roles = ['admin'];
    out.rolesInferred = true;
  }
  return out;
}

function previousSegment(path: string, param: string): string | undefined {
  const segs = path.split('/');
  const i = segs.indexOf(`{${param}}`);
  return i > 0 ? segs[i - 1] : undefined;
}

/** The same route shape whatever the parameter names (`/a/{id}` ≡ `/a/{aId}`). */
export function routeShape(method: string, path: string): string {
  return `${method} ${path.replace(/\{[^}]+\}/g, '{}').replace(/\/$/, '')}`;
}

function withSource(route: Route, ...more: RouteSource[]): RouteSource[] {
  const out = [...(route.sources ?? [route.source])];
  for (const s of more) if (!out.includes(s)) out.push(s);
  return out;
}

/** Examples of two sources together: at most `limit`, every identity that made one kept. */
export function mergeExamples(a: RouteExample[], b: RouteExample[], limit = 8): RouteExample[] {
  const out: RouteExample[] = [];
  const all = [...a, ...b];
  const identities = [...new Set(all.map((e) => e.identity))];
  // Round-robin over identities so each keeps its examples (which identity saw which object).
  const queues = identities.map((id) => all.filter((e) => e.identity === id));
  while (out.length < limit && queues.some((q) => q.length)) {
    for (const q of queues) {
      const e = q.shift();
      if (e && out.length < limit && !out.some((x) => x.url === e.url && x.identity === e.identity && x.requestBody === e.requestBody)) out.push(e);
    }
  }
  return out;
}

/** Adds routes learnt elsewhere (HAR, bundles) that the surface does not know yet; known ones get the examples. */
export function addDiscovered(base: Route[], found: Route[]): { routes: Route[]; added: number } {
  const out = [...base];
  let added = 0;
  for (const r of found) {
    const shape = routeShape(r.method, r.path);
    let existing = out.find((x) => routeShape(x.method, x.path) === shape);
    if (!existing && r.examples?.length) {
      existing = out.find((x) => x.method === r.method && r.examples!.some((e) => templateMatcher(x.path).test(e.url.split('?')[0]!)));
    }
    if (existing) {
      if (r.examples?.length) existing.examples = mergeExamples(existing.examples ?? [], r.examples);
      if (existing.auth === undefined && r.auth !== undefined) existing.auth = r.auth;
      existing.sources = withSource(existing, ...(r.sources ?? [r.source]));
      for (const p of r.params) if (p.in === 'query' && !existing.params.some((x) => x.name === p.name && x.in === p.in)) existing.params.push(p);
      continue;
    }
    out.push({ ...r, sources: r.sources ?? [r.source] });
    added++;
  }
  return { routes: out, added };
}

/** `api.har`: a HAR file, or a Playwright trace (trace.zip, or its .network file): both become routes the same way. */
async function loadRecording(ctx: GatherContext, ref: string): Promise<Route[]> {
  const file = isAbsolute(ref) ? ref : resolve(ctx.configDir, ref);
  const buf = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`api.har ${file}: ${err.code === 'ENOENT' ? 'file not found' : err.message}`);
  });
  const origin = ctx.target.baseUrl?.origin;
  const opts = { ...(origin ? { origin } : {}), source: 'har' as const };
  if (isZip(buf) || /\.network$/i.test(file)) {
    try {
      return routesFromRecordedCalls(callsFromPlaywrightTrace(buf), opts).routes;
    } catch (err) {
      throw new Error(`api.har ${file}: not a readable Playwright trace (${(err as Error).message})`, { cause: err });
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new Error(`api.har ${file}: not JSON (${(err as Error).message})`, { cause: err });
  }
  return routesFromHar(doc, origin).routes;
}

/** Endpoints the app's own front end calls, read from the scripts its landing page loads (a few requests). */
async function discoverFromBundles(ctx: GatherContext): Promise<{ routes: Route[]; scripts: number }> {
  const base = ctx.target.baseUrl;
  if (!base) return { routes: [], scripts: 0 };
  const pagePaths = [...new Set([ctx.config.pages?.landing ?? '/', ...(ctx.config.pages?.login ? [ctx.config.pages.login] : [])])];
  const scripts: URL[] = [];
  for (const p of pagePaths) {
    const page = await ctx.http.request({ url: new URL(p, base), followRedirects: 3, headers: { accept: 'text/html' }, area: 'authorization', maxBodyBytes: 512 * 1024 });
    const html = page.response && /html/i.test(page.response.headers['content-type'] ?? '') ? page.response.text() : '';
    for (const u of scriptUrls(html, new URL(page.redirects.at(-1)?.location ?? new URL(p, base).href), 6)) if (!scripts.some((x) => x.href === u.href)) scripts.push(u);
  }
  const found: Route[] = [];
  for (const u of scripts.slice(0, 6)) {
    const ex = await ctx.http.request({ url: u, area: 'authorization', maxBodyBytes: 4 * 1024 * 1024 });
    if (!ex.response || ex.response.status !== 200) continue;
    for (const e of endpointsFromScript(ex.response.text())) {
      found.push({ method: e.method, path: e.path, source: 'bundle', params: pathParams(e.path) });
    }
  }
  return { routes: found, scripts: scripts.length };
}

const FATAL_NAMES = new Set(['BudgetExhausted', 'RunAborted', 'LoopbackViolation', 'ScopeViolation']);

export const apiSurfaceGatherer = defineGatherer<ApiSurface>({
  id: 'surface/api',
  async gather(ctx) {
    const sources: string[] = [];
    const warnings: string[] = [];
    let routes: Route[] = [];
    if (ctx.config.api.openapi) {
      // The config asks for this document: not being able to read it is an error the user must see.
      routes = routesFromOpenApi(await loadOpenApi(ctx, ctx.config.api.openapi)).map((r) => ({ ...r, sources: ['openapi' as const] }));
      sources.push(`OpenAPI ${ctx.config.api.openapi} (${routes.length} operations)`);
    }
    const fromConfig = routesFromConfig(ctx.config);
    if (fromConfig.length) sources.push(`config api.routes (${fromConfig.length})`);
    routes = mergeRoutes(routes, fromConfig);
    if (ctx.config.api.har) {
      try {
        const har = await loadRecording(ctx, ctx.config.api.har);
        const merged = addDiscovered(routes, har);
        routes = merged.routes;
        sources.push(`HAR ${ctx.config.api.har} (${har.length} API routes, ${merged.added} new)`);
      } catch (err) {
        warnings.push((err as Error).message);
      }
    }
    try {
      const bundles = await discoverFromBundles(ctx);
      if (bundles.routes.length) {
        const merged = addDiscovered(routes, bundles.routes);
        routes = merged.routes;
        sources.push(`JS bundles (${bundles.scripts} scripts, ${bundles.routes.length} endpoints, ${merged.added} new)`);
      }
    } catch (err) {
      if ((err as Error).name === 'BudgetExhausted' || (err as Error).name === 'RunAborted' || (err as Error).name === 'LoopbackViolation') throw err;
      warnings.push(`JS bundle discovery: ${(err as Error).message}`);
    }
    let crawlSummary: CrawlSummary | undefined;
    try {
      const crawled = await ctx.gather(crawlGatherer);
      crawlSummary = summarizeCrawl(crawled);
      const origin = ctx.target.baseUrl?.origin;
      const fromCalls = routesFromRecordedCalls(crawled.calls, { ...(origin ? { origin } : {}), source: 'crawl' });
      const merged = addDiscovered(routes, fromCalls.routes);
      routes = merged.routes;
      const who = Object.entries(crawlSummary.pagesBy).map(([k, v]) => `${v} as ${k}`).join(', ');
      sources.push(`Chromium crawl (${crawlSummary.pages} pages: ${who || 'none'}; ${crawled.calls.length} API calls recorded; ${fromCalls.routes.length} routes, ${merged.added} new; ${crawled.requests} requests, ${(crawled.ms / 1000).toFixed(1)} s)`);
      const scripts = crawled.scriptEndpoints.filter((e) => !/^\/(?:api|apis|v\d+|rest)\/?$/i.test(e.path)).map((e) => ({ method: e.method, path: e.path, source: 'bundle' as const, params: pathParams(e.path) }));
      if (scripts.length) {
        const m2 = addDiscovered(routes, scripts);
        routes = m2.routes;
        if (m2.added) sources.push(`scripts the crawled pages loaded (${scripts.length} endpoints, ${m2.added} new)`);
      }
      for (const [name, how] of Object.entries(crawled.logins)) if (how.startsWith('not crawled')) warnings.push(`crawl as ${name}: ${how}`);
    } catch (err) {
      if (err instanceof NotApplicable) sources.push(`Chromium crawl not run: ${err.reason}`);
      else if (FATAL_NAMES.has((err as Error).name)) throw err;
      else warnings.push(`Chromium crawl: ${(err as Error).message.split('\n')[0]}`);
    }
    const excluded = routes.filter((r) => isExcluded(r, ctx.config.api.exclude)).map((r) => ({ method: r.method, path: r.path }));
    routes = routes.filter((r) => !isExcluded(r, ctx.config.api.exclude)).map(annotateRoute);
    const bySource: Partial<Record<RouteSource, number>> = {};
    for (const r of routes) for (const s of r.sources ?? [r.source]) bySource[s] = (bySource[s] ?? 0) + 1;
    const undocumented = ctx.config.api.openapi ? routes.filter((r) => !(r.sources ?? [r.source]).includes('openapi') && !(r.sources ?? [r.source]).includes('config') && (r.sources ?? [r.source]).some((s) => s === 'crawl' || s === 'har' || s === 'bundle')) : undefined;
    ctx.contribute({
      facts: {
        surface: {
          routes: routes.length,
          bySource,
          sources,
          ...(undocumented ? { undocumented: undocumented.map((r) => `${r.method} ${r.path} (${(r.sources ?? [r.source]).join(', ')})`) } : {}),
          ...(crawlSummary ? { crawl: crawlSummary } : {}),
        },
      },
    });
    if (routes.length === 0 && warnings.length === 0) throw new NotApplicable('no API surface: set api.openapi or api.routes in launchready.yml');
    return { routes, sources, warnings, excluded, bySource, ...(undocumented ? { undocumented } : {}), ...(crawlSummary ? { crawl: crawlSummary } : {}) };
  },
});
