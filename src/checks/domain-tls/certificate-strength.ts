import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { WEAK_SIGNATURE_HASHES, type CertificateInfo } from '../../net/tls/certificate.js';
import type { TlsInspection } from '../../net/tls/inspect.js';
import { tlsInspectionsGatherer } from '../../net/tls/gatherer.js';
import { tlsEvidence, tlsLocation, unreachableDraft } from './tls-common.js';

/** Minimum key sizes (NIST SP 800-57, CA/Browser Forum BR 6.1.5). */
export const MIN_RSA_BITS = 2048;
export const MIN_EC_BITS = 256;

export interface StrengthProblem {
  kind: 'key' | 'signature';
  severity: 'critical' | 'high';
  what: string;
}

/** What is wrong with one certificate's key or signature; empty when nothing. */
export function strengthProblems(c: CertificateInfo, isTrustAnchor: boolean): StrengthProblem[] {
  const out: StrengthProblem[] = [];
  const { type, bits } = c.key;
  if ((type === 'rsa' || type === 'rsa-pss' || type === 'dsa') && bits !== undefined && bits < MIN_RSA_BITS)
    out.push({ kind: 'key', severity: 'high', what: `a ${bits}-bit ${type.toUpperCase()} key (minimum ${MIN_RSA_BITS})` });
  if (type === 'ec' && bits !== undefined && bits < MIN_EC_BITS) out.push({ kind: 'key', severity: 'high', what: `a ${bits}-bit EC key on ${c.key.curve ?? 'an unknown curve'} (minimum ${MIN_EC_BITS})` });
  // A root's own signature is never checked by clients (it is trusted by identity), so only judge the others.
  if (!isTrustAnchor && c.signature.hash && WEAK_SIGNATURE_HASHES.includes(c.signature.hash))
    out.push({ kind: 'signature', severity: 'critical', what: `a ${c.signature.hash.toUpperCase()} signature (${c.signature.algorithm})` });
  return out;
}

function judge(i: TlsInspection): FindingDraft[] {
  const unreachable = unreachableDraft(i, false);
  if (unreachable) return [unreachable];
  const location = tlsLocation(i);
  const out: FindingDraft[] = [];
  i.chain.forEach((c, n) => {
    const anchor = n > 0 && c.selfSigned;
    for (const p of strengthProblems(c, anchor)) {
      const who = n === 0 ? `${i.host}'s certificate` : `the ${anchor ? 'root' : 'intermediate'} ${c.subject} sent by ${i.host}`;
      out.push({
        status: 'fail',
        severity: p.severity,
        title: `${who} uses ${p.what}`,
        location,
        evidence: tlsEvidence(i, [], { wholeChain: n > 0 }),
        fix:
          p.kind === 'key'
            ? `Reissue the certificate with a ${MIN_RSA_BITS}-bit (or larger) RSA key or an ECDSA P-256 key: \`certbot --nginx -d ${i.host} --key-type ecdsa\` (or \`--rsa-key-size 2048\`), or \`openssl req -new -newkey rsa:2048 …\` for a CSR; then install it and reload the server.`
            : `Reissue the certificate signed with SHA-256: every public CA does by default — \`certbot --nginx -d ${i.host} --force-renewal\`; for a private CA sign with \`openssl ca -md sha256\` / \`openssl x509 -req -sha256\`. If an intermediate is SHA-1, download the current chain from your CA.`,
        discriminator: `${p.kind}:${n === 0 ? 'leaf' : c.fingerprint256}`,
      });
    }
  });
  if (out.length === 0) out.push({ status: 'pass', location, evidence: tlsEvidence(i, [], { wholeChain: true }) });
  return out;
}

export const certificateStrength = defineCheck({
  meta: {
    id: 'domain-tls/certificate-strength',
    area: 'domain-tls',
    severity: 'high',
    title: 'HTTPS certificate uses a strong key and signature (RSA ≥ 2048, EC ≥ 256, no SHA-1)',
    why: 'A short key can be factored and a SHA-1 signature forged (SHAttered, 2017): the certificate then proves nothing. Browsers and OpenSSL 3 reject SHA-1-signed certificates outright.',
    breaks: 'Clients refuse the connection (SHA-1, RSA < 2048 on current Debian/Ubuntu OpenSSL), or an attacker can impersonate the site.',
    fix: 'Reissue the certificate with an RSA 2048+ or ECDSA P-256 key, signed with SHA-256 (`certbot --key-type ecdsa`).',
    references: ['CA/Browser Forum BR 6.1.5 and 7.1.3', 'NIST SP 800-57 Part 1', 'OWASP ASVS 9.1.2'],
    publicOnly: true,
  },
  requires: { tls: tlsInspectionsGatherer },
  run({ tls }) {
    return tls.flatMap(judge);
  },
});
