import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (Node's built-in, memory-hard). The cost is modest so that a
 * demo start and a bounded brute-force probe stay fast on a small CI machine; a real deployment
 * would use N = 2^17 (OWASP's recommendation) and rely on the login throttle as well.
 */
const N = 4096;
const R = 8;
const P = 1;
const KEYLEN = 32;

function derive(password: string, salt: Buffer, n = N, r = R, p = P): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * Hashes of the seeded demo passwords, made once per process: every demo start seeds the same
 * four accounts, and re-deriving their hashes would dominate the start time.
 */
const seedHashes = new Map<string, Promise<string>>();
export function hashSeedPassword(password: string): Promise<string> {
  let h = seedHashes.get(password);
  if (!h) {
    h = hashPassword(password);
    seedHashes.set(password, h);
  }
  return h;
}

/**
 * A hash of a password nobody has: login runs verifyPassword against it for unknown emails so
 * that "no such account" and "wrong password" take the same time (no timing enumeration).
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

/** The most used passwords of public breach lists (top 25): refused on sign-up, change, reset and invite. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password', '123456', '12345678', '123456789', '1234567890', 'qwerty', 'qwerty123', 'abc123', 'password1', 'password123', '111111', '123123',
  'iloveyou', 'letmein', 'welcome', 'admin', 'admin123', 'monkey', 'dragon', 'football', 'sunshine', 'princess', 'passw0rd', '1q2w3e4r', '00000000',
]);

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
