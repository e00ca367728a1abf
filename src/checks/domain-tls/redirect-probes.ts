import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { HttpExchange } from '../../net/http.js';
import { originUrl, publicHostsOf } from '../../domain/hosts.js';

/** Redirects followed per probe: enough to see any sane chain end, few enough to stop a loop quickly. */
export const MAX_REDIRECTS = 10;

export interface HostRedirects {
  host: string;
  /** `http://host/` with redirects followed and recorded. */
  http: HttpExchange;
  /** `https://host/` with redirects followed and recorded. */
  https: HttpExchange;
}

/**
 * For every public host: what `http://host/` and `https://host/` do, hop by hop. Two requests plus at
 * most MAX_REDIRECTS hops each, through the run's HTTP layer (budget, rate, overrides, loopback guard).
 */
export const redirectProbesGatherer = defineGatherer<HostRedirects[]>({
  id: 'domain-tls/redirect-probes',
  async gather(ctx) {
    const hosts = publicHostsOf(ctx.config, ctx.target);
    if (hosts.length === 0) throw new NotApplicable('no hostname to probe: give a target URL or domains');
    const base = ctx.target.baseUrl;
    const out: HostRedirects[] = [];
    for (const h of hosts) {
      // A plain-http target with its own port (http://example.com:8080) is probed there; otherwise port 80.
      const httpUrl = h.source === 'target' && base?.protocol === 'http:' ? originUrl('http', h.host, base.port ? Number(base.port) : 80) : originUrl('http', h.host);
      const headers = { accept: 'text/html,*/*;q=0.8' };
      const http = await ctx.http.request({ url: httpUrl, followRedirects: MAX_REDIRECTS, area: 'domain-tls', headers, maxBodyBytes: 256 * 1024 });
      const https = await ctx.http.request({ url: originUrl('https', h.host, h.httpsPort), followRedirects: MAX_REDIRECTS, area: 'domain-tls', headers, maxBodyBytes: 256 * 1024 });
      out.push({ host: h.host, http, https });
    }
    return out;
  },
});

/** Where the exchange ended: the URL of the response that is not a redirect (or the last hop). */
export function finalUrlOf(ex: HttpExchange): string {
  return ex.redirects.length ? ex.redirects[ex.redirects.length - 1]!.location : ex.request.url;
}

/** The status and URL of the first response the client got. */
export function firstHopOf(ex: HttpExchange): { status: number; location?: string } | undefined {
  const hop = ex.redirects[0];
  if (hop) return { status: hop.status, location: hop.location };
  if (!ex.response) return undefined;
  const loc = ex.response.headers['location'];
  return { status: ex.response.status, ...(loc ? { location: new URL(loc, ex.request.url).href } : {}) };
}

/** The response is itself a redirect the client did not (or could not) follow further. */
export function endsInRedirect(ex: HttpExchange): boolean {
  const r = ex.response;
  return !!r && r.status >= 300 && r.status < 400 && !!r.headers['location'];
}

/** Errors that come from certificate verification: the TLS checks own them. */
export function isTlsError(code: string | undefined): boolean {
  return !!code && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME|DEPTH_ZERO/i.test(code);
}

export function hopsText(ex: HttpExchange): string[] {
  const lines = [`GET ${ex.request.url}`];
  for (const h of ex.redirects) lines.push(`  ${h.status} → ${h.location}`);
  if (ex.response) lines.push(`  ${ex.response.status}${endsInRedirect(ex) ? ` → ${ex.response.headers['location']} (not followed)` : ''}`);
  if (ex.error) lines.push(`  no response: ${ex.error.code} — ${ex.error.message}`);
  return lines;
}
