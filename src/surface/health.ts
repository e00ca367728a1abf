import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { HttpExchange } from '../net/http.js';

/** Where health endpoints usually live, tried in order when the config names none. */
export const HEALTH_PATHS = ['/healthz', '/health', '/api/health', '/api/healthz', '/status', '/_health', '/livez', '/readyz', '/ping'];

export interface HealthEvidence {
  /** The configured path, or undefined when launchready had to look for one. */
  configured?: string;
  /** Every attempt, in order; the last one is the answer used. */
  attempts: HttpExchange[];
  found?: HttpExchange;
}

function looksHealthy(ex: HttpExchange): boolean {
  const r = ex.response;
  if (!r || r.status < 200 || r.status >= 300) return false;
  const type = r.headers['content-type'] ?? '';
  // A SPA's catch-all HTML page answering 200 for every path is not a health endpoint.
  return !(type.includes('html') && /<html|<!doctype/i.test(r.text().slice(0, 500)));
}

export const healthEndpointGatherer = defineGatherer<HealthEvidence>({
  id: 'surface/health-endpoint',
  async gather(ctx) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL');
    const configured = ctx.config.endpoints['health'];
    const paths = configured ? [configured] : HEALTH_PATHS;
    const attempts: HttpExchange[] = [];
    for (const p of paths) {
      const ex = await ctx.http.request({ url: new URL(p, base), area: 'monitoring', headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.1' } });
      attempts.push(ex);
      if (looksHealthy(ex)) return { ...(configured ? { configured } : {}), attempts, found: ex };
      if (configured) break;
    }
    return { ...(configured ? { configured } : {}), attempts };
  },
});
