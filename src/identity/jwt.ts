import { createHmac, timingSafeEqual } from 'node:crypto';
import { weakSecretCandidates } from './weak-jwt-secrets.js';

/** A decoded (not verified) JSON Web Token. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: string;
  /** `header.payload` exactly as received (what the signature covers). */
  signingInput: string;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$/;

function parsePart(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const t = token.trim();
  if (!JWT_SHAPE.test(t)) return undefined;
  const [h = '', p = '', s = ''] = t.split('.');
  const header = parsePart(h);
  const payload = parsePart(p);
  if (!header || !payload || typeof header['alg'] !== 'string') return undefined;
  return { header, payload, signature: s, signingInput: `${h}.${p}` };
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

const HMAC_ALGS: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export function isHmacAlg(alg: unknown): alg is 'HS256' | 'HS384' | 'HS512' {
  return typeof alg === 'string' && alg in HMAC_ALGS;
}

export function signHmacJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string): string {
  const alg = isHmacAlg(header['alg']) ? header['alg'] : 'HS256';
  const input = `${b64({ ...header, alg })}.${b64(payload)}`;
  return `${input}.${createHmac(HMAC_ALGS[alg]!, secret).update(input).digest('base64url')}`;
}

/** The same token with its signature removed (`header.payload.`). */
export function stripSignature(jwt: DecodedJwt): string {
  return `${jwt.signingInput}.`;
}

/** An unsigned token: header `alg: none`, the same claims, an empty signature. */
export function algNone(jwt: DecodedJwt): string {
  return `${b64({ ...jwt.header, alg: 'none' })}.${b64(jwt.payload)}.`;
}

/**
 * The payload changed, the original signature kept: a server that verifies signatures refuses it.
 * The change is harmless on purpose (an extra claim and a shifted `iat`), so accepting it proves only
 * that the signature is not checked — no other account is touched.
 */
export function tamperedPayload(jwt: DecodedJwt): string {
  const payload: Record<string, unknown> = { ...jwt.payload, launchready_tampered: true };
  if (typeof payload['iat'] === 'number') payload['iat'] = (payload['iat'] as number) - 1;
  const [h] = jwt.signingInput.split('.');
  return `${h}.${b64(payload)}.${jwt.signature}`;
}

/** Whether `secret` produced this token's HMAC signature. */
export function hmacMatches(jwt: DecodedJwt, secret: string): boolean {
  const algo = HMAC_ALGS[String(jwt.header['alg'])];
  if (!algo || !jwt.signature) return false;
  const expected = createHmac(algo, secret).update(jwt.signingInput).digest();
  const got = Buffer.from(jwt.signature, 'base64url');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** The dictionary (kept as data in weak-jwt-secrets.ts, with case variants); kept exported for callers. */
export const WEAK_JWT_SECRETS: readonly string[] = weakSecretCandidates();

/** The dictionary secret that signed this token, or undefined. Pure CPU: no request is sent. */
export function crackHmacSecret(jwt: DecodedJwt, appNames: readonly string[] = []): string | undefined {
  if (!isHmacAlg(jwt.header['alg'])) return undefined;
  const candidates = appNames.length ? weakSecretCandidates(appNames) : WEAK_JWT_SECRETS;
  for (const s of candidates) if (s && hmacMatches(jwt, s)) return s;
  return undefined;
}
