import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { corsProbeGatherer } from '../../surface/cors-probe.js';

export const corsPolicy = defineCheck({
  meta: {
    id: 'cors-csrf/cors-policy',
    area: 'cors-csrf',
    severity: 'high',
    title: 'CORS only trusts your own origins',
    why: 'CORS decides which other websites may read responses from your API in a logged-in browser. Reflecting any Origin with credentials lets every website read your users\' data.',
    breaks: "A page on any site a customer visits can silently read their invoices, profile and tokens from your API.",
    fix: 'Allow an explicit list of your own origins (never echo the Origin header, never allow `null`), and only send `Access-Control-Allow-Credentials: true` for those.',
    references: ['OWASP API8:2023', 'CWE-942', 'https://portswigger.net/web-security/cors'],
  },
  requires: { cors: corsProbeGatherer },
  run({ cors }, ctx) {
    const trusted = new Set(ctx.config.trustedOrigins.map((o) => o.replace(/\/$/, '').toLowerCase()));
    const out: FindingDraft[] = [];
    for (const a of cors.attempts) {
      const h = a.exchange.response?.headers;
      if (!h) continue;
      const acao = h['access-control-allow-origin']?.trim();
      const acac = h['access-control-allow-credentials']?.trim().toLowerCase() === 'true';
      if (!acao || trusted.has(acao.toLowerCase())) continue;
      const loc = { url: cors.url, method: a.exchange.request.method, detail: `Origin: ${a.origin}` };
      const evidence = ctx.evidence.exchange(a.exchange, { bodyLimit: 200, headers: (n) => n.startsWith('access-control-') || n === 'vary' });
      if (acao === a.origin && a.kind !== 'preflight') {
        const label = a.kind === 'null-origin' ? 'the `null` origin (sandboxed iframes, local files)' : a.kind === 'suffix-origin' ? `a look-alike origin (${a.origin})` : `any origin (${a.origin})`;
        out.push({
          status: 'fail',
          severity: acac ? 'high' : 'low',
          title: acac ? `The API trusts ${label} with credentials: any such page can read logged-in responses` : `The API reflects ${label} in Access-Control-Allow-Origin (without credentials)`,
          location: loc,
          discriminator: a.kind,
          evidence,
        });
      } else if (acao === a.origin && a.kind === 'preflight') {
        out.push({ status: 'fail', severity: acac ? 'high' : 'low', title: `Preflight from ${a.origin} is allowed${acac ? ' with credentials' : ''}: foreign sites may send authenticated writes`, location: loc, discriminator: 'preflight', evidence });
      } else if (acao === '*' && a.credentialed && (a.exchange.response?.status ?? 500) < 300 && a.kind === 'foreign-origin') {
        out.push({ status: 'fail', severity: 'medium', title: 'An authenticated API response allows any origin (`Access-Control-Allow-Origin: *`)', location: loc, discriminator: 'wildcard', evidence });
      }
    }
    return out;
  },
});
