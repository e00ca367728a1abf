import { X509Certificate } from 'node:crypto';
import { readSignatureAlgorithm } from './der.js';

/** One certificate as evidence: what a founder (or their CA's support desk) needs to identify it. */
export interface CertificateInfo {
  /** One line, e.g. `CN=app.example.com, O=Example`. */
  subject: string;
  issuer: string;
  commonName?: string;
  /** DNS names and `IP:` addresses from subjectAltName, in order. */
  altNames: string[];
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  /** SHA-256 fingerprint, colon-separated hex, as browsers show it. */
  fingerprint256: string;
  key: PublicKeyInfo;
  signature: SignatureInfo;
  /** Subject equals issuer and the certificate verifies with its own key. */
  selfSigned: boolean;
  /** basicConstraints CA:TRUE. */
  isCA: boolean;
  /** AIA caIssuers URLs: where the issuer's certificate can be downloaded. */
  caIssuers: string[];
  pem: string;
}

export interface PublicKeyInfo {
  /** `rsa`, `rsa-pss`, `ec`, `ed25519`, `ed448`, `dsa`, … */
  type: string;
  /** RSA/DSA modulus length or EC field size, in bits. */
  bits?: number;
  /** EC curve name as OpenSSL spells it, e.g. `prime256v1`. */
  curve?: string;
}

export interface SignatureInfo {
  /** Readable name, e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA384`, `RSASSA-PSS (sha1)`. */
  algorithm: string;
  oid: string;
  /** The digest the signature uses: `md2`, `md5`, `sha1`, `sha256`, … or `intrinsic` for EdDSA. */
  hash?: string;
}

const SIGNATURE_OIDS: Record<string, { name: string; hash: string }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.3': { name: 'md4WithRSAEncryption', hash: 'md4' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSASignature (OIW)', hash: 'sha1' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.1': { name: 'dsa-with-SHA224', hash: 'sha224' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', hash: 'sha256' },
  '1.3.101.112': { name: 'Ed25519', hash: 'intrinsic' },
  '1.3.101.113': { name: 'Ed448', hash: 'intrinsic' },
};

const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '1.2.840.113549.2.5': 'md5',
};

/** Digests no CA may sign with any more (CA/Browser Forum BR 7.1.3; browsers reject them). */
export const WEAK_SIGNATURE_HASHES: readonly string[] = ['md2', 'md4', 'md5', 'sha1'];

export function signatureOf(der: Buffer): SignatureInfo {
  const read = readSignatureAlgorithm(der);
  if (!read) return { algorithm: 'unknown', oid: '' };
  if (read.pssHashOid !== undefined) {
    const hash = HASH_OIDS[read.pssHashOid] ?? read.pssHashOid;
    return { algorithm: `RSASSA-PSS (${hash})`, oid: read.oid, hash };
  }
  const known = SIGNATURE_OIDS[read.oid];
  return known ? { algorithm: known.name, oid: read.oid, hash: known.hash } : { algorithm: read.oid, oid: read.oid };
}

function curveBits(curve: string | undefined): number | undefined {
  if (!curve) return undefined;
  if (curve === 'prime256v1') return 256;
  const m = /(\d{3})/.exec(curve);
  return m ? Number(m[1]) : undefined;
}

export function keyOf(x: X509Certificate): PublicKeyInfo {
  const key = x.publicKey;
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss' || type === 'dsa') return { type, ...(details.modulusLength ? { bits: details.modulusLength } : {}) };
  if (type === 'ec') {
    const bits = curveBits(details.namedCurve);
    return { type, ...(details.namedCurve ? { curve: details.namedCurve } : {}), ...(bits ? { bits } : {}) };
  }
  if (type === 'ed25519') return { type, bits: 256 };
  if (type === 'ed448') return { type, bits: 456 };
  return { type };
}

function oneLine(dn: string): string {
  return dn
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(', ');
}

function commonNameOf(dn: string): string | undefined {
  for (const line of dn.split('\n')) if (line.startsWith('CN=')) return line.slice(3);
  return undefined;
}

/** subjectAltName as Node prints it: `DNS:a.example, IP Address:1.2.3.4, …` (values with commas are quoted). */
export function parseAltNames(san: string | undefined): string[] {
  if (!san) return [];
  const out: string[] = [];
  for (const raw of san.split(/,\s*(?=(?:DNS|IP Address|email|URI|DirName|othername|Registered ID):)/)) {
    const entry = raw.trim();
    if (entry.startsWith('DNS:')) out.push(entry.slice(4).replace(/^"|"$/g, ''));
    else if (entry.startsWith('IP Address:')) out.push(`IP:${entry.slice(11)}`);
  }
  return out;
}

function caIssuersOf(infoAccess: string | undefined): string[] {
  if (!infoAccess) return [];
  const out: string[] = [];
  for (const line of infoAccess.split('\n')) {
    const m = /^CA Issuers - URI:(\S+)/.exec(line.trim());
    if (m) out.push(m[1]!);
  }
  return out;
}

function isoOf(date: string): string {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? date : d.toISOString();
}

export function isSelfSigned(x: X509Certificate): boolean {
  if (x.subject !== x.issuer) return false;
  try {
    return x.verify(x.publicKey);
  } catch {
    return false;
  }
}

/** `issuer` signed `child`: the names chain and the signature verifies. */
export function issued(issuer: X509Certificate, child: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function describeCertificate(cert: X509Certificate | Buffer | string): CertificateInfo {
  const x = cert instanceof X509Certificate ? cert : new X509Certificate(cert);
  const cn = commonNameOf(x.subject);
  return {
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    ...(cn ? { commonName: cn } : {}),
    altNames: parseAltNames(x.subjectAltName),
    notBefore: isoOf(x.validFrom),
    notAfter: isoOf(x.validTo),
    serialNumber: x.serialNumber,
    fingerprint256: x.fingerprint256,
    key: keyOf(x),
    signature: signatureOf(x.raw),
    selfSigned: isSelfSigned(x),
    isCA: x.ca,
    caIssuers: caIssuersOf(x.infoAccess),
    pem: x.toString(),
  };
}

/** Split a PEM bundle into its certificates (ignores anything else in the file). */
export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** A certificate downloaded from an AIA URL: DER (the norm) or PEM. PKCS#7 bundles are not read. */
export function parseDownloadedCertificate(body: Buffer): X509Certificate | undefined {
  try {
    const text = body.subarray(0, 64).toString('latin1');
    if (text.includes('-----BEGIN CERTIFICATE-----')) {
      const first = splitPem(body.toString('utf8'))[0];
      return first ? new X509Certificate(first) : undefined;
    }
    return new X509Certificate(body);
  } catch {
    return undefined;
  }
}
