import { createHash } from 'node:crypto';

/**
 * Deterministic job ids: every worker that plans the same probe slot (or audit tick) computes the
 * same id, and pg-boss inserts with ON CONFLICT DO NOTHING — so a slot is queued once however many
 * workers plan it. Format: a UUID (version nibble 8, "custom") over SHA-256 of the key.
 */
export function uuidFrom(key: string): string {
  const h = createHash('sha256').update(key, 'utf8').digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A probe's fixed phase within its interval, the same on every worker: spreads a fleet's probes evenly. */
export function phaseOf(probeId: string, intervalMs: number): number {
  const h = createHash('sha256').update(probeId, 'utf8').digest();
  return h.readUIntBE(0, 6) % Math.max(1, Math.round(intervalMs));
}

/** Slots (due times, ms) of a probe with `from < due <= to`. */
export function slotsBetween(phase: number, intervalMs: number, from: number, to: number, max = 1000): number[] {
  const out: number[] = [];
  let k = Math.floor((from - phase) / intervalMs) + 1;
  for (let due = k * intervalMs + phase; due <= to && out.length < max; due = ++k * intervalMs + phase) if (due > from) out.push(due);
  return out;
}

/** A 64-bit advisory-lock key (as a decimal string) for a name. */
export function lockKey(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest().readBigInt64BE(0).toString();
}
