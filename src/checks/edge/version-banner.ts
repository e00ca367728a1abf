import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { authenticatedSamplesGatherer, publicPagesGatherer, type AuthenticatedSample } from '../../surface/pages.js';
import type { HttpExchange } from '../../net/http.js';
import { NotApplicable } from '../../engine/check.js';
import { defineGatherer } from '../../engine/check.js';

/** Headers that announce the stack; with a version number they tell an attacker which CVEs to try. */
const BANNERS: Array<{ header: string; versioned: RegExp | null }> = [
  { header: 'x-powered-by', versioned: null },
  { header: 'x-aspnet-version', versioned: null },
  { header: 'x-aspnetmvc-version', versioned: null },
  { header: 'x-runtime', versioned: null },
  { header: 'x-generator', versioned: null },
  { header: 'server', versioned: /\/\s*v?\d+(\.\d+)*|\b\d+\.\d+(\.\d+)?\b/ },
];

/** Every response the surface gatherers saw, without sending more traffic. */
const seenResponses = defineGatherer<HttpExchange[]>({
  id: 'surface/seen-responses',
  async gather(ctx) {
    const pages = await ctx.gather(publicPagesGatherer);
    let samples: AuthenticatedSample[] = [];
    try {
      samples = await ctx.gather(authenticatedSamplesGatherer);
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
    return [pages.landing, ...(pages.login ? [pages.login] : []), ...pages.others, ...samples.map((s) => s.exchange)];
  },
});

export const versionBanner = defineCheck({
  meta: {
    id: 'edge/version-banner',
    area: 'edge',
    severity: 'low',
    title: 'Responses do not announce the server stack and its version',
    why: 'Banners such as X-Powered-By or `Server: nginx/1.18.0` tell an attacker exactly which known vulnerabilities to try.',
    breaks: 'Nothing by itself, but it turns a scan for a known CVE into a one-request job.',
    fix: "Remove X-Powered-By (Express: `app.disable('x-powered-by')`; Next.js: `poweredByHeader: false`) and strip versions from `Server` (nginx: `server_tokens off`).",
    references: ['OWASP ASVS 14.3.3', 'CWE-200'],
  },
  requires: { responses: seenResponses },
  run({ responses }, ctx) {
    const out: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const ex of responses) {
      const h = ex.response?.headers;
      if (!h) continue;
      for (const b of BANNERS) {
        const v = h[b.header];
        if (!v || (b.versioned && !b.versioned.test(v))) continue;
        const key = `${b.header}:${v}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          status: 'fail',
          title: `\`${b.header}: ${v}\` announces the server stack`,
          location: { url: ctx.target.baseUrl?.href ?? ex.request.url, detail: b.header },
          discriminator: b.header,
          evidence: ctx.evidence.exchange(ex, { bodyLimit: 0, headers: (n) => n === b.header }),
        });
      }
    }
    return out;
  },
});
