import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { TlsInspection } from '../../net/tls/inspect.js';
import { tlsInspectionsGatherer } from '../../net/tls/gatherer.js';
import { tlsEvidence, tlsLocation, unreachableDraft } from './tls-common.js';

function judge(i: TlsInspection): FindingDraft[] {
  const unreachable = unreachableDraft(i, false);
  if (unreachable) return [unreachable];
  const location = tlsLocation(i);
  if (i.hostname?.matches) return [{ status: 'pass', location, evidence: tlsEvidence(i) }];
  const leaf = i.chain[0];
  const names = leaf?.altNames.length ? leaf.altNames.join(', ') : `no subjectAltName (CN=${leaf?.commonName ?? '?'})`;
  return [
    {
      status: 'fail',
      title: `${i.host}'s certificate does not name ${i.host}: it is for ${names}`,
      location,
      evidence: tlsEvidence(i, [`hostname check: ${i.hostname?.error ?? 'no match'}`]),
      fix: `Serve a certificate whose subjectAltName lists ${i.host}: issue one that covers every name, e.g. \`certbot --nginx -d ${i.host}${i.host.startsWith('www.') ? ` -d ${i.host.slice(4)}` : ` -d www.${i.host}`}\` (or add ${i.host} to the certificate on your host/CDN), and make sure the server block for this name uses it (nginx \`server_name ${i.host};\` with its own \`ssl_certificate\`). A wildcard *.example.com covers one label only and never the apex.`,
    },
  ];
}

export const certificateHostname = defineCheck({
  meta: {
    id: 'domain-tls/certificate-hostname',
    area: 'domain-tls',
    severity: 'critical',
    title: 'HTTPS certificate names the host it is served for',
    why: 'A browser accepts a certificate only for the names in its subjectAltName list; the common name is ignored.',
    breaks: 'Visitors of a host the certificate does not list get a full-page "your connection is not private" warning, and API clients refuse to connect.',
    fix: 'Issue the certificate for every hostname you serve (apex, www, app …) and serve the right one per name (SNI).',
    references: ['RFC 6125 §6', 'RFC 2818 §3.1', 'OWASP ASVS 9.1.2'],
    publicOnly: true,
  },
  requires: { tls: tlsInspectionsGatherer },
  run({ tls }) {
    return tls.flatMap(judge);
  },
});
