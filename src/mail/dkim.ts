import { createPublicKey } from 'node:crypto';
import { parseTagList } from './taglist.js';

/** DKIM public key records (RFC 6376 §3.6.1, RFC 8463 for ed25519). Parsing never throws. */

export interface DkimKeyRecord {
  /** No syntax error and a usable (or deliberately revoked) key. */
  ok: boolean;
  errors: string[];
  warnings: string[];
  version?: string;
  /** k=, default rsa. */
  keyType: string;
  /** h=, when restricted. */
  hashes?: string[];
  /** s=, default ["*"]. */
  services: string[];
  /** t= flags. */
  flags: string[];
  /** t=y: the domain is testing DKIM; receivers must not treat failures differently from unsigned mail. */
  testing: boolean;
  /** p= present but empty: the key is revoked. */
  revoked: boolean;
  /** Key length in bits when the key could be decoded (RSA modulus; 256 for ed25519). */
  keyBits?: number;
  /** Base64 of the key (whitespace removed), for fingerprints — public data. */
  publicKey?: string;
}

/** A TXT record that looks like it was meant to be a DKIM key (and not, e.g., a wildcard's verification token). */
export function looksLikeDkimKey(text: string): boolean {
  return /^\s*v\s*=\s*DKIM1/i.test(text) || /(^|;)\s*p\s*=/.test(text) || /(^|;)\s*k\s*=\s*(rsa|ed25519)/i.test(text);
}

function rsaBits(der: Buffer): number | undefined {
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType === 'rsa') return key.asymmetricKeyDetails?.modulusLength;
    } catch {
      /* try the next encoding */
    }
  }
  return undefined;
}

export function parseDkimKey(input: unknown): DkimKeyRecord {
  const text = typeof input === 'string' ? input : '';
  const list = parseTagList(text);
  const rec: DkimKeyRecord = { ok: false, errors: [...list.errors], warnings: [], keyType: 'rsa', services: ['*'], flags: [], testing: false, revoked: false };
  const v = list.map.get('v');
  if (v !== undefined) {
    rec.version = v;
    if (v !== 'DKIM1') rec.errors.push(`v=${v}: the version must be exactly DKIM1`);
    if (list.tags[0]?.name !== 'v') rec.errors.push('v=DKIM1 must be the first tag');
  }
  const k = list.map.get('k');
  if (k !== undefined) {
    rec.keyType = k.toLowerCase();
    if (rec.keyType !== 'rsa' && rec.keyType !== 'ed25519') rec.errors.push(`k=${k}: unknown key type (rsa or ed25519)`);
  }
  const h = list.map.get('h');
  if (h !== undefined) {
    rec.hashes = h.split(':').map((x) => x.trim().toLowerCase()).filter(Boolean);
    if (!rec.hashes.includes('sha256')) rec.errors.push(`h=${h}: sha256 is not allowed, and sha1 must not be used for signing (RFC 8301)`);
  }
  const s = list.map.get('s');
  if (s !== undefined) {
    rec.services = s.split(':').map((x) => x.trim().toLowerCase()).filter(Boolean);
    if (!rec.services.includes('*') && !rec.services.includes('email')) rec.errors.push(`s=${s}: the key is not valid for email (s=* or s=email)`);
  }
  const t = list.map.get('t');
  if (t !== undefined) {
    rec.flags = t.split(':').map((x) => x.trim().toLowerCase()).filter(Boolean);
    rec.testing = rec.flags.includes('y');
  }
  const p = list.map.get('p');
  if (p === undefined) {
    rec.errors.push('p= (the public key) is missing');
  } else {
    const b64 = p.replace(/\s+/g, '');
    if (b64 === '') {
      rec.revoked = true;
    } else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 === 1) {
      rec.errors.push('p= is not valid base64');
    } else {
      rec.publicKey = b64;
      const der = Buffer.from(b64, 'base64');
      if (rec.keyType === 'ed25519') {
        if (der.length === 32) rec.keyBits = 256;
        else rec.errors.push(`p=: an ed25519 key is 32 bytes, this one is ${der.length}`);
      } else if (rec.keyType === 'rsa') {
        const bits = rsaBits(der);
        if (bits === undefined) rec.errors.push('p= does not decode to an RSA public key');
        else rec.keyBits = bits;
      }
    }
  }
  rec.ok = rec.errors.length === 0;
  return rec;
}
