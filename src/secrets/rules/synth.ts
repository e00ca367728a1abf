import { base62, crc32 } from '../validators.js';

/**
 * Key-shaped example values are built at run time from templates such as `ghp_{{gh}}` or
 * `AKIA{{B32:16}}`, so no string that looks like a live credential is ever committed (push
 * protection and launchready's own scan of this repository stay quiet). Deterministic per seed.
 *
 * Template kinds: hex, HEX, a62 (mixed alphanumerics), lower (a-z0-9), upper (A-Z0-9), alpha (letters),
 * B32 (A-Z2-7), b64 (A-Za-z0-9+/), b64u (A-Za-z0-9_-), dig (digits); `{{gh}}` a 36-character
 * GitHub/npm body with a valid CRC32 checksum, `{{ghbad}}` one with a wrong checksum,
 * `{{jwt:JSON}}` a JWT whose payload is JSON, `{{b64json:JSON}}` base64 of JSON, `{{raw:TEXT}}`.
 */
const ALPHABETS: Record<string, string> = {
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  a62: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  lower: 'abcdefghijklmnopqrstuvwxyz0123456789',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  B32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  b64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  b64u: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  dig: '0123456789',
  b32: 'abcdefghijklmnopqrstuvwxyz234567',
  BECH: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
};

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomString(rand: () => number, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rand() * alphabet.length)]!;
  return out;
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

export function makeSynth(seed = 1): (template: string) => string {
  const rand = prng(seed);
  const expand = (template: string): string =>
    template.replace(/\{\{(\w+)(?::((?:[^{}]|\{[^{}]*\})*))?\}\}/g, (_all, kind: string, arg: string | undefined) => {
      const alphabet = ALPHABETS[kind];
      if (alphabet) return randomString(rand, alphabet, Number(arg ?? 32));
      switch (kind) {
        case 'gh': {
          const body = randomString(rand, ALPHABETS.a62!, 30);
          return body + base62(crc32(body), 6);
        }
        case 'ghbad':
          return randomString(rand, ALPHABETS.a62!, 36);
        case 'jwt': {
          const header = b64url('{"alg":"HS256","typ":"JWT"}');
          return `${header}.${b64url(expand(arg ?? '{}'))}.${randomString(rand, ALPHABETS.b64u!, 43)}`;
        }
        case 'b64json':
          return Buffer.from(expand(arg ?? '{}')).toString('base64');
        case 'raw':
          return arg ?? '';
        default:
          throw new Error(`unknown synth kind ${kind}`);
      }
    });
  return expand;
}

/** PEM and OpenSSH bodies: random base64 behind a correct DER / openssh-key-v1 header. */
export function synthPrivateKey(rand: () => number, label: string, opts: { encrypted?: boolean; escapedNewlines?: boolean } = {}): string {
  let der: Buffer;
  if (label === 'OPENSSH PRIVATE KEY') {
    const cipher = opts.encrypted ? 'aes256-ctr' : 'none';
    const head = Buffer.concat([Buffer.from('openssh-key-v1\0', 'latin1'), Buffer.alloc(4), Buffer.from(cipher)]);
    head.writeUInt32BE(cipher.length, 15);
    der = Buffer.concat([head, Buffer.from(randomString(rand, ALPHABETS.a62!, 300))]);
  } else {
    der = Buffer.concat([Buffer.from([0x30, 0x82, 0x04, 0xa4]), Buffer.from(randomString(rand, ALPHABETS.a62!, 600))]);
  }
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  const nl = opts.escapedNewlines ? '\\n' : '\n';
  const proc = opts.encrypted && label === 'RSA PRIVATE KEY' ? `Proc-Type: 4,ENCRYPTED${nl}DEK-Info: AES-128-CBC,${randomString(rand, ALPHABETS.HEX!, 32)}${nl}${nl}` : '';
  return `-----BEGIN ${label}-----${nl}${proc}${lines.join(nl)}${nl}-----END ${label}-----`;
}
