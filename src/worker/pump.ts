import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';

export interface PumpOptions<T> {
  boss: PgBoss;
  /** Queues asked in order for each fetch (the location's own queue first). */
  queues: string[];
  concurrency: number;
  pollMs: number;
  logger: Logger;
  run(job: PgBoss.Job<T>, queue: string): Promise<void>;
}

/**
 * Keeps up to `concurrency` jobs in flight: fetches as slots free up (pg-boss `fetch`, which leases
 * with SKIP LOCKED), runs each job on its own, and completes finished jobs in small batches. Unlike
 * `boss.work()` with a batch, one slow job never holds the others' slots.
 */
export class JobPump<T> {
  private inFlight = 0;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly done = new Map<string, string[]>();
  private flushTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private readonly idle = new Set<() => void>();

  constructor(private readonly o: PumpOptions<T>) {}

  start(): void {
    this.loop = this.run();
  }

  get busy(): number {
    return this.inFlight;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    const { boss, queues, concurrency, pollMs, logger } = this.o;
    // Fetch when a quarter of the slots are free (fewer, larger fetches), or whatever is free after a short wait.
    const chunk = Math.max(1, Math.ceil(concurrency / 4));
    while (!this.stopped) {
      const free = concurrency - this.inFlight;
      if (free <= 0) {
        await this.sleep(pollMs);
        continue;
      }
      if (free < chunk && this.inFlight > 0) await this.sleep(50);
      let got = 0;
      for (const q of queues) {
        const want = concurrency - this.inFlight;
        if (want <= 0 || this.stopped) break;
        let jobs: Array<PgBoss.Job<T>> = [];
        try {
          jobs = await boss.fetch<T>(q, { batchSize: want });
        } catch (err) {
          logger.warn({ queue: q, err: (err as Error).message }, 'queue: fetch failed');
        }
        got += jobs.length;
        for (const job of jobs) this.start1(job, q);
      }
      if (got === 0 && !this.stopped) await this.sleep(pollMs);
    }
  }

  private start1(job: PgBoss.Job<T>, queue: string): void {
    this.inFlight += 1;
    void this.o
      .run(job, queue)
      .then(
        () => this.complete(queue, job.id),
        async (err: Error) => {
          await this.o.boss.fail(queue, job.id, { message: err.message }).catch(() => undefined);
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        this.wake?.();
        if (this.inFlight === 0) for (const f of this.idle) f();
      });
  }

  private complete(queue: string, id: string): void {
    let list = this.done.get(queue);
    if (!list) this.done.set(queue, (list = []));
    list.push(id);
    if (list.length >= 100) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), 50);
  }

  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const [queue, ids] of this.done) {
      if (ids.length === 0) continue;
      const batch = ids.splice(0);
      try {
        await this.o.boss.complete(queue, batch);
      } catch (err) {
        // A lease not marked complete expires and the job is retried; its run is recorded already, so the retry changes nothing.
        this.o.logger.warn({ queue, jobs: batch.length, err: (err as Error).message }, 'queue: could not mark jobs complete');
      }
    }
  }

  /** Stops fetching; waits up to `graceMs` for jobs in hand, then marks the finished ones complete. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, graceMs);
        this.idle.add(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    await this.flush();
  }
}
