/**
 * Just enough DER to read a certificate's outer signature algorithm, which Node 20's X509Certificate
 * does not expose. Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
 * Any malformed input yields undefined, never an exception.
 */

interface Tlv {
  tag: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset one past the last content byte. */
  end: number;
}

function readTlv(buf: Buffer, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = buf[offset]!;
  let len = buf[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > limit) return undefined;
  return { tag, start, end };
}

function decodeOid(buf: Buffer, tlv: Tlv): string | undefined {
  if (tlv.tag !== 0x06 || tlv.end <= tlv.start) return undefined;
  const first = buf[tlv.start]!;
  const parts: number[] = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let value = 0;
  for (let i = tlv.start + 1; i < tlv.end; i++) {
    const b = buf[i]!;
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

export interface SignatureAlgorithmOid {
  oid: string;
  /** For RSASSA-PSS: the OID of the hash in its parameters (SHA-1 when absent, RFC 4055). */
  pssHashOid?: string;
}

export const OID_SHA1 = '1.3.14.3.2.26';

export function readSignatureAlgorithm(der: Buffer): SignatureAlgorithmOid | undefined {
  const cert = readTlv(der, 0, der.length);
  if (!cert || cert.tag !== 0x30) return undefined;
  const tbs = readTlv(der, cert.start, cert.end);
  if (!tbs || tbs.tag !== 0x30) return undefined;
  const alg = readTlv(der, tbs.end, cert.end);
  if (!alg || alg.tag !== 0x30) return undefined;
  const oidTlv = readTlv(der, alg.start, alg.end);
  if (!oidTlv) return undefined;
  const oid = decodeOid(der, oidTlv);
  if (!oid) return undefined;
  if (oid !== '1.2.840.113549.1.1.10') return { oid };
  // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] EXPLICIT AlgorithmIdentifier DEFAULT sha1, … }
  const params = readTlv(der, oidTlv.end, alg.end);
  if (!params || params.tag !== 0x30) return { oid, pssHashOid: OID_SHA1 };
  const first = readTlv(der, params.start, params.end);
  if (!first || first.tag !== 0xa0) return { oid, pssHashOid: OID_SHA1 };
  const hashAlg = readTlv(der, first.start, first.end);
  const hashOid = hashAlg && hashAlg.tag === 0x30 ? readTlv(der, hashAlg.start, hashAlg.end) : undefined;
  return { oid, pssHashOid: (hashOid && decodeOid(der, hashOid)) ?? OID_SHA1 };
}
