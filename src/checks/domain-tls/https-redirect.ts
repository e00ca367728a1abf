import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { CheckContext } from '../../engine/context.js';
import { originUrl } from '../../domain/hosts.js';
import { firstHopOf, hopsText, redirectProbesGatherer, type HostRedirects } from './redirect-probes.js';

const PERMANENT = new Set([301, 308]);
const TEMPORARY = new Set([302, 303, 307]);

const redirectFix = (host: string): string =>
  `Redirect every plain-HTTP request to HTTPS on the same host in one permanent hop: nginx \`server { listen 80; server_name ${host}; return 301 https://$host$request_uri; }\`; Apache \`Redirect permanent / https://${host}/\`; Caddy does it by default for \`${host} { … }\`; Cloudflare "Always Use HTTPS"; AWS ALB listener rule "Redirect to HTTPS, 301".`;

function judge(p: HostRedirects, ctx: CheckContext): FindingDraft[] {
  const ex = p.http;
  const location = { domain: p.host, url: ex.request.url };
  const evidence = { ...ctx.evidence.exchange(ex, { bodyLimit: 200, headers: (n) => n === 'location' || n === 'content-type' || n === 'server' }), notes: hopsText(ex) };
  const first = firstHopOf(ex);
  if (!first) {
    const code = ex.error?.code ?? 'ERROR';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return [{ status: 'skip', location, reason: `${p.host} does not resolve (the DNS checks judge the name)` }];
    if (p.https.response || p.https.redirects.length)
      return [
        {
          status: 'warn',
          severity: 'low',
          title: `${p.host} does not answer plain HTTP (${code}): visitors who follow an http:// link get an error instead of the site`,
          location,
          evidence,
          fix: redirectFix(p.host),
          discriminator: 'no-http',
        },
      ];
    return [{ status: 'skip', location, evidence, reason: `${p.host} answers neither http:// nor https:// (${code}); the TLS checks report the HTTPS side` }];
  }
  const target = first.location ? new URL(first.location) : undefined;
  if (!target) {
    const servesContent = first.status < 300;
    return [
      {
        status: 'fail',
        severity: servesContent ? 'high' : 'medium',
        title: servesContent
          ? `${originUrl('http', p.host)} serves the site over plain HTTP (${first.status}) instead of redirecting to HTTPS`
          : `${originUrl('http', p.host)} answers ${first.status} instead of redirecting to HTTPS`,
        location,
        evidence,
        fix: redirectFix(p.host),
        discriminator: 'no-redirect',
      },
    ];
  }
  if (target.protocol !== 'https:') {
    return [
      {
        status: 'fail',
        severity: 'medium',
        title: `The first redirect of ${originUrl('http', p.host)} stays on plain HTTP (${first.status} → ${target.href}): HTTPS is reached in more than one hop, the first one interceptable`,
        location,
        evidence,
        fix: `${redirectFix(p.host)} Then redirect to the canonical host over HTTPS.`,
        discriminator: 'insecure-hop',
      },
    ];
  }
  if (!PERMANENT.has(first.status)) {
    return [
      {
        status: TEMPORARY.has(first.status) ? 'warn' : 'fail',
        severity: 'low',
        title: `${originUrl('http', p.host)} redirects to HTTPS with a ${TEMPORARY.has(first.status) ? 'temporary' : 'non-standard'} ${first.status}: browsers and search engines do not remember it`,
        location,
        evidence,
        fix: `Use a permanent redirect (301 or 308). ${redirectFix(p.host)}`,
        discriminator: 'temporary',
      },
    ];
  }
  const notes = [...(evidence.notes ?? [])];
  if (target.hostname !== p.host) notes.push(`redirects to another host (${target.hostname}) in the same hop; HSTS preload wants http://${p.host} → https://${p.host} first`);
  return [{ status: 'pass', location, evidence: { ...evidence, notes } }];
}

export const httpsRedirect = defineCheck({
  meta: {
    id: 'domain-tls/https-redirect',
    area: 'domain-tls',
    severity: 'high',
    title: 'Plain HTTP redirects to HTTPS in one permanent hop',
    why: 'People type the bare name and old links say http://; the first answer must send them to HTTPS before anything else, permanently (301/308), so the browser remembers.',
    breaks: 'Pages and session cookies served over HTTP can be read and changed by anyone on the network path (public Wi-Fi, a hostile ISP).',
    fix: 'Answer every http:// request with `301 https://<same host><same path>` (nginx `return 301 https://$host$request_uri;`).',
    references: ['OWASP ASVS 9.1.1', 'RFC 9110 §15.4.2', 'https://hstspreload.org/#submission-requirements'],
    publicOnly: true,
  },
  requires: { probes: redirectProbesGatherer },
  run({ probes }, ctx) {
    return probes.flatMap((p) => judge(p, ctx));
  },
});
