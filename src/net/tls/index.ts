export { inspectTls, ISSUER_MISSING_ERRORS, TIME_ERRORS, type TlsInspection, type TlsProbeOptions, type VersionProbe, type VersionSupport, type ChainCompletion, type AiaStep } from './inspect.js';
export { handshake, TLS_VERSIONS, LEGACY_CIPHERS, type TlsVersion, type HandshakeOptions, type HandshakeResult } from './handshake.js';
export {
  describeCertificate,
  parseAltNames,
  splitPem,
  WEAK_SIGNATURE_HASHES,
  type CertificateInfo,
  type PublicKeyInfo,
  type SignatureInfo,
} from './certificate.js';
export { tlsInspectionsGatherer } from './gatherer.js';
