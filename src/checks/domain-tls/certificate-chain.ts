import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { ISSUER_MISSING_ERRORS, TIME_ERRORS, type TlsInspection } from '../../net/tls/inspect.js';
import { tlsInspectionsGatherer } from '../../net/tls/gatherer.js';
import { tlsEvidence, tlsLocation, unreachableDraft } from './tls-common.js';

/** OpenSSL verification codes in words a founder can act on. */
const VERIFY_ERROR_WORDS: Record<string, string> = {
  CERT_SIGNATURE_FAILURE: 'a signature in the chain does not verify (the certificate was not issued by the certificate sent above it)',
  CERT_REVOKED: 'the certificate has been revoked by its CA',
  CERT_UNTRUSTED: 'the root is not trusted for this purpose',
  CERT_REJECTED: 'the root is marked to reject this purpose',
  INVALID_CA: 'a certificate used as a CA in the chain is not a CA certificate',
  INVALID_PURPOSE: 'a certificate in the chain is not valid for TLS server authentication (extendedKeyUsage)',
  PATH_LENGTH_EXCEEDED: 'the chain is longer than a CA allows (pathLenConstraint)',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: "the issuer's public key cannot be read",
  CA_KEY_TOO_SMALL: "a CA's key is too small",
  EE_KEY_TOO_SMALL: "the certificate's key is too small",
  CA_MD_TOO_WEAK: 'a certificate is signed with a digest that is too weak',
  HOSTNAME_MISMATCH: 'the certificate does not name this host',
};

const FULLCHAIN_FIX = (host: string): string =>
  `Serve the full chain — your certificate followed by the intermediate: nginx \`ssl_certificate /etc/letsencrypt/live/${host}/fullchain.pem;\` (fullchain.pem, not cert.pem); Apache 2.4.8+ \`SSLCertificateFile /etc/letsencrypt/live/${host}/fullchain.pem\`; on a load balancer or CDN upload the CA bundle / certificate chain your CA gave you with the certificate. Then \`openssl s_client -connect ${host}:443 -servername ${host} -showcerts </dev/null\` must list the intermediate.`;

const PUBLIC_CA_FIX = (host: string): string =>
  `Install a certificate from a publicly trusted CA: \`certbot --nginx -d ${host}\` (Let's Encrypt; or \`certbot certonly --webroot -w /var/www/html -d ${host}\`), Caddy does it automatically for \`${host} { … }\`, or let your host/CDN issue one. If this is a private CA on purpose, every client must install its root — pass it to launchready with --ca to test the rest.`;

