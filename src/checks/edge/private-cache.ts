import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { authenticatedSamplesGatherer } from '../../surface/pages.js';

export interface CacheVerdict {
  cacheable: boolean;
  why: string;
}

/** Would a shared cache (CDN, proxy) store this response? RFC 9111 §3 and §5.2.2. */
export function sharedCacheability(headers: Record<string, string>): CacheVerdict {
  const cc = (headers['cache-control'] ?? '').toLowerCase();
  const directives = new Map<string, string>();
  for (const part of cc.split(',')) {
    const [k, v = ''] = part.trim().split('=');
    if (k) directives.set(k.trim(), v.trim().replace(/^"|"$/g, ''));
  }
  if (directives.has('no-store')) return { cacheable: false, why: 'no-store' };
  if (directives.has('private')) return { cacheable: false, why: 'private' };
  const sMaxAge = Number(directives.get('s-maxage') ?? NaN);
  const maxAge = Number(directives.get('max-age') ?? NaN);
  if (sMaxAge > 0) return { cacheable: true, why: `s-maxage=${sMaxAge}` };
  if (directives.has('public') && (maxAge > 0 || directives.has('s-maxage') === false))
    return { cacheable: !(maxAge === 0 || directives.has('no-cache')), why: `public${maxAge > 0 ? `, max-age=${maxAge}` : ''}` };
  // An authenticated request is only stored by a shared cache with public, s-maxage or must-revalidate (RFC 9111 §3.5).
  if (directives.has('must-revalidate') && maxAge > 0) return { cacheable: true, why: `must-revalidate, max-age=${maxAge}` };
  const cdnHit = /\bhit\b/i.test(headers['x-cache'] ?? '') || /^hit/i.test(headers['cf-cache-status'] ?? '') || Number(headers['age'] ?? 0) > 0;
  if (cdnHit) return { cacheable: true, why: `served from a cache (${headers['x-cache'] ?? headers['cf-cache-status'] ?? `Age: ${headers['age']}`})` };
  return { cacheable: false, why: cc ? cc : 'no Cache-Control' };
}

export const privateCache = defineCheck({
  meta: {
    id: 'edge/private-cache',
    area: 'edge',
    severity: 'high',
    title: 'Private responses are never cacheable by a CDN or proxy',
    why: "A logged-in response marked public can be stored by a CDN and served to the next visitor: one customer's invoices shown to another.",
    breaks: "Any visitor may receive another customer's private data from the cache, with no attack needed.",
    fix: 'Send `Cache-Control: no-store` (or at least `private`) on every authenticated API response; make sure the CDN does not override it.',
    references: ['OWASP API8:2023', 'RFC 9111 §3.5', 'CWE-524'],
  },
  requires: { samples: authenticatedSamplesGatherer },
  run({ samples }, ctx) {
    const out: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const s of samples) {
      const r = s.exchange.response;
      if (!r || r.status >= 300 || seen.has(s.route)) continue;
      const v = sharedCacheability(r.headers);
      if (!v.cacheable) continue;
      seen.add(s.route);
      out.push({
        status: 'fail',
        title: `${s.route} returns private data that shared caches may store (${v.why})`,
        location: { url: s.exchange.request.url, method: s.exchange.request.method },
        evidence: ctx.evidence.exchange(s.exchange, { bodyLimit: 200 }),
      });
    }
    return out;
  },
});
