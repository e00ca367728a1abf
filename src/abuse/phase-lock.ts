import type { GatherContext } from '../engine/context.js';

/**
 * The probes that can lock accounts or trip per-IP limits run one at a time, in a fixed order,
 * after every other check (their checks have `phase: 'last'`): user enumeration first (its
 * comparisons are worthless once a limit is tripped), then the fuzzer, then the rate-limit bursts
 * that trip the limits on purpose.
 */
export const ABUSE_ORDER = { enumeration: 1, fuzz: 2, bursts: 3 } as const;

interface Waiting {
  order: number;
  start: () => void;
}

class PhaseQueue {
  private running = false;
  private scheduled = false;
  private readonly waiting: Waiting[] = [];

  run<T>(order: number, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        order,
        start: () => {
          fn().then(resolve, reject).finally(() => {
            this.running = false;
            this.next();
          });
        },
      });
      this.next();
    });
  }

  private next(): void {
    if (this.running || this.scheduled || this.waiting.length === 0) return;
    // Wait a turn of the event loop so probes that ask in the same tick are ordered, not raced.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.running || this.waiting.length === 0) return;
      this.waiting.sort((a, b) => a.order - b.order);
      const w = this.waiting.shift()!;
      this.running = true;
      w.start();
    });
  }
}

const queues = new WeakMap<object, PhaseQueue>();

/** Runs `fn` alone among this run's abuse probes, lower `order` first. */
export function inAbusePhase<T>(ctx: GatherContext, order: number, fn: () => Promise<T>): Promise<T> {
  let q = queues.get(ctx.http);
  if (!q) {
    q = new PhaseQueue();
    queues.set(ctx.http, q);
  }
  return q.run(order, fn);
}
