import { HttpClient } from '../net/http.js';

export interface MonitorHttpOptions {
  /** Requests allowed per hour across probes and notifiers; the budget refreshes every hour. */
  maxRequestsPerHour: number;
  rate: number;
  timeoutMs: number;
  ca?: string;
  userAgent?: string;
}

/**
 * The shared HTTP layer (timeouts, body cap, loopback guard, redaction) for a process that never
 * ends: one HttpClient per hour, each with the hourly budget, so a runaway loop is still bounded
 * while a healthy monitor never runs dry. Secrets registered on one client carry over to the next.
 */
export class MonitorHttp {
  private client: HttpClient;
  private startedAt = Date.now();
  private readonly secrets = new Set<string>();
  private readonly scope = new Set<string>();
  private retired: HttpClient[] = [];

  constructor(
    private readonly opts: MonitorHttpOptions,
    private readonly hourMs = 3600_000,
  ) {
    this.client = this.make();
  }

  private make(): HttpClient {
    const c = new HttpClient({
      maxRequests: this.opts.maxRequestsPerHour,
      rate: this.opts.rate,
      timeoutMs: this.opts.timeoutMs,
      maxBodyBytes: 256 * 1024,
      userAgent: this.opts.userAgent ?? 'launchready-monitor',
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
    });
    for (const s of this.secrets) c.registerSecret(s);
    for (const o of this.scope) c.addScope(o);
    // Keep the carry-over lists in step with what callers register on the live client.
    const register = c.registerSecret.bind(c);
    c.registerSecret = (v: string | undefined): void => {
      if (v && v.length >= 6) this.secrets.add(v);
      register(v);
    };
    const addScope = c.addScope.bind(c);
    c.addScope = (origin: string): void => {
      this.scope.add(new URL(origin).origin);
      addScope(origin);
    };
    return c;
  }

  /** The live client; swaps in a fresh budget once an hour (the old one finishes its requests). */
  current(): HttpClient {
    if (Date.now() - this.startedAt >= this.hourMs) {
      const old = this.client;
      this.retired.push(old);
      this.client = this.make();
      this.startedAt = Date.now();
      setTimeout(() => {
        this.retired = this.retired.filter((c) => c !== old);
        void old.close();
      }, 60_000).unref();
    }
    return this.client;
  }

  get requests(): number {
    return this.client.stats.requests;
  }

  async close(): Promise<void> {
    await Promise.all([this.client, ...this.retired].map((c) => c.close()));
  }
}
