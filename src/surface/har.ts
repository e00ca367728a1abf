import { routesFromRecordedCalls, type RecordedCall } from './recorded.js';
import type { Route } from './routes.js';

/**
 * Routes from a HAR file (a browser's recorded session, "Save all as HAR"): its entries become
 * recorded calls, and the one path shared with the Chromium crawl (`routesFromRecordedCalls`)
 * turns API calls to the target's origin into routes with their recorded requests as examples;
 * static assets and pages are left out.
 */

interface HarHeader {
  name?: unknown;
  value?: unknown;
}
interface HarEntry {
  request?: { method?: unknown; url?: unknown; headers?: HarHeader[]; postData?: { mimeType?: unknown; text?: unknown } };
  response?: { status?: unknown; headers?: HarHeader[]; content?: { mimeType?: unknown; text?: unknown; encoding?: unknown } };
  /** Chromium's HAR export names the resource type (fetch, xhr, document …). */
  _resourceType?: unknown;
}

function header(list: HarHeader[] | undefined, name: string): string | undefined {
  const h = list?.find((x) => typeof x.name === 'string' && x.name.toLowerCase() === name);
  return typeof h?.value === 'string' ? h.value : undefined;
}

/** Location, Content-Type and the names (never the values) of cookies set. */
function learnableHeaders(list: HarHeader[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list ?? []) {
    if (typeof h.name !== 'string' || typeof h.value !== 'string') continue;
    const n = h.name.toLowerCase();
    if (n === 'location' || n === 'content-type') out[n] = h.value;
    if (n === 'set-cookie') {
      const cookie = h.value.split('=')[0]!.trim();
      out['set-cookie'] = out['set-cookie'] ? `${out['set-cookie']}, ${cookie}` : cookie;
    }
  }
  return out;
}

/** A HAR file's entries as recorded calls (entries without a method or URL are dropped). */
export function callsFromHar(doc: unknown): { calls: RecordedCall[]; invalid: number } {
  const entries = ((doc as { log?: { entries?: unknown } } | undefined)?.log?.entries ?? []) as HarEntry[];
  if (!Array.isArray(entries)) throw new Error('not a HAR file (no log.entries array)');
  const calls: RecordedCall[] = [];
  let invalid = 0;
  for (const e of entries) {
    const method = String(e.request?.method ?? '').toUpperCase();
    const url = e.request?.url;
    if (!method || typeof url !== 'string') {
      invalid++;
      continue;
    }
    const status = typeof e.response?.status === 'number' ? e.response.status : undefined;
    const mime = e.response?.content?.mimeType ?? header(e.response?.headers, 'content-type');
    const accept = header(e.request?.headers, 'accept');
    const body = e.response?.content?.text;
    calls.push({
      method,
      url,
      ...(header(e.request?.headers, 'authorization') ? { authorizationHeader: true } : {}),
      ...(accept ? { requestAccept: accept } : {}),
      ...(typeof e.request?.postData?.text === 'string' ? { requestBody: e.request.postData.text, requestContentType: String(e.request.postData.mimeType ?? '') } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(typeof mime === 'string' ? { contentType: mime } : {}),
      ...(typeof body === 'string' && e.response?.content?.encoding !== 'base64' ? { responseBody: body } : {}),
      responseHeaders: learnableHeaders(e.response?.headers),
      ...(typeof e._resourceType === 'string' ? { resourceType: e._resourceType } : {}),
    });
  }
  return { calls, invalid };
}

export function routesFromHar(doc: unknown, origin?: string): { routes: Route[]; skipped: number } {
  const { calls, invalid } = callsFromHar(doc);
  const out = routesFromRecordedCalls(calls, { ...(origin ? { origin } : {}), source: 'har' });
  return { routes: out.routes, skipped: out.skipped + invalid };
}
