import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FlawSet } from './flaws.js';

/**
 * Fixed-window counters kept in memory (one process, one demo). Login counts only failed
 * attempts, so a user who types the right password is never slowed down; signup and reset
 * count every request because each one creates work (an account, an email).
 */
export interface RateLimitSettings {
  windowMs: number;
  loginPerAccount: number;
  loginPerIp: number;
  resetPerAccount: number;
  resetPerIp: number;
  signupPerIp: number;
  /** Failed reset/invite token redemptions per IP: stops token guessing. */
  tokenPerIp: number;
  /** Invites an admin may send (each one is an email to a stranger). */
  invitePerAccount: number;
  /** Wrong current passwords on password change, per account (a stolen session must not brute-force it). */
  passwordChangePerAccount: number;
  /** CSV exports per user (each one reads a whole table). */
  exportPerAccount: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  windowMs: 60_000,
  loginPerAccount: 5,
  loginPerIp: 20,
  resetPerAccount: 5,
  resetPerIp: 20,
  signupPerIp: 10,
  tokenPerIp: 20,
  invitePerAccount: 10,
  passwordChangePerAccount: 5,
  exportPerAccount: 20,
};

class Counter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  constructor(
    readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Seconds until the key may try again, or 0 when it is not blocked. */
  retryAfter(key: string): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const now = Date.now();
    if (w.resetAt <= now) {
      this.windows.delete(key);
      return 0;
    }
    return w.count >= this.limit ? Math.max(1, Math.ceil((w.resetAt - now) / 1000)) : 0;
  }

  add(key: string): void {
    const now = Date.now();
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
    else w.count += 1;
    // Bound memory: a flood of distinct keys cannot grow the map forever.
    if (this.windows.size > 50_000) {
      for (const [k, v] of this.windows) if (v.resetAt <= now) this.windows.delete(k);
    }
  }

  reset(key: string): void {
    this.windows.delete(key);
  }
}

export class RateLimits {
  readonly loginAccount: Counter;
  readonly loginIp: Counter;
  readonly resetAccount: Counter;
  readonly resetIp: Counter;
  readonly signupIp: Counter;
  readonly tokenIp: Counter;
  readonly inviteAccount: Counter;
  readonly passwordChangeAccount: Counter;
  readonly exportAccount: Counter;

  constructor(
    private readonly flaws: FlawSet,
    settings: RateLimitSettings,
  ) {
    const w = settings.windowMs;
    this.loginAccount = new Counter(settings.loginPerAccount, w);
    this.loginIp = new Counter(settings.loginPerIp, w);
    this.resetAccount = new Counter(settings.resetPerAccount, w);
    this.resetIp = new Counter(settings.resetPerIp, w);
    this.signupIp = new Counter(settings.signupPerIp, w);
    this.tokenIp = new Counter(settings.tokenPerIp, w);
    this.inviteAccount = new Counter(settings.invitePerAccount, w);
    this.passwordChangeAccount = new Counter(settings.passwordChangePerAccount, w);
    this.exportAccount = new Counter(settings.exportPerAccount, w);
  }

  /**
   * The address limits are keyed on. The portal is not behind a proxy, so the only address it
   * can trust is the socket's: any client can write whatever it likes into X-Forwarded-For.
   */
  clientIp(request: FastifyRequest): string {
    if (this.flaws.has('rate-limit-trusts-xff')) {
      // FLAW rate-limit-trusts-xff: the limiter takes the client-supplied X-Forwarded-For as the
      // client address, so every new header value starts with a fresh limit.
      const xff = request.headers['x-forwarded-for'];
      const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return request.socket.remoteAddress ?? 'unknown';
  }

  /** The per-account login key. */
  loginAccountKey(request: FastifyRequest, email: string): string {
    const account = email.trim().toLowerCase();
    // FLAW rate-limit-trusts-xff: failures are counted per account *and address* (a common
    // "username + IP" recipe), so with a spoofable address the per-account limit is gone too.
    if (this.flaws.has('rate-limit-trusts-xff')) return `${account}|${this.clientIp(request)}`;
    return account;
  }
}

export function tooManyRequests(reply: FastifyReply, retryAfterS: number): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(retryAfterS))
    .send({ error: 'too_many_requests', message: 'Too many attempts. Try again later.', retry_after: retryAfterS });
}
