/**
 * Login throttling per client address, with backoff — never a lock on the account. A lock per
 * account name would let anyone who can reach the sign-in form lock the admin out by typing wrong
 * passwords; per address, the guesser only slows down themselves.
 *
 * Each address gets `freeFailures` wrong attempts; every failure after that locks the address for
 * `baseDelayMs × 2^(extra failures − 1)`, capped at `maxDelayMs`. While an address is locked every
 * attempt from it (right password or not) gets 429 with Retry-After — otherwise a guess that happens
 * to be right would still get through. A successful sign-in clears its address. An address's count
 * is forgotten `windowMs` after its last failure. Memory is bounded: the oldest addresses are dropped
 * beyond `maxKeys`.
 */
export interface ThrottlePolicy {
  /** Wrong attempts per address before the backoff starts (default 5). */
  freeFailures: number;
  /** First lock, ms (default 2 s); each further failure doubles it. */
  baseDelayMs: number;
  /** Longest lock, ms (default 15 min). */
  maxDelayMs: number;
  /** An address's failures are forgotten this long after its last one, ms (default 1 h). */
  windowMs: number;
  maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { freeFailures: 5, baseDelayMs: 2000, maxDelayMs: 15 * 60_000, windowMs: 60 * 60_000, maxKeys: 10_000 };

interface Bucket {
  failures: number;
  last: number;
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  private bucket(address: string): Bucket | undefined {
    const b = this.buckets.get(address);
    if (b && this.now() - b.last >= this.policy.windowMs && this.now() >= b.lockedUntil) {
      this.buckets.delete(address);
      return undefined;
    }
    return b;
  }

  /** Seconds this address must wait; undefined when the attempt may proceed. */
  blocked(address: string): number | undefined {
    const b = this.bucket(address);
    if (!b || b.lockedUntil <= this.now()) return undefined;
    return Math.max(1, Math.ceil((b.lockedUntil - this.now()) / 1000));
  }

  failed(address: string): void {
    const now = this.now();
    let b = this.bucket(address);
    if (!b) {
      if (this.buckets.size >= this.policy.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { failures: 0, last: now, lockedUntil: 0 };
      this.buckets.set(address, b);
    }
    b.failures += 1;
    b.last = now;
    const extra = b.failures - this.policy.freeFailures;
    if (extra > 0) b.lockedUntil = now + Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** Math.min(extra - 1, 30));
  }

  succeeded(address: string): void {
    this.buckets.delete(address);
  }
}
