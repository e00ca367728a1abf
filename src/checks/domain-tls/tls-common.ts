import type { FindingDraft } from '../../engine/check.js';
import type { Evidence, Location } from '../../model/finding.js';
import type { CertificateInfo } from '../../net/tls/certificate.js';
import type { TlsInspection } from '../../net/tls/inspect.js';
import { originUrl } from '../../domain/hosts.js';

/** Shared by the TLS checks: where a finding is, and the certificate facts that prove it. */

export const DAY_MS = 86_400_000;

export function tlsLocation(i: TlsInspection): Location {
  return { domain: i.host, url: originUrl('https', i.host, i.port) };
}

export function describeCert(c: CertificateInfo, label: string): string[] {
  return [
    `${label}: ${c.subject}`,
    `  issuer: ${c.issuer}`,
    ...(c.altNames.length ? [`  names (SAN): ${c.altNames.join(', ')}`] : []),
    `  valid: ${c.notBefore} → ${c.notAfter}`,
    `  key: ${c.key.type}${c.key.bits ? ` ${c.key.bits} bits` : ''}${c.key.curve ? ` (${c.key.curve})` : ''}; signature: ${c.signature.algorithm}`,
    `  SHA-256 fingerprint: ${c.fingerprint256}`,
  ];
}

/** Subject, issuer, SANs, validity, fingerprint, protocol, cipher and where the connection went. */
export function tlsEvidence(i: TlsInspection, extra: string[] = [], opts: { wholeChain?: boolean } = {}): Evidence {
  const notes: string[] = [];
  notes.push(`connected to ${i.address ?? '?'}:${i.dialledPort}${i.via ? ` (${i.via})` : ''}${i.servername ? `, SNI ${i.servername}` : ''}`);
  if (i.protocol) notes.push(`protocol: ${i.protocol}, cipher: ${i.cipher ?? 'unknown'}`);
  const chain = opts.wholeChain ? i.chain : i.chain.slice(0, 1);
  chain.forEach((c, n) => notes.push(...describeCert(c, n === 0 ? 'certificate' : `chain[${n}]`)));
  if (!opts.wholeChain && i.chain.length > 1) notes.push(`chain sent: ${i.chain.map((c) => c.subject).join(' ← ')}`);
  if (i.trust) notes.push(`verification (${i.trust.store === 'system+ca' ? 'system roots + --ca' : 'system roots'}): ${i.trust.authorized ? 'trusted' : (i.trust.error ?? 'not trusted')}`);
  notes.push(...extra);
  return { notes, reproduce: i.reproduce };
}

/** True when the host was reached and a handshake completed; otherwise the draft that says why not. */
export function unreachableDraft(i: TlsInspection, owner: boolean): FindingDraft | undefined {
  if (i.outcome === 'ok') return undefined;
  const location = tlsLocation(i);
  const evidence: Evidence = { notes: [`${i.outcome}: ${i.error?.code ?? ''} ${i.error?.message ?? ''}`.trim()], reproduce: i.reproduce };
  const see = 'see domain-tls/certificate-chain';
  switch (i.outcome) {
    case 'no-address':
      return { status: 'skip', location, evidence, reason: `${i.host} has no address (A/AAAA), so there is no HTTPS to inspect; the DNS checks judge the name` };
    case 'dns-error':
      return { status: 'error', location, evidence, reason: `${i.host} could not be resolved: ${i.error?.message ?? 'DNS error'}` };
    case 'timeout':
    case 'unreachable':
      return owner
        ? { status: 'error', location, evidence, reason: `no TLS connection to ${i.host}:${i.port}: ${i.error?.message ?? i.outcome}` }
        : { status: 'skip', location, reason: `no TLS connection to ${i.host}:${i.port} (${see})` };
    case 'refused':
      return owner
        ? {
            status: 'fail',
            severity: 'high',
            title: `${i.host} does not serve HTTPS: port ${i.port} refuses connections`,
            location,
            evidence,
            fix: `Serve HTTPS for ${i.host} on port ${i.port}: with Caddy list the name as a site (automatic certificates); with nginx add \`listen 443 ssl;\` and \`ssl_certificate\`/\`ssl_certificate_key\` to its server block; or remove the name from DNS if it is not meant to be used.`,
            discriminator: 'unreachable',
          }
        : { status: 'skip', location, reason: `${i.host}:${i.port} refuses connections (${see})` };
    case 'handshake-failed':
      return owner
        ? {
            status: 'fail',
            severity: 'critical',
            title: `The TLS handshake with ${i.host} fails (${i.error?.code ?? 'error'})`,
            location,
            evidence,
            fix: `Make ${i.host}:${i.port} complete a TLS 1.2/1.3 handshake for the name ${i.host}: the server block for this name needs a certificate (nginx \`server_name ${i.host};\` with \`ssl_certificate\`), and \`ssl_protocols TLSv1.2 TLSv1.3;\` with the default cipher list. Reproduce with \`${i.reproduce}\`.`,
            discriminator: 'handshake',
          }
        : { status: 'skip', location, reason: `the TLS handshake with ${i.host} fails (${see})` };
    default:
      return { status: 'error', location, reason: `unexpected inspection outcome ${String(i.outcome)}` };
  }
}

export function daysBetween(from: Date, to: string): number {
  return Math.floor((Date.parse(to) - from.getTime()) / DAY_MS);
}

export function isoDay(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z').replace('T', ' ');
}
