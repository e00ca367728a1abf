import { generateKeyPairSync } from 'node:crypto';

/** Real DKIM public keys for test zones: RSA of a given size (SPKI, base64) and ed25519 (raw 32 bytes, base64). */
export function rsaKey(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

export function ed25519Key(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}
