import { defineCheck, defineGatherer, type FindingDraft } from '../../engine/check.js';
import type { HttpExchange } from '../../net/http.js';
import { landingPagesGatherer } from '../domain-tls/landing.js';
import { detectEdges, type EdgeMatch, type EdgeObservation } from './cdn-fingerprints.js';

/**
 * Is a CDN/WAF in front of the product? Two kinds of evidence: the headers and cookies the landing page
 * comes with (most providers stamp every response), and behaviour — whether one request carrying
 * textbook attack markers in its query string is blocked where the plain request was served.
 */

/** Query parameters a WAF's core rules block (XSS, SQL injection, path traversal). Sent once, with GET, to the landing page. */
export const WAF_PROBE_QUERY = { q: '<script>alert(1)</script>', id: "1' OR '1'='1", file: '../../../../etc/passwd' };

/** Statuses WAFs answer a blocked request with. */
export const BLOCK_STATUSES: ReadonlySet<number> = new Set([403, 406, 429, 501, 503]);

export interface EdgeProbe {
  landing: HttpExchange;
  /** The attack-marker request; absent when the landing page did not answer. */
  wafProbe?: HttpExchange;
}

export const edgeProbeGatherer = defineGatherer<EdgeProbe>({
  id: 'edge/cdn-probe',
  async gather(ctx) {
    const pages = await ctx.gather(landingPagesGatherer);
    const landing = pages.landing;
    if (!landing.response) return { landing };
    const finalUrl = landing.redirects.length ? landing.redirects[landing.redirects.length - 1]!.location : landing.request.url;
    const url = new URL('/', finalUrl);
    for (const [k, v] of Object.entries(WAF_PROBE_QUERY)) url.searchParams.set(k, v);
    const wafProbe = await ctx.http.request({ url, area: 'edge', headers: { accept: 'text/html,*/*;q=0.8' }, maxBodyBytes: 64 * 1024 });
    return { landing, wafProbe };
  },
});

function observationOf(ex: HttpExchange | undefined): EdgeObservation | undefined {
  const r = ex?.response;
  if (!r) return undefined;
  return { status: r.status, headers: r.headers, setCookies: r.setCookies, body: r.text().slice(0, 64 * 1024) };
}

export interface EdgeVerdict {
  providers: EdgeMatch[];
  /** The attack-marker request was refused while the plain one was served. */
  wafBlocked: boolean;
  notes: string[];
}

/** Pure judgment of the probe (exported for table tests). */
export function assessEdge(probe: EdgeProbe): EdgeVerdict {
  const landing = observationOf(probe.landing);
  const attack = observationOf(probe.wafProbe);
  const merged = new Map<string, EdgeMatch>();
  for (const obs of [landing, attack]) {
    if (!obs) continue;
    for (const m of detectEdges(obs)) {
      const prev = merged.get(m.fingerprint.id);
      merged.set(m.fingerprint.id, prev ? { fingerprint: m.fingerprint, signals: [...new Set([...prev.signals, ...m.signals])] } : m);
    }
  }
  const notes: string[] = [];
  const wafBlocked = !!landing && landing.status < 400 && !!attack && BLOCK_STATUSES.has(attack.status);
  if (attack) notes.push(`attack-marker request (${Object.keys(WAF_PROBE_QUERY).join(', ')} in the query) → ${attack.status}${wafBlocked ? ' (blocked)' : ' (not blocked)'}`);
  else if (probe.wafProbe?.error) notes.push(`attack-marker request → no response (${probe.wafProbe.error.code}); a WAF may drop such connections`);
  return { providers: [...merged.values()], wafBlocked, notes };
}

export const cdnWaf = defineCheck({
  meta: {
    id: 'edge/cdn',
    area: 'edge',
    // A warning, not a failure: no CDN is not a vulnerability in itself. Medium because launch day is
    // when traffic spikes, scrapers and credential stuffing arrive, and the fix is an afternoon's work.
    severity: 'medium',
    title: 'A CDN/WAF is in front of the product',
    why: 'A CDN or WAF absorbs traffic spikes and denial-of-service floods, filters bots and textbook attacks, and hides the origin server — before any of it reaches your app.',
    breaks: 'Without one, a launch-day spike, a scraper or a small DDoS takes the origin down, and every credential-stuffing or injection attempt reaches the app unfiltered.',
    fix: 'Put the site behind a CDN with a WAF (Cloudflare, AWS CloudFront + AWS WAF managed rules, Fastly, Akamai, or your platform\'s edge such as Vercel/Netlify), then firewall the origin so it only accepts traffic from the CDN.',
    references: ['OWASP ASVS 1.14', 'OWASP API4:2023', 'https://owasp.org/www-project-modsecurity-core-rule-set/'],
    publicOnly: true,
  },
  requires: { probe: edgeProbeGatherer },
  run({ probe }, ctx) {
    const ex = probe.landing;
    const finalUrl = ex.redirects.length ? ex.redirects[ex.redirects.length - 1]!.location : ex.request.url;
    const location = { url: finalUrl };
    if (!ex.response) return [{ status: 'skip', location, reason: `the landing page did not answer (${ex.error?.code ?? 'no response'})` }];
    const verdict = assessEdge(probe);
    const evidence = {
      ...ctx.evidence.exchange(ex, { bodyLimit: 0 }),
      notes: [...verdict.providers.map((p) => `${p.fingerprint.name} (${p.fingerprint.kind}): ${p.signals.join('; ')}`), ...verdict.notes],
    };
    const out: FindingDraft[] = [];
    if (verdict.providers.length) {
      const names = verdict.providers.map((p) => p.fingerprint.name).join(', ');
      const hasWaf = verdict.wafBlocked || verdict.providers.some((p) => p.fingerprint.kind !== 'cdn');
      if (!hasWaf) evidence.notes.push('no WAF blocking was observed: consider enabling managed WAF rules at the edge (e.g. AWS WAF on CloudFront, Fastly Next-Gen WAF)');
      out.push({ status: 'pass', location, evidence: { ...evidence, notes: [`in front: ${names}`, ...evidence.notes] } });
      return out;
    }
    if (verdict.wafBlocked) {
      out.push({ status: 'pass', location, evidence: { ...evidence, notes: ['a WAF blocks attack-looking requests (vendor not recognised)', ...evidence.notes] } });
      return out;
    }
    out.push({ status: 'warn', title: 'No CDN or WAF detected in front of the site: the origin takes every request directly', location, evidence });
    return out;
  },
});
