import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { canonicalPairsOf, publicHostsOf } from '../../domain/hosts.js';
import type { HttpExchange } from '../../net/http.js';
import { endsInRedirect, finalUrlOf, hopsText, isTlsError, redirectProbesGatherer, type HostRedirects } from './redirect-probes.js';

/** The host a visitor ends on, when the exchange ended on a page (not an error, not a redirect). */
function landingHost(ex: HttpExchange): string | undefined {
  if (!ex.response || endsInRedirect(ex)) return undefined;
  return new URL(finalUrlOf(ex)).hostname.toLowerCase();
}

const canonicalFix = (keep: string, other: string): string =>
  `Pick one host and redirect the other to it permanently, keeping the path: nginx \`server { listen 80; listen 443 ssl; server_name ${other}; ssl_certificate …; return 301 https://${keep}$request_uri; }\`; Caddy \`${other} { redir https://${keep}{uri} permanent }\`; on Vercel/Netlify/Cloudflare Pages set ${keep} as the primary domain and ${other} to redirect to it.`;

export const canonicalHost = defineCheck({
  meta: {
    id: 'domain-tls/canonical-host',
    area: 'domain-tls',
    severity: 'medium',
    title: 'One canonical host: www and the apex both answer, and one redirects to the other',
    why: 'Two hosts serving the same site split cookies, sessions, analytics and search ranking, and double the origins CORS and CSP must allow.',
    breaks: 'Users logged in on one host appear logged out on the other; OAuth and payment callbacks registered for one host fail on the other; a name that does not answer loses every visitor who types it.',
    fix: 'Serve the site on one host (apex or www) and 301-redirect the other to it, over HTTP and HTTPS.',
    references: ['RFC 9110 §15.4.2', 'https://developers.google.com/search/docs/crawling-indexing/consolidate-duplicate-urls'],
    publicOnly: true,
  },
  requires: { probes: redirectProbesGatherer },
  run({ probes }, ctx) {
    const pairs = canonicalPairsOf(publicHostsOf(ctx.config, ctx.target));
    const byHost = new Map<string, HostRedirects>(probes.map((p) => [p.host, p]));
    const out: FindingDraft[] = [];
    if (pairs.length === 0) {
      const first = probes[0]?.host ?? '';
      return [{ status: 'skip', location: { domain: first }, reason: 'no apex/www pair among the hostnames (list both, e.g. domains: [example.com, www.example.com], or run `launchready domain example.com`)' }];
    }
    for (const { apex, www } of pairs) {
      const a = byHost.get(apex);
      const w = byHost.get(www);
      if (!a || !w) continue;
      const location = { domain: apex, detail: `${apex} / ${www}` };
      const evidence = { notes: [...hopsText(a.https), ...hopsText(a.http), ...hopsText(w.https), ...hopsText(w.http)] };
      const ends = (p: HostRedirects): string[] => [landingHost(p.https), landingHost(p.http)].filter((h): h is string => !!h);
      const apexEnds = ends(a);
      const wwwEnds = ends(w);
      if (apexEnds.length === 0 && wwwEnds.length === 0) {
        out.push({ status: 'skip', location, evidence, reason: `neither ${apex} nor ${www} served a page (the redirect and TLS checks say why)` });
        continue;
      }
      if (apexEnds.length === 0 || wwwEnds.length === 0) {
        const dead = apexEnds.length === 0 ? apex : www;
        const alive = dead === apex ? www : apex;
        const deadProbes = byHost.get(dead)!;
        const tlsCause = [deadProbes.https, deadProbes.http].map((ex) => ex.error?.code).find((code) => isTlsError(code));
        if (tlsCause) {
          out.push({ status: 'skip', location, evidence, reason: `${dead} could not be followed to a page because its HTTPS certificate is rejected (${tlsCause}); the certificate checks report it` });
          continue;
        }
        out.push({
          status: 'warn',
          severity: 'low',
          title: `${dead} does not serve the site or redirect to ${alive}: visitors who type it get an error`,
          location,
          evidence,
          fix: `Publish ${dead} in DNS (${dead === www ? `\`${www}. CNAME ${apex}.\`` : `an A/ALIAS record for ${apex}`}), serve HTTPS for it, and ${canonicalFix(alive, dead).charAt(0).toLowerCase()}${canonicalFix(alive, dead).slice(1)}`,
          discriminator: 'dead-name',
        });
        continue;
      }
      const all = new Set([...apexEnds, ...wwwEnds]);
      if (all.size === 1) {
        const canonical = [...all][0]!;
        out.push({ status: 'pass', location, evidence: { notes: [`canonical host: ${canonical}`, ...(evidence.notes ?? [])] } });
        continue;
      }
      const keep = apexEnds.includes(apex) && wwwEnds.includes(www) ? apex : [...all][0]!;
      const other = keep === apex ? www : apex;
      out.push({
        status: 'fail',
        title: `${[...all].join(' and ')} all serve the site: there is no single canonical host`,
        location,
        evidence,
        fix: canonicalFix(keep, other),
        discriminator: 'duplicate',
      });
    }
    return out;
  },
});
