import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { landingPagesGatherer } from './landing.js';

const SIX_MONTHS = 15_552_000;
const ONE_YEAR = 31_536_000;

export interface HstsPolicy {
  maxAge?: number;
  includeSubDomains: boolean;
  preload: boolean;
}

export function parseHsts(value: string): HstsPolicy {
  const p: HstsPolicy = { includeSubDomains: false, preload: false };
  for (const part of value.split(';')) {
    const [k = '', v] = part.trim().split('=');
    const key = k.trim().toLowerCase();
    if (key === 'max-age' && v !== undefined && /^"?\d+"?$/.test(v.trim())) p.maxAge = Number(v.trim().replace(/"/g, ''));
    else if (key === 'includesubdomains') p.includeSubDomains = true;
    else if (key === 'preload') p.preload = true;
  }
  return p;
}

/** hstspreload.org's header requirements (the HTTP→HTTPS redirect and apex requirements are judged elsewhere). */
export function preloadNote(p: HstsPolicy): string {
  const missing = [
    ...((p.maxAge ?? 0) >= ONE_YEAR ? [] : [`max-age ≥ ${ONE_YEAR}`]),
    ...(p.includeSubDomains ? [] : ['includeSubDomains']),
    ...(p.preload ? [] : ['preload']),
  ];
  return missing.length === 0
    ? 'the header meets the preload list requirements (submit the apex at https://hstspreload.org once every subdomain serves HTTPS)'
    : `not preload-eligible (optional): the header lacks ${missing.join(', ')}`;
}

export const hsts = defineCheck({
  meta: {
    id: 'domain-tls/hsts',
    area: 'domain-tls',
    severity: 'medium',
    title: 'HTTPS is enforced by HSTS',
    why: 'Strict-Transport-Security tells browsers to never talk plain HTTP to your domain again, so a hostile Wi-Fi cannot downgrade the login page.',
    breaks: 'Without it the first request of each visit can be intercepted and the session cookie stolen (SSL stripping).',
    fix: 'Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response (add `preload` once every subdomain serves HTTPS).',
    references: ['RFC 6797', 'OWASP ASVS 9.1.1'],
    publicOnly: true,
  },
  requires: { pages: landingPagesGatherer },
  run({ pages }, ctx) {
    const ex = pages.landing;
    const finalUrl = ex.redirects.length ? ex.redirects[ex.redirects.length - 1]!.location : ex.request.url;
    const loc = { url: finalUrl };
    const evidence = ctx.evidence.exchange(ex, { bodyLimit: 0, headers: (n) => n === 'strict-transport-security' || n === 'location' });
    if (!finalUrl.startsWith('https:')) {
      return [{ status: 'skip', location: loc, reason: 'the landing page is not served over HTTPS (the HTTPS redirect check covers this)' }];
    }
    const value = ex.response?.headers['strict-transport-security'];
    if (!value) return [{ status: 'fail', title: 'No Strict-Transport-Security header on the HTTPS landing page', location: loc, evidence }];
    const p = parseHsts(value);
    const out: FindingDraft[] = [];
    if (p.maxAge === undefined) out.push({ status: 'fail', title: `HSTS header has no valid max-age ("${value}")`, location: loc, evidence });
    else if (p.maxAge === 0)
      out.push({ status: 'fail', title: 'HSTS max-age=0 tells browsers to forget HTTPS-only for this host', location: loc, evidence, discriminator: 'max-age' });
    else if (p.maxAge < SIX_MONTHS)
      out.push({ status: 'fail', severity: 'low', title: `HSTS max-age is ${p.maxAge} s, under six months (${SIX_MONTHS} s)`, location: loc, evidence, discriminator: 'max-age' });
    if (!p.includeSubDomains)
      out.push({ status: 'warn', severity: 'low', title: 'HSTS does not cover subdomains (no includeSubDomains)', location: loc, evidence, discriminator: 'subdomains' });
    if (out.length === 0) out.push({ status: 'pass', location: loc, evidence: { ...evidence, notes: [preloadNote(p)] } });
    return out;
  },
});
