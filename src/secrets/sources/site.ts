import { NotApplicable, defineGatherer } from '../../engine/check.js';
import type { HttpClient } from '../../net/http.js';
import { defaultEngine, type SecretEngine } from '../engine.js';
import type { LocatedHit } from '../types.js';
import { scanSourceMap, sourceMappingUrl } from './bundles.js';

export interface SiteScanResult {
  hits: LocatedHit[];
  page: string;
  scripts: string[];
  maps: string[];
  bytes: number;
  /** URLs that could not be fetched, with why (for the report; never fatal). */
  errors: string[];
}

export interface SiteScanLimits {
  maxScripts: number;
  maxBodyBytes: number;
  /** HTML pages visited (the landing page and same-origin links from it, two levels deep). */
  maxPages: number;
}

const DEFAULT_LIMITS: SiteScanLimits = { maxScripts: 40, maxBodyBytes: 20 * 1024 * 1024, maxPages: 12 };

/** Links worth following to find the scripts a site loads: same-origin pages, never actions or data. */
export function pageLinks(html: string, base: URL): string[] {
  const out = new Set<string>();
  const re = /<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>#]+)/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html)) !== null) {
    try {
      const u = new URL(m[1]!, base);
      if (u.origin !== base.origin) continue;
      if (/logout|sign-?out|delete|remove|\/api\/|\.(csv|json|xml|pdf|zip|png|jpe?g|gif|svg|css|js|map|txt|ico)$/i.test(u.pathname)) continue;
      u.hash = '';
      out.add(u.href);
    } catch {
      /* malformed URL: skip */
    }
  }
  return [...out];
}

/** Script URLs a page loads: `<script src>`, and module preloads. */
export function scriptUrls(html: string, base: URL): string[] {
  const out = new Set<string>();
  const re = /<script\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)|<link\b[^>]*?\brel\s*=\s*["']?(?:modulepreload|preload)["']?[^>]*?\bhref\s*=\s*["']?([^"'\s>]+\.m?js[^"'\s>]*)/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html)) !== null) {
    try {
      out.add(new URL((m[1] ?? m[2])!, base).href);
    } catch {
      /* malformed URL: skip */
    }
  }
  return [...out];
}

/**
 * What the deployed site serves to every visitor: the landing page (inline scripts and framework data
 * such as `__NEXT_DATA__` included), each same-origin script it loads, and each script's source map
 * (from `sourceMappingURL`, a `SourceMap` header, or `<script>.map`). Bounded in count and bytes; all
 * traffic goes through the run's HTTP client (budget, rate, loopback guard).
 */
export async function scanSite(http: HttpClient, baseUrl: URL, engine: SecretEngine = defaultEngine(), limits: SiteScanLimits = DEFAULT_LIMITS): Promise<SiteScanResult> {
  const result: SiteScanResult = { hits: [], page: baseUrl.href, scripts: [], maps: [], bytes: 0, errors: [] };
  const fetchText = async (url: string): Promise<{ text: string; headers: Record<string, string>; finalUrl: string } | undefined> => {
    // api.exclude binds the crawler too: an excluded page or script is not fetched.
    if (!http.allows(url)) {
      result.errors.push(`${url}: not fetched (excluded by api.exclude)`);
      return undefined;
    }
    const ex = await http.request({ method: 'GET', url, area: 'secrets', maxBodyBytes: limits.maxBodyBytes, followRedirects: 3 });
    if (!ex.response) {
      result.errors.push(`${url}: ${ex.error?.message ?? 'no response'}`);
      return undefined;
    }
    if (ex.response.status >= 400) return undefined;
    result.bytes += ex.response.body.length;
    const last = ex.redirects.length ? (ex.redirects[ex.redirects.length - 1]?.location ?? url) : url;
    return { text: ex.response.body.toString('latin1'), headers: ex.response.headers, finalUrl: new URL(last, url).href };
  };
  const scanAs = (text: string, url: string, via?: string): void => {
    const path = new URL(url).pathname;
    for (const h of engine.scan(text, path).hits) result.hits.push({ ...h, origin: { kind: 'site', path, url, ...(via ? { via } : {}) } });
  };

  const page = await fetchText(baseUrl.href);
  if (!page) throw new Error(`the landing page ${baseUrl.href} could not be fetched: ${result.errors[0] ?? 'HTTP error status'}`);
  const origin = new URL(page.finalUrl).origin;
  // The landing page and the pages it links to (login, reset …) load the scripts worth reading.
  const visited = new Set<string>([baseUrl.href, page.finalUrl]);
  const scriptSet = new Set<string>();
  let frontier: Array<{ text: string; url: string }> = [{ text: page.text, url: page.finalUrl }];
  for (let depth = 0; depth <= 2 && frontier.length; depth++) {
    const next: Array<{ text: string; url: string }> = [];
    for (const p of frontier) {
      scanAs(p.text, p.url);
      for (const s of scriptUrls(p.text, new URL(p.url))) if (new URL(s).origin === origin) scriptSet.add(s);
      if (depth === 2) continue;
      for (const link of pageLinks(p.text, new URL(p.url))) {
        if (visited.has(link) || visited.size >= limits.maxPages) continue;
        visited.add(link);
        const got = await fetchText(link);
        if (got && !visited.has(got.finalUrl + '#seen') && /<html|<!doctype/i.test(got.text.slice(0, 1000))) {
          visited.add(got.finalUrl + '#seen');
          next.push({ text: got.text, url: got.finalUrl });
        }
      }
    }
    frontier = next;
  }
  const scripts = [...scriptSet].slice(0, limits.maxScripts);
  for (const script of scripts) {
    const js = await fetchText(script);
    if (!js) continue;
    result.scripts.push(script);
    scanAs(js.text, script);
    const ref = js.headers['sourcemap'] ?? js.headers['x-sourcemap'] ?? sourceMappingUrl(js.text);
    let mapText: string | undefined;
    let mapUrl: string | undefined;
    if (ref?.startsWith('data:')) {
      const b64 = /;base64,(.*)$/.exec(ref)?.[1];
      if (b64) {
        mapText = Buffer.from(b64, 'base64').toString('utf8');
        mapUrl = script;
      }
    } else {
      mapUrl = new URL(ref ?? `${new URL(script).pathname}.map`, script).href;
      if (new URL(mapUrl).origin !== origin) mapUrl = undefined;
      const fetched = mapUrl ? await fetchText(mapUrl) : undefined;
      if (fetched && /^\s*\{/.test(fetched.text)) mapText = fetched.text;
    }
    if (mapText && mapUrl) {
      result.maps.push(mapUrl);
      const mapPath = new URL(mapUrl).pathname;
      const scanned = scanSourceMap(mapText, { kind: 'site', path: mapPath, url: mapUrl, via: mapPath }, engine);
      result.hits.push(...scanned.hits);
    }
  }
  return result;
}

/** The deployed site, when the run has a target URL. */
export const siteScanGatherer = defineGatherer<SiteScanResult>({
  id: 'secrets/site-scan',
  async gather(ctx) {
    if (!ctx.target.baseUrl) throw new NotApplicable('no target URL: the deployed site was not scanned');
    return scanSite(ctx.http, ctx.target.baseUrl);
  },
});
