import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { TlsVersion } from '../../net/tls/handshake.js';
import type { TlsInspection } from '../../net/tls/inspect.js';
import { tlsInspectionsGatherer } from '../../net/tls/gatherer.js';
import { tlsEvidence, tlsLocation, unreachableDraft } from './tls-common.js';

const NAMES: Record<TlsVersion, string> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

const MODERN_FIX =
  'Accept only TLS 1.2 and 1.3: nginx `ssl_protocols TLSv1.2 TLSv1.3;`; Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3`; HAProxy `ssl-default-bind-options ssl-min-ver TLSv1.2`; Caddy `tls { protocols tls1.2 tls1.3 }` (its default); AWS ALB/CloudFront security policy `ELBSecurityPolicy-TLS13-1-2-2021-06` / `TLSv1.2_2021`; Cloudflare SSL/TLS → Edge Certificates → Minimum TLS Version 1.2.';

function summary(i: TlsInspection): string {
  return (Object.entries(i.versions) as Array<[TlsVersion, { support: string; detail?: string }]>)
    .map(([v, p]) => `${NAMES[v]}: ${p.support}${p.detail && p.support !== 'accepted' ? ` (${p.detail})` : ''}`)
    .join('; ');
}

function judge(i: TlsInspection): FindingDraft[] {
  const unreachable = unreachableDraft(i, false);
  if (unreachable) return [unreachable];
  const location = tlsLocation(i);
  const evidence = tlsEvidence(i, [`versions: ${summary(i)}`, `reproduce one version: openssl s_client -connect ${i.address}:${i.dialledPort}${i.servername ? ` -servername ${i.servername}` : ''} -tls1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null`]);
  const out: FindingDraft[] = [];
  const v = i.versions;
  const modern = v['TLSv1.2']?.support === 'accepted' || v['TLSv1.3']?.support === 'accepted' || i.protocol === 'TLSv1.2' || i.protocol === 'TLSv1.3';
  if (!modern) {
    out.push({
      status: 'fail',
      severity: 'critical',
      title: `${i.host} does not accept TLS 1.2 or 1.3 (best offered: ${i.protocol ?? 'none'}): current browsers refuse to connect`,
      location,
      evidence,
      fix: MODERN_FIX,
      discriminator: 'no-modern',
    });
  }
  for (const legacy of ['TLSv1', 'TLSv1.1'] as const) {
    const p = v[legacy];
    if (!p) continue;
    if (p.support === 'accepted') {
      out.push({
        status: 'fail',
        title: `${i.host} still accepts ${NAMES[legacy]} (deprecated by RFC 8996)`,
        location,
        evidence,
        fix: MODERN_FIX,
        discriminator: legacy,
      });
    } else if (p.support === 'untestable') {
      out.push({ status: 'skip', location, reason: `${NAMES[legacy]} could not be offered from this machine (${p.detail ?? 'OpenSSL refused'}), so whether ${i.host} accepts it is not known`, discriminator: legacy });
    } else if (p.support === 'unknown') {
      out.push({ status: 'error', location, evidence, reason: `the ${NAMES[legacy]} probe of ${i.host} got no answer (${p.detail ?? 'no detail'})`, discriminator: legacy });
    }
  }
  if (out.length === 0) {
    const notes = [v['TLSv1.3']?.support === 'accepted' ? 'TLS 1.3 supported' : 'TLS 1.3 not supported: enabling it (`ssl_protocols TLSv1.2 TLSv1.3;`) saves a round trip per new connection'];
    out.push({ status: 'pass', location, evidence: { ...evidence, notes: [...(evidence.notes ?? []), ...notes] } });
  }
  return out;
}

export const tlsVersions = defineCheck({
  meta: {
    id: 'domain-tls/tls-versions',
    area: 'domain-tls',
    severity: 'high',
    title: 'HTTPS accepts TLS 1.2 or newer and refuses TLS 1.0/1.1',
    why: 'TLS 1.0 and 1.1 rely on broken constructions (CBC padding oracles, SHA-1/MD5 handshakes) and are formally deprecated; PCI DSS and most security questionnaires forbid them.',
    breaks: 'An attacker on the network can force or exploit the old protocol; compliance reviews and enterprise customers fail the product; without TLS 1.2 modern browsers cannot connect at all.',
    fix: 'Set the server to TLS 1.2 and 1.3 only (nginx `ssl_protocols TLSv1.2 TLSv1.3;`).',
    references: ['RFC 8996', 'NIST SP 800-52r2 §3.1', 'OWASP ASVS 9.1.3', 'PCI DSS 4.0 4.2.1'],
    publicOnly: true,
  },
  requires: { tls: tlsInspectionsGatherer },
  run({ tls }) {
    return tls.flatMap(judge);
  },
});
