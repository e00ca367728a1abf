/** Structure checks shared by rules: checksums, encodings, JWT claims, PEM bodies, entropy. */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let out = '';
  let v = n;
  while (v > 0) {
    out = BASE62[v % 62]! + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub (and npm) tokens end in 6 base62 characters: the CRC32 of the random part before them.
 * A mismatch means a made-up or truncated token.
 */
export function hasValidBase62Checksum(token: string, prefixLength: number): boolean {
  const body = token.slice(prefixLength, -6);
  const check = token.slice(-6);
  return body.length > 0 && base62(crc32(body), 6) === check;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  const counts = new Uint32Array(256);
  for (let i = 0; i < n; i++) counts[value.charCodeAt(i) & 0xff]!++;
  let h = 0;
  for (let c = 0; c < 256; c++) {
    const k = counts[c]!;
    if (k === 0) continue;
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

export function decodeBase64Url(part: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_\-+/]*={0,2}$/.test(part)) return undefined;
  try {
    return Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  } catch {
    return undefined;
  }
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(decodeBase64Url(parts[0]!)?.toString('utf8') ?? '') as unknown;
    const payload = JSON.parse(decodeBase64Url(parts[1]!)?.toString('utf8') ?? '') as unknown;
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return undefined;
    return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

export interface PemInfo {
  label: string;
  encrypted: boolean;
  /** The body decodes as base64 and starts like DER (or the OpenSSH / PGP container). */
  wellFormed: boolean;
  bodyLength: number;
}

/** Parses a PEM (or OpenSSH) private key block; JSON-escaped newlines (`\n`) are accepted. */
export function parsePrivateKeyBlock(block: string): PemInfo | undefined {
  const text = block.replace(/\\r/g, '').replace(/\\n/g, '\n');
  const m = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const label = m[1]!;
  const inner = m[2]!;
  const headerEncrypted = /Proc-Type:\s*4,ENCRYPTED/i.test(inner);
  const body = inner
    .split('\n')
    .filter((l) => !/^[A-Za-z-]+:/.test(l.trim()))
    .join('')
    .replace(/[\s"'+,]/g, '');
  const der = /^[A-Za-z0-9+/=]+$/.test(body) ? Buffer.from(body, 'base64') : undefined;
  let encrypted = headerEncrypted || label.startsWith('ENCRYPTED');
  let wellFormed = false;
  if (der && der.length >= 32) {
    if (label === 'OPENSSH PRIVATE KEY') {
      const magic = 'openssh-key-v1\0';
      wellFormed = der.subarray(0, magic.length).toString('latin1') === magic;
      if (wellFormed) {
        const len = der.readUInt32BE(magic.length);
        const cipher = der.subarray(magic.length + 4, magic.length + 4 + len).toString('latin1');
        encrypted = cipher !== 'none';
      }
    } else if (label.startsWith('PGP')) {
      wellFormed = true;
    } else {
      wellFormed = der[0] === 0x30;
    }
  }
  return { label, encrypted, wellFormed, bodyLength: body.length };
}

/** AWS access key ids: 4-letter type prefix then 16 base32 characters. */
export function isAwsKeyIdShape(id: string): boolean {
  return /^(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}$/.test(id);
}

const PLACEHOLDER_SYMBOLS = /\*\*\*|\.\.\.|<|>|\$\{|\{\{|%\(|%s\b/;
/** Words that start a placeholder token (`YOUR_API_KEY`, `exampleToken`, `sk_live_yourkeyhere`). */
const PLACEHOLDER_PREFIXES = ['example', 'sample', 'dummy', 'fake', 'placeholder', 'changeme', 'replace', 'your', 'insert', 'redacted', 'notreal', 'lorem', 'foobar', 'mock', 'xxx', 'demo'];
const PLACEHOLDER_TOKENS = new Set(['here', 'todo', 'tbd', 'change', 'me', 'test', 'key', 'token', 'secret', 'my', 'api', 'not', 'real', 'a']);
const SEQUENCES = ['0123456789', 'abcdefghij', 'qwertyuiop', 'abcdef0123', '1234567890'];

/** Letter runs split at non-letters and at lower→upper case changes, lower-cased. */
function letterTokens(value: string): string[] {
  return value
    .split(/[^A-Za-z]+|(?<=[a-z])(?=[A-Z])/)
    .filter((t) => t.length > 0)
    .map((t) => t.toLowerCase());
}

/**
 * True when the value is obviously not a real credential: a placeholder word, a template reference,
 * very few distinct characters, a long run of one character, or a keyboard/alphabet sequence.
 * Word checks look at whole letter tokens so random key material rarely trips them by chance.
 */
export function looksLikePlaceholder(value: string, opts: { allowLowVariety?: boolean } = {}): boolean {
  if (PLACEHOLDER_SYMBOLS.test(value)) return true;
  // Long key material (PEM bodies, JWTs) contains every short word somewhere by chance.
  const tokens = value.length > 100 ? [] : letterTokens(value);
  if (tokens.some((t) => PLACEHOLDER_PREFIXES.some((p) => t.startsWith(p)))) return true;
  // A value made only of placeholder tokens and separators: `your-token-here`, `change_me`.
  if (tokens.length >= 2 && tokens.filter((t) => PLACEHOLDER_TOKENS.has(t)).length >= 2 && !/\d/.test(value)) return true;
  const lower = value.toLowerCase();
  for (const s of SEQUENCES) if (lower.includes(s)) return true;
  if (opts.allowLowVariety) return false;
  const seen = new Uint8Array(256);
  let distinct = 0;
  for (let i = 0; i < value.length && distinct < 6; i++) {
    const c = value.charCodeAt(i) & 0xff;
    if (!seen[c]) {
      seen[c] = 1;
      distinct++;
    }
  }
  if (value.length >= 12 && distinct < 6) return true;
  if (/(.)\1{5,}/.test(value)) return true;
  return false;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** md5, sha1, sha224, sha256, sha384, sha512 hex digests. */
export function looksLikeHexDigest(value: string): boolean {
  return /^[0-9a-f]+$/i.test(value) && [32, 40, 56, 64, 96, 128].includes(value.length);
}

export function charClasses(value: string): number {
  return (/[a-z]/.test(value) ? 1 : 0) + (/[A-Z]/.test(value) ? 1 : 0) + (/[0-9]/.test(value) ? 1 : 0) + (/[^A-Za-z0-9]/.test(value) ? 1 : 0);
}