function judge(i: TlsInspection): FindingDraft[] {
  const unreachable = unreachableDraft(i, true);
  if (unreachable) return [unreachable];
  const location = tlsLocation(i);
  const trust = i.trust!;
  const err = trust.error;
  if (trust.authorized || (err && TIME_ERRORS.includes(err))) {
    // Trusted by the verifier — but did it need an intermediate from the trust store instead of the server?
    const sent = new Set(i.chain.map((c) => c.fingerprint256));
    const borrowed = i.verifiedChain.filter((c) => !sent.has(c.fingerprint256) && !c.selfSigned);
    if (borrowed.length) {
      return [
        {
          status: 'fail',
          severity: 'high',
          title: `${i.host} does not send its intermediate certificate (${borrowed.map((b) => b.subject).join(', ')}): only clients that already have it connect`,
          location,
          evidence: tlsEvidence(i, [`completed from the local trust store, not sent by the server: ${borrowed.map((b) => b.subject).join(', ')}`], { wholeChain: true }),
          fix: FULLCHAIN_FIX(i.host),
          discriminator: 'incomplete-chain',
        },
      ];
    }
    const notes = err ? [`the chain leads to a trusted root; the validity window is judged by domain-tls/certificate-expiry (${err})`] : [];
    return [{ status: 'pass', location, evidence: tlsEvidence(i, notes, { wholeChain: true }) }];
  }
  if (err === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return [
      {
        status: 'fail',
        severity: 'critical',
        title: `${i.host} serves a self-signed certificate: every browser shows a full-page security warning`,
        location,
        evidence: tlsEvidence(i, [], { wholeChain: true }),
        fix: PUBLIC_CA_FIX(i.host),
        discriminator: 'self-signed',
      },
    ];
  }
  if (err === 'SELF_SIGNED_CERT_IN_CHAIN') {
    const root = i.chain[i.chain.length - 1];
    return [
      {
        status: 'fail',
        severity: 'critical',
        title: `${i.host}'s certificate chains to a root nobody trusts (${root?.subject ?? 'unknown root'})`,
        location,
        evidence: tlsEvidence(i, [], { wholeChain: true }),
        fix: PUBLIC_CA_FIX(i.host),
        discriminator: 'untrusted-root',
      },
    ];
  }
  if (err && ISSUER_MISSING_ERRORS.includes(err)) {
    const c = i.completion;
    const top = i.chain[i.chain.length - 1];
    const steps = (c?.steps ?? []).map((s) => `AIA ${s.url}: ${s.error ? `failed (${s.error})` : `downloaded ${s.subject}`}`);
    if (c?.reachesTrustedRoot && c.missing.length) {
      return [
        {
          status: 'fail',
          severity: 'high',
          title: `${i.host} sends an incomplete certificate chain: the intermediate ${c.missing.map((m) => m.subject).join(', ')} is missing`,
          location,
          evidence: tlsEvidence(i, [...steps, 'with the downloaded intermediate the chain reaches a trusted root: only the server configuration is wrong', 'browsers that fetch missing intermediates work; curl, mobile apps, API clients and webhooks fail'], { wholeChain: true }),
          fix: FULLCHAIN_FIX(i.host),
          discriminator: 'incomplete-chain',
        },
      ];
    }
    if (c?.reachesUntrustedRoot) {
      return [
        {
          status: 'fail',
          severity: 'critical',
          title: `${i.host}'s chain is incomplete and, completed, ends at a root nobody trusts`,
          location,
          evidence: tlsEvidence(i, steps, { wholeChain: true }),
          fix: `${PUBLIC_CA_FIX(i.host)} Also serve the full chain (fullchain.pem).`,
          discriminator: 'untrusted-root',
        },
      ];
    }
    return [
      {
        status: 'fail',
        severity: 'critical',
        title: `${i.host}'s certificate is issued by "${top?.issuer ?? 'an unknown CA'}", which no trusted root vouches for: an intermediate is missing or the CA is not trusted`,
        location,
        evidence: tlsEvidence(
          i,
          [
            ...steps,
            top?.caIssuers.length ? '' : 'the certificate names no AIA caIssuers URL, so the missing issuer could not be downloaded to tell which',
            `verification: ${err}`,
          ].filter(Boolean),
          { wholeChain: true },
        ),
        fix: `If the CA is public: ${FULLCHAIN_FIX(i.host)} If it is not: ${PUBLIC_CA_FIX(i.host)}`,
        discriminator: 'unknown-issuer',
      },
    ];
  }
  const words = (err && VERIFY_ERROR_WORDS[err]) ?? 'the chain does not verify';
  return [
    {
      status: 'fail',
      severity: 'critical',
      title: `${i.host}'s certificate chain is rejected: ${words} (${err ?? 'unknown error'})`,
      location,
      evidence: tlsEvidence(i, [], { wholeChain: true }),
      fix: `${PUBLIC_CA_FIX(i.host)} Reproduce with \`${i.reproduce}\` and read "Verify return code".`,
      discriminator: `verify-${err ?? 'unknown'}`,
    },
  ];
}

export const certificateChain = defineCheck({
  meta: {
    id: 'domain-tls/certificate-chain',
    area: 'domain-tls',
    severity: 'critical',
    title: 'HTTPS certificate chain validates',
    why: 'Browsers, mobile apps and API clients only talk to a server whose certificate chains to a root they trust, through intermediates the server sends itself.',
    breaks: 'With an untrusted or self-signed certificate every visitor gets a full-page warning; with a missing intermediate, curl, Android apps, payment and webhook callers fail while some desktop browsers still work.',
    fix: 'Serve a certificate from a publicly trusted CA with its full chain (fullchain.pem): `certbot --nginx -d example.com`, or Caddy / your CDN managing certificates.',
    references: ['RFC 5280 §6', 'OWASP ASVS 9.1.2', 'https://www.ssllabs.com/ssltest/'],
    publicOnly: true,
  },
  requires: { tls: tlsInspectionsGatherer },
  run({ tls }) {
    return tls.flatMap(judge);
  },
});
