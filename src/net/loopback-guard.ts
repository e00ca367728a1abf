import { isIP } from 'node:net';

/**
 * The loopback guard: with LAUNCHREADY_LOOPBACK_ONLY=1 (tests, the demo, benchmarks) every socket
 * launchready opens — HTTP, DNS, TLS, SMTP, Chromium — must go to 127.0.0.0/8 or ::1. It is enforced
 * where sockets are opened, after name resolution, so a redirect, a remote $ref or a CNAME can never
 * leave the machine.
 */
export const LOOPBACK_ENV = 'LAUNCHREADY_LOOPBACK_ONLY';

let forced: boolean | undefined;

/** Tests and the demo switch the guard on in-process; the environment variable does it for child processes. */
export function setLoopbackOnly(on: boolean | undefined): void {
  forced = on;
}

export function loopbackOnly(): boolean {
  if (forced !== undefined) return forced;
  const v = process.env[LOOPBACK_ENV];
  return v === '1' || v === 'true';
}

export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(a);
  if (family === 4) return a.startsWith('127.');
  if (family === 6) {
    if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

export class LoopbackViolation extends Error {
  constructor(public readonly destination: string) {
    super(`refused to connect to ${destination}: the loopback guard (${LOOPBACK_ENV}=1) only allows 127.0.0.0/8 and ::1`);
    this.name = 'LoopbackViolation';
  }
}

/**
 * Throws when the guard is on and `hostOrAddress` is not a loopback address. A host name is allowed
 * only if it is `localhost`; every other name must be checked again after resolution.
 */
export function assertLoopbackAllowed(hostOrAddress: string): void {
  if (!loopbackOnly()) return;
  const h = hostOrAddress.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || isLoopbackAddress(h)) return;
  throw new LoopbackViolation(hostOrAddress);
}
