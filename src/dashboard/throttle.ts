/**
 * Login throttling, per client address and per account name: after `limit` failures inside the
 * window the key is locked until the window ends, and every attempt on it (right password or not)
 * gets 429 with Retry-After — otherwise a guess that happens to be right would still get through.
 * Successful logins clear the account's count, never the address's. Memory is bounded: the oldest
 * keys are dropped beyond `maxKeys`.
 */
export interface ThrottlePolicy {
  /** Failures per account name per window (default 5). */
  perAccount: number;
  /** Failures per client address per window (default 20). */
  perAddress: number;
  /** Window and lock length, ms (default 15 min). */
  windowMs: number;
  maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000, maxKeys: 10_000 };

interface Bucket {
  start: number;
  failures: number;
}

export class LoginThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  private bucket(key: string): Bucket | undefined {
    const b = this.buckets.get(key);
    if (b && this.now() - b.start >= this.policy.windowMs) {
      this.buckets.delete(key);
      return undefined;
    }
    return b;
  }

  /** Seconds to wait when either key is locked; undefined when the attempt may proceed. */
  blocked(address: string, account: string | undefined): number | undefined {
    const checks: Array<[string, number]> = [[`ip:${address}`, this.policy.perAddress]];
    if (account) checks.push([`acct:${account.toLowerCase()}`, this.policy.perAccount]);
    let wait: number | undefined;
    for (const [key, limit] of checks) {
      const b = this.bucket(key);
      if (b && b.failures >= limit) {
        const s = Math.max(1, Math.ceil((b.start + this.policy.windowMs - this.now()) / 1000));
        wait = Math.max(wait ?? 0, s);
      }
    }
    return wait;
  }

  failed(address: string, account: string | undefined): void {
    this.count(`ip:${address}`);
    if (account) this.count(`acct:${account.toLowerCase()}`);
  }

  succeeded(account: string): void {
    this.buckets.delete(`acct:${account.toLowerCase()}`);
  }

  private count(key: string): void {
    const b = this.bucket(key);
    if (b) {
      b.failures += 1;
      return;
    }
    if (this.buckets.size >= this.policy.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    this.buckets.set(key, { start: this.now(), failures: 1 });
  }
}
