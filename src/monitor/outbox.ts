import type { Logger } from 'pino';
import type { OutboxEntry, Store } from '../store/types.js';
import type { MonitorMetrics } from './metrics.js';
import type { AlertPayload, Notifier } from './notifiers/index.js';

export interface DispatcherOptions {
  /** How often due entries are looked for when nothing kicks the dispatcher. */
  pollMs?: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
}

export interface NotifierHealth {
  name: string;
  kind: string;
  delivered: number;
  failedAttempts: number;
  lastError?: { at: number; message: string };
  lastDeliveredAt?: number;
}

/**
 * Delivers the outbox: every notification was written (with the alert state that caused it) before
 * any attempt, so a crash between deciding and sending loses nothing and a restart sends what is
 * still pending — never a second copy of what was delivered. Failures retry with exponential
 * backoff and jitter, up to the notifier's attempt limit; each failure is logged and counted.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  readonly health = new Map<string, NotifierHealth>();

  constructor(
    private readonly store: Store,
    private readonly notifiers: Map<string, Notifier>,
    private readonly logger: Logger,
    private readonly metrics: MonitorMetrics,
    private readonly opts: DispatcherOptions = {},
  ) {
    for (const n of notifiers.values()) this.health.set(n.name, { name: n.name, kind: n.kind, delivered: 0, failedAttempts: 0 });
  }

  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  /** Something was queued: deliver now rather than at the next poll. */
  kick(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = this.deliverDue().then(() => undefined, (err: unknown) => this.logger.error({ err: (err as Error).message }, 'outbox: could not read due notifications'));
    await this.running;
    this.running = undefined;
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else this.schedule(this.opts.pollMs ?? 1000);
  }

  /** One pass over the due entries (exported for tests that drive time themselves). */
  async deliverDue(now = Date.now()): Promise<number> {
    const due = await this.store.dueOutbox(now, 100);
    const limit = Math.max(1, this.opts.concurrency ?? 8);
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < due.length && !this.stopped) await this.deliverOne(due[i++]!);
    };
    await Promise.all(Array.from({ length: Math.min(limit, due.length) }, worker));
    return due.length;
  }

  private async deliverOne(entry: OutboxEntry): Promise<void> {
    const notifier = this.notifiers.get(entry.notifier);
    if (!notifier) {
      await this.store.markAttemptFailed(entry.id, entry.attempts + 1, Date.now(), `notifier "${entry.notifier}" is no longer configured`, true);
      this.logger.warn({ notifier: entry.notifier, notification: entry.id }, 'notification dropped: its notifier is no longer configured');
      return;
    }
    const h = this.health.get(notifier.name)!;
    const payload = { ...(entry.payload as AlertPayload), id: entry.id };
    try {
      await notifier.deliver(payload);
      await this.store.markDelivered(entry.id, Date.now());
      h.delivered += 1;
      h.lastDeliveredAt = Date.now();
      this.metrics.deliveries.inc({ notifier: notifier.name, result: 'delivered' });
      this.metrics.notifierUp.set({ notifier: notifier.name }, 1);
      this.logger.info({ notifier: notifier.name, notification: entry.id, event: payload.event, probe: payload.probe, incident: entry.incidentId }, `notification delivered: ${payload.title}`);
    } catch (err) {
      const attempts = entry.attempts + 1;
      const final = attempts >= notifier.plan.retry.attempts;
      const { backoffMs, maxBackoffMs } = notifier.plan.retry;
      const delay = Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4);
      const message = (err as Error).message;
      h.failedAttempts += 1;
      h.lastError = { at: Date.now(), message };
      this.metrics.deliveries.inc({ notifier: notifier.name, result: final ? 'failed' : 'retry' });
      this.metrics.notifierUp.set({ notifier: notifier.name }, 0);
      await this.store.markAttemptFailed(entry.id, attempts, Date.now() + delay, message, final).catch(() => undefined);
      this.logger[final ? 'error' : 'warn'](
        { notifier: notifier.name, notification: entry.id, attempt: attempts, of: notifier.plan.retry.attempts, err: message },
        final ? `notification FAILED after ${attempts} attempts: ${payload.title}` : `notification attempt ${attempts} failed; retrying in ${Math.round(delay)} ms`,
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
