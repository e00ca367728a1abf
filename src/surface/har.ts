import { HTTP_METHODS, type HttpMethod, type Route, type RouteExample } from './routes.js';
import { templatize } from './object-ids.js';

/**
 * Routes from a HAR file (a browser's recorded session, "Save all as HAR"): API calls to the target's
 * origin become routes with their recorded request as an example; static assets and pages are left out.
 */

interface HarHeader {
  name?: unknown;
  value?: unknown;
}
interface HarEntry {
  request?: { method?: unknown; url?: unknown; headers?: HarHeader[]; postData?: { mimeType?: unknown; text?: unknown } };
  response?: { status?: unknown; headers?: HarHeader[]; content?: { mimeType?: unknown; text?: unknown; encoding?: unknown } };
}

const STATIC = /\.(?:js|mjs|css|map|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|eot|otf|mp4|webm|txt|html?)$/i;

function header(list: HarHeader[] | undefined, name: string): string | undefined {
  const h = list?.find((x) => typeof x.name === 'string' && x.name.toLowerCase() === name);
  return typeof h?.value === 'string' ? h.value : undefined;
}

export function routesFromHar(doc: unknown, origin?: string): { routes: Route[]; skipped: number } {
  const entries = ((doc as { log?: { entries?: unknown } } | undefined)?.log?.entries ?? []) as HarEntry[];
  if (!Array.isArray(entries)) throw new Error('not a HAR file (no log.entries array)');
  const byKey = new Map<string, Route>();
  let skipped = 0;
  for (const e of entries) {
    const method = String(e.request?.method ?? '').toUpperCase();
    const rawUrl = e.request?.url;
    if (!(HTTP_METHODS as readonly string[]).includes(method) || typeof rawUrl !== 'string') {
      skipped++;
      continue;
    }
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      skipped++;
      continue;
    }
    const mime = String(e.response?.content?.mimeType ?? header(e.response?.headers, 'content-type') ?? '');
    const accept = header(e.request?.headers, 'accept') ?? '';
    const isPage = /text\/html/i.test(mime) && method === 'GET' && !/json/i.test(accept);
    if ((origin && url.origin !== origin) || STATIC.test(url.pathname) || isPage || method === 'OPTIONS') {
      skipped++;
      continue;
    }
    const { template, values } = templatize(url.pathname);
    const key = `${method} ${template}`;
    // An Authorization header says the call needs credentials; a cookie alone may be analytics.
    const hasAuthHeader = !!header(e.request?.headers, 'authorization');
    const status = typeof e.response?.status === 'number' ? e.response.status : undefined;
    const example: RouteExample = {
      url: url.pathname + url.search,
      ...(status !== undefined ? { status } : {}),
      ...(typeof e.request?.postData?.text === 'string' ? { requestBody: e.request.postData.text, contentType: String(e.request.postData.mimeType ?? '') } : {}),
      ...(typeof e.response?.content?.text === 'string' && e.response.content.encoding !== 'base64' ? { responseBody: e.response.content.text.slice(0, 20_000) } : {}),
      pathValues: values,
    };
    let route = byKey.get(key);
    if (!route) {
      const params = Object.keys(values).map((name) => ({ name, in: 'path' as const, required: true }));
      for (const [name] of url.searchParams) if (!params.some((p) => p.name === name)) params.push({ name, in: 'query' as const, required: false } as never);
      route = { method: method as HttpMethod, path: template, source: 'har', params, examples: [] };
      byKey.set(key, route);
    }
    if (hasAuthHeader && status !== 401 && status !== 403) route.auth = true;
    if ((route.examples?.length ?? 0) < 5) route.examples!.push(example);
  }
  return { routes: [...byKey.values()], skipped };
}
