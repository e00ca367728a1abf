import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { HttpExchange } from '../../net/http.js';
import { publicPagesGatherer } from '../../surface/pages.js';
import type { Severity } from '../../model/severity.js';

/** What each header must say, as data: a missing or weak header is one finding. */
interface HeaderRule {
  name: string;
  severity: Severity;
  /** Returns a problem, or undefined when the response is fine. */
  judge(headers: Record<string, string>): string | undefined;
  fix: string;
}

function cspDirectives(csp: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of csp.split(';')) {
    const [name, ...rest] = part.trim().split(/\s+/);
    if (name) m.set(name.toLowerCase(), rest.join(' '));
  }
  return m;
}

export const HEADER_RULES: HeaderRule[] = [
  {
    name: 'content-security-policy',
    severity: 'medium',
    judge: (h) => {
      const csp = h['content-security-policy'];
      if (!csp) return h['content-security-policy-report-only'] ? 'only a report-only Content-Security-Policy is set: it blocks nothing' : 'no Content-Security-Policy header';
      const d = cspDirectives(csp);
      const scripts = d.get('script-src') ?? d.get('default-src');
      if (scripts === undefined) return 'the Content-Security-Policy sets neither script-src nor default-src, so scripts are unrestricted';
      if (/(^|\s)(\*|https?:|'unsafe-inline')(\s|$)/.test(scripts) && !/'nonce-|'sha(256|384|512)-|'strict-dynamic'/.test(scripts))
        return `the Content-Security-Policy allows any script (${scripts.includes("'unsafe-inline'") ? "'unsafe-inline'" : 'a wildcard source'} without nonces or hashes)`;
      return undefined;
    },
    fix: "Send `Content-Security-Policy: default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'` and widen it only for the origins you really load from.",
  },
  {
    name: 'x-content-type-options',
    severity: 'low',
    judge: (h) => (h['x-content-type-options']?.toLowerCase().trim() === 'nosniff' ? undefined : 'no `X-Content-Type-Options: nosniff`: browsers may guess content types and run uploaded files as scripts'),
    fix: 'Send `X-Content-Type-Options: nosniff` on every response.',
  },
  {
    name: 'frame-ancestors',
    severity: 'medium',
    judge: (h) => {
      const fa = cspDirectives(h['content-security-policy'] ?? '').get('frame-ancestors');
      if (fa !== undefined) return /(^|\s)(\*|https?:)(\s|$)/.test(fa) ? `frame-ancestors allows any site to frame the page (${fa})` : undefined;
      const xfo = h['x-frame-options']?.toUpperCase().trim();
      if (xfo === 'DENY' || xfo === 'SAMEORIGIN') return undefined;
      return 'neither `Content-Security-Policy: frame-ancestors` nor `X-Frame-Options` is set: any site can frame the app (clickjacking)';
    },
    fix: "Add `frame-ancestors 'none'` (or 'self') to the Content-Security-Policy; for old browsers also send `X-Frame-Options: DENY`.",
  },
  {
    name: 'referrer-policy',
    severity: 'low',
    judge: (h) => {
      const rp = h['referrer-policy']?.toLowerCase();
      if (!rp) return 'no Referrer-Policy header: full URLs (with ids and tokens in them) leak to other sites in the Referer header';
      const last = rp.split(',').map((s) => s.trim()).pop() ?? '';
      return last === 'unsafe-url' || last === 'no-referrer-when-downgrade' ? `Referrer-Policy "${last}" sends full URLs to other sites` : undefined;
    },
    fix: 'Send `Referrer-Policy: strict-origin-when-cross-origin` (or `no-referrer`).',
  },
];

function judgePage(ex: HttpExchange, label: string): FindingDraft[] {
  const r = ex.response;
  if (!r) return [];
  const out: FindingDraft[] = [];
  for (const rule of HEADER_RULES) {
    const problem = rule.judge(r.headers);
    if (!problem) continue;
    out.push({
      status: 'fail',
      severity: rule.severity,
      title: `${label}: ${problem}`,
      location: { url: ex.request.url, method: ex.request.method, detail: rule.name },
      discriminator: rule.name,
      fix: rule.fix,
    });
  }
  return out;
}

export const securityHeaders = defineCheck({
  meta: {
    id: 'edge/security-headers',
    area: 'edge',
    severity: 'medium',
    title: 'Browser security headers are set',
    why: 'Security headers are the browser-side seat belts: they stop injected scripts from running, other sites from framing your pages and browsers from guessing file types.',
    breaks: 'Without them one XSS bug becomes account takeover, and a hostile page can frame your app to trick users into clicks (clickjacking).',
    fix: "Set Content-Security-Policy (with frame-ancestors), X-Content-Type-Options: nosniff and Referrer-Policy on every HTML response, in the framework's middleware or at the edge.",
    references: ['OWASP ASVS 14.4', 'https://owasp.org/www-project-secure-headers/'],
  },
  requires: { pages: publicPagesGatherer },
  run({ pages }, ctx) {
    const out = judgePage(pages.landing, 'Landing page');
    if (pages.login?.response) out.push(...judgePage(pages.login, 'Login page'));
    for (const f of out) {
      const ex = f.location.url === pages.login?.request.url ? pages.login! : pages.landing;
      f.evidence = ctx.evidence.exchange(ex, { bodyLimit: 0 });
    }
    return out;
  },
});
