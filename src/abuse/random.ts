import { createHash } from 'node:crypto';

/**
 * Seeded randomness: the same `--seed` sends the same requests (payload choices, throw-away
 * identifiers), so a finding can be reproduced by running again.
 */
export type Rng = () => number;

/** mulberry32: small, fast, good enough to pick payloads. */
export function seededRng(seed: number, salt = ''): Rng {
  let a = (seed ^ hash32(salt)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hash32(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0);
}

export function pick<T>(rng: Rng, list: readonly T[]): T | undefined {
  return list.length ? list[Math.floor(rng() * list.length)] : undefined;
}

/** A short run marker (`lr` + 6 base-36 characters) that names everything the tool creates. */
export function abuseMarker(seed: number): string {
  return `lr${createHash('sha256').update(`launchready-abuse:${seed}`).digest('hex').slice(0, 6)}`;
}

/** An address from TEST-NET-3 (RFC 5737), never routable: a client-chosen X-Forwarded-For value. */
export function documentationIp(rng: Rng): string {
  return `203.0.113.${1 + Math.floor(rng() * 254)}`;
}
