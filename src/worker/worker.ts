import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { createResolver, parseDnsServer, type ConfiguredResolver } from '../net/dns/index.js';
import { runProbe, type ProbeContext } from '../monitor/probes/index.js';
import { numberPlaceholders, type SqlDriver, type SqlExecutor, type SqlValue } from '../store/driver.js';
import { openPostgres } from '../store/postgres.js';
import { SqlStore } from '../store/sql-store.js';
import { DEFAULT_RETENTION } from '../store/types.js';
import { parseCron } from './cron.js';
import { configOf, registerTarget, type FleetTarget } from './fleet.js';
import { lockKey, phaseOf, slotsBetween, uuidFrom } from './ids.js';
import { inTransaction, openPool } from './pg.js';
import { JobPump } from './pump.js';
import { AUDIT_QUEUE, auditJobOptions, DEAD_QUEUE, DELIVER_QUEUE, locationQueue, PROBE_QUEUE, probeQueueOptions } from './queues.js';
import { probeLockKey, recordAndJudge, type ProbeJobData } from './step.js';
import { TargetCache, type ResolvedTarget } from './targets.js';

export interface WorkerOptions {
  /** postgres:// URL of the team store (the queue lives in the same database, schema `pgboss`). */
  storeUrl: string;
  location: string;
  /** Probe runs in flight at once in this process. */
  concurrency: number;
  /** PostgreSQL connections of the hot path (default 4 + concurrency/10, at most 20). */
  connections?: number;
  /** A job's lease: a worker that dies holding a job loses it after this long (ms). */
  leaseMs: number;
  logger: Logger;
  env: Readonly<Record<string, string | undefined>>;
  /** launchready.yml files to register (or update) in the fleet before working. */
  register?: string[];
  /** Idle poll of each queue (ms, at least 500: pg-boss's floor). */
  pollMs?: number;
  /** How often probe slots and audit ticks are planned, and how far ahead (ms). */
  planEveryMs?: number;
  horizonMs?: number;
  /** Heartbeat of this worker (locations are "active" for three heartbeats), and re-reading the fleet (ms). */
  heartbeatMs?: number;
  /** pg-boss maintenance (expired leases go back to the queue) every this many seconds. */
  maintenanceSeconds?: number;
  /** Tests only: accept probe intervals below 5 s. */
  allowShortIntervals?: boolean;
  ca?: string;
  /** Status page link in alerts when a target's config names none. */
  statusPage?: string;
}

export interface WorkerCounters {
  probesRun: number;
  duplicates: number;
  stale: number;
  jobErrors: number;
  delivered: number;
  deliveryFailures: number;
  audits: number;
  planned: number;
}

interface AuditJobData {
  t: string;
  k: number;
}
interface DeliverJobData {
  t: string;
  o: string;
}

/**
 * One `launchready worker` process: pulls probe runs, scheduled audits and notification deliveries
 * from pg-boss queues in the team's PostgreSQL, alongside any number of other workers anywhere.
 *
 * - Planning: every worker plans the next few seconds of probe slots and audit ticks, under a
 *   try-lock so usually one does it; job ids are derived from the slot, so a slot is queued once.
 * - Leases: a job fetched is held for `leaseMs`; pg-boss's maintenance gives an expired one to the
 *   next worker (retry with backoff, then `lr-dead`).
 * - Exactly-once effects: a run is recorded under the (probe, slot, location) key and judged under
 *   an advisory lock, in the same transaction as the alerts it decides; a retried job records nothing.
 */
export class FleetWorker {
  readonly id: string;
  readonly counters: WorkerCounters = { probesRun: 0, duplicates: 0, stale: 0, jobErrors: 0, delivered: 0, deliveryFailures: 0, audits: 0, planned: 0 };
  private pool!: pg.Pool;
  private sql!: SqlDriver;
  private store!: SqlStore;
  private boss!: PgBoss;
  private targets!: TargetCache;
  private pump: JobPump<ProbeJobData> | undefined;
  /* The fields above are set in start(); stop() copes with a start that failed half-way. */
  private readonly timers: NodeJS.Timeout[] = [];
  /** The active locations the last round planned for (a change replans the horizon). */
  private lastLocations: string | undefined;
  private readonly warnedConfirm = new Map<string, number>();
  private readonly abort = new AbortController();
  private planning: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: WorkerOptions) {
    this.id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  private get heartbeatMs(): number {
    return this.opts.heartbeatMs ?? 5000;
  }

  private exec(): SqlExecutor {
    return {
      all: async (sql: string, params: SqlValue[] = []) => (await this.pool.query(numberPlaceholders(sql), params)).rows as Array<Record<string, unknown>>,
      run: async (sql: string, params: SqlValue[] = []) => (await this.pool.query(numberPlaceholders(sql), params)).rowCount ?? 0,
    };
  }

  /** Store tables, registered targets, the queue schema and queues: run under the set-up lock. */
  private async setUp(): Promise<void> {
    const { logger } = this.opts;
    this.store = await SqlStore.open(this.sql);
    for (const file of this.opts.register ?? []) {
      const t = await registerTarget(this.sql, file, this.opts.env);
      logger.info({ target: t.name, schedule: t.schedule, file }, `registered ${t.name} in the fleet`);
    }
    this.targets = new TargetCache({ env: this.opts.env, logger, allowShortIntervals: this.opts.allowShortIntervals ?? false, ...(this.opts.ca ? { ca: this.opts.ca } : {}) });
    await this.targets.refresh(this.exec());

    this.boss = new PgBoss({
      db: { executeSql: (text: string, values: unknown[]) => this.pool.query(text, values) },
      schedule: false,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: this.opts.maintenanceSeconds ?? Math.max(1, Math.min(30, Math.floor(this.opts.leaseMs / 2000))),
      archiveCompletedAfterSeconds: 600,
      archiveFailedAfterSeconds: 7 * 86_400,
      deleteAfterHours: 24,
    });
    this.boss.on('error', (err: Error) => logger.warn({ err: err.message }, 'queue: background error'));
    await this.boss.start();
    const leaseS = Math.max(1, Math.ceil(this.opts.leaseMs / 1000));
    await this.boss.createQueue(DEAD_QUEUE, { name: DEAD_QUEUE, retentionMinutes: 14 * 24 * 60 });
    for (const q of [PROBE_QUEUE, locationQueue(this.opts.location)]) {
      await this.boss.createQueue(q, { name: q, ...probeQueueOptions(leaseS) });
      await this.boss.updateQueue(q, { name: q, ...probeQueueOptions(leaseS) });
    }
    await this.boss.createQueue(AUDIT_QUEUE, { name: AUDIT_QUEUE, deadLetter: DEAD_QUEUE });
    await this.boss.createQueue(DELIVER_QUEUE, { name: DELIVER_QUEUE, deadLetter: DEAD_QUEUE });
  }

  async start(): Promise<void> {
    const { logger } = this.opts;
    const probeSlots = Math.max(1, this.opts.concurrency);
    this.pool = openPool(this.opts.storeUrl, this.opts.connections ?? Math.min(20, 4 + Math.ceil(probeSlots / 10)));
    this.sql = openPostgres(this.opts.storeUrl, { max: 2 });
    // Workers started together on a fresh database would each create the store tables, pg-boss's
    // schema and its queue partitions at once; PostgreSQL answers that race with "deadlock detected".
    // One session-level advisory lock makes the set-up one worker at a time (the rest find it done).
    const setup = await this.pool.connect();
    try {
      await setup.query('SELECT pg_advisory_lock($1::bigint)', [lockKey('lr-worker-setup')]);
      await this.setUp();
    } finally {
      await setup.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey('lr-worker-setup')]).catch(() => undefined);
      setup.release();
    }

    const now = Date.now();
    await this.pool.query(
      `INSERT INTO fleet_workers (id, location, host, pid, concurrency, started_at, heartbeat_at, stopped_at) VALUES ($1, $2, $3, $4, $5, $6, $6, NULL)`,
      [this.id, this.opts.location, hostname(), process.pid, this.opts.concurrency, now],
    );

    const pollingIntervalSeconds = Math.max(0.5, (this.opts.pollMs ?? 1000) / 1000);
    this.pump = new JobPump<ProbeJobData>({
      boss: this.boss,
      queues: [locationQueue(this.opts.location), PROBE_QUEUE],
      concurrency: probeSlots,
      pollMs: pollingIntervalSeconds * 1000,
      logger,
      run: (job, queue) => this.onProbeJob(job, queue),
    });
    this.pump.start();
    await this.boss.work<DeliverJobData>(DELIVER_QUEUE, { batchSize: 5, pollingIntervalSeconds }, (jobs) => this.onDeliverJobs(jobs));
    await this.boss.work<AuditJobData>(AUDIT_QUEUE, { batchSize: 1, pollingIntervalSeconds }, (jobs) => this.onAuditJobs(jobs));

    const every = (ms: number, fn: () => Promise<unknown>, what: string): void => {
      const t = setInterval(() => {
        if (!this.stopped) void fn().catch((err: Error) => logger.warn({ err: err.message }, `${what} failed`));
      }, ms);
      this.timers.push(t);
    };
    every(this.heartbeatMs, () => this.heartbeat(), 'heartbeat');
    every(this.opts.planEveryMs ?? 2000, () => this.plan(), 'planning');
    every(60_000, () => this.maintain(), 'retention');
    await this.plan();
    logger.info(
      { worker: this.id, location: this.opts.location, concurrency: this.opts.concurrency, leaseMs: this.opts.leaseMs, targets: this.targets.all().map((t) => t.row.name), store: this.sql.location },
      `worker started in ${this.opts.location}: ${this.targets.all().reduce((n, t) => n + t.probes.size, 0)} probes across ${this.targets.all().length} targets`,
    );
  }

  private async heartbeat(): Promise<void> {
    await this.pool.query(`UPDATE fleet_workers SET heartbeat_at = $1 WHERE id = $2`, [Date.now(), this.id]);
    await this.targets.refresh(this.exec());
  }

  /** Locations with a worker that beat within three heartbeats. */
  private async activeLocations(c: pg.PoolClient): Promise<string[]> {
    const rows = await c.query(`SELECT DISTINCT location FROM fleet_workers WHERE stopped_at IS NULL AND heartbeat_at > $1 ORDER BY location`, [Date.now() - 3 * this.heartbeatMs]);
    return rows.rows.map((r) => String(r['location']));
  }

  /** Queues the probe slots and audit ticks due within the horizon (idempotent; one planner at a time). */
  async plan(): Promise<void> {
    if (this.planning) return this.planning;
    this.planning = this.planOnce().finally(() => (this.planning = undefined));
    return this.planning;
  }

  private async planOnce(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const horizon = this.opts.horizonMs ?? Math.max(10_000, 3 * (this.opts.planEveryMs ?? 2000));
    const until = now + horizon;
    const leaseS = Math.max(1, Math.ceil(this.opts.leaseMs / 1000));
    const n = await inTransaction(this.pool, async (c) => {
      const got = await c.query(`SELECT pg_try_advisory_xact_lock($1::bigint) AS ok`, [lockKey('lr-planner')]);
      if (got.rows[0]?.['ok'] !== true) return 0;
      const locations = await this.activeLocations(c);
      // The watermark per target: a slot is planned by exactly one round, whichever worker runs it.
      // A changed config (or a changed set of locations) replans from now; the deterministic ids make the overlap harmless.
      const marks = new Map<string, { until: number; version: number }>();
      for (const r of (await c.query(`SELECT target_name, planned_until, config_updated_at FROM fleet_plan`)).rows) {
        marks.set(String(r['target_name']), { until: Number(r['planned_until']), version: Number(r['config_updated_at']) });
      }
      const locVersion = locations.join(',');
      const jobs: PgBoss.JobInsert[] = [];
      const planned: Array<[string, number, number]> = [];
      for (const t of this.targets.all()) {
        const mark = marks.get(t.row.name);
        const version = t.row.updatedAt;
        const fresh = !mark || mark.version !== version || this.lastLocations !== locVersion;
        const from = fresh ? now : Math.max(now, mark.until);
        if (from >= until) continue;
        planned.push([t.row.name, until, version]);
        for (const [local, p] of t.probes) {
          const slots = slotsBetween(phaseOf(p.id, p.intervalMs), p.intervalMs, from, until);
          const confirm = p.confirm ?? 1;
          if (confirm > 1 && locations.length < confirm && this.warnedConfirm.get(p.id) !== locations.length) {
            this.warnedConfirm.set(p.id, locations.length);
            this.opts.logger.warn({ probe: p.id, confirm, locations }, `${p.id} needs ${confirm} locations to confirm a failure but only ${locations.length} have a worker: its failures are recorded, never alerted`);
          }
          for (const s of slots) {
            const startAfter = new Date(s).toISOString();
            if (confirm > 1) {
              for (const loc of locations) {
                jobs.push({ id: uuidFrom(`probe|${p.id}|${s}|${loc}`), name: locationQueue(loc), data: { t: t.row.name, p: local, s, n: locations.length }, startAfter, ...probeQueueOptions(leaseS) });
              }
            } else jobs.push({ id: uuidFrom(`probe|${p.id}|${s}`), name: PROBE_QUEUE, data: { t: t.row.name, p: local, s, n: 1 }, startAfter, ...probeQueueOptions(leaseS) });
          }
        }
        if (t.row.schedule) {
          let deadline = 120_000;
          try {
            deadline = configOf(t.row, this.opts.env).budget.deadlineMs;
          } catch {
            /* reported by the target cache */
          }
          for (const k of parseCron(t.row.schedule).ticks(from, until, 50)) {
            jobs.push({ id: uuidFrom(`audit|${t.row.name}|${k}`), name: AUDIT_QUEUE, data: { t: t.row.name, k }, startAfter: new Date(k).toISOString(), ...auditJobOptions(deadline) });
          }
        }
      }
      for (const [name, u, version] of planned) {
        await c.query(
          `INSERT INTO fleet_plan (target_name, planned_until, config_updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (target_name) DO UPDATE SET planned_until = excluded.planned_until, config_updated_at = excluded.config_updated_at`,
          [name, u, version],
        );
      }
      this.lastLocations = locVersion;
      const db = { executeSql: (text: string, values: unknown[]) => c.query(text, values) };
      for (let i = 0; i < jobs.length; i += 2000) await this.boss.insert(jobs.slice(i, i + 2000), { db });
      return jobs.length;
    });
    this.counters.planned += n;
  }

  private probeCtx(t: ResolvedTarget): ProbeContext {
    let resolver: ConfiguredResolver | undefined;
    const ctx: ProbeContext = {
      http: () => t.http.current(),
      store: this.store,
      config: t.plan.config,
      resolver: () => (resolver ??= createResolver({ servers: t.plan.dnsServers.map((s) => parseDnsServer(s, 'monitor.dns')), timeoutMs: 2000, retries: 1, signal: this.abort.signal })),
      sessions: t.sessions,
      logger: this.opts.logger,
      signal: this.abort.signal,
    };
    if (t.plan.target) ctx.target = t.plan.target;
    if (this.opts.ca) ctx.ca = this.opts.ca;
    return ctx;
  }

  private async target(name: string): Promise<ResolvedTarget | undefined> {
    let t = this.targets.get(name);
    if (!t) {
      await this.targets.refresh(this.exec());
      t = this.targets.get(name);
    }
    return t;
  }

  private async onProbeJob(job: PgBoss.Job<ProbeJobData>, queue: string): Promise<void> {
    const { logger } = this.opts;
    const d = job.data;
    try {
      await this.probeJob(job);
    } catch (err) {
      this.counters.jobErrors += 1;
      logger.error({ job: job.id, queue, probe: `${d.t}/${d.p}`, slot: d.s, err: (err as Error).message }, 'probe job failed; it will be retried');
      throw err;
    }
  }

  private async probeJob(job: PgBoss.Job<ProbeJobData>): Promise<void> {
    const { logger } = this.opts;
    const d = job.data;
    const t = await this.target(d.t);
    const probe = t?.probes.get(d.p);
    if (!t || !probe) {
      logger.info({ job: job.id, target: d.t, probe: d.p }, 'probe job for a target or probe no longer in the fleet: dropped');
      return;
    }
    const lag = Date.now() - d.s;
    // A slot taken over after a lease expired is still run; only a backlog far behind is skipped.
    if (lag > Math.max(5 * probe.intervalMs, 4 * this.opts.leaseMs)) {
      this.counters.stale += 1;
      logger.warn({ probe: probe.id, slot: new Date(d.s).toISOString(), lagMs: lag }, 'probe slot too old to be worth running: skipped');
      return;
    }
    const result = await runProbe(probe, this.probeCtx(t));
    if (this.stopped && this.abort.signal.aborted) throw new Error('worker stopping: run not recorded');
    const statusPage = t.plan.statusPage ?? this.opts.statusPage ?? '(no status page configured)';
    const step = await inTransaction(
      this.pool,
      (c) => recordAndJudge(c, { target: t, probe, job: d, location: this.opts.location, workerId: this.id, result, statusPage, boss: this.boss, locked: true }),
      `SELECT pg_advisory_xact_lock(${probeLockKey(probe.id)}::bigint)`,
    );
    this.counters.probesRun += 1;
    if (!step.recorded) {
      this.counters.duplicates += 1;
      logger.info({ probe: probe.id, slot: d.s, location: this.opts.location }, 'slot already recorded by another run of this job: nothing changed');
      return;
    }
    if (!result.ok && step.verdict !== 'bad') {
      logger.info({ probe: probe.id, location: this.opts.location, seen: step.sightings }, `${probe.id} failed from ${this.opts.location} (${result.message}); not confirmed ${step.verdict === 'ok' ? 'by the other locations' : 'yet'}`);
    }
    for (const e of step.events) {
      if (e.type === 'open' || e.type === 'alert') logger.warn({ probe: probe.id, rule: e.rule, incident: e.incidentId, seen: step.sightings }, `${probe.id} ${e.rule}: ${e.type} — ${e.message}`);
      else logger.info({ probe: probe.id, rule: e.rule, incident: e.incidentId }, `${probe.id} ${e.rule}: ${e.type}`);
    }
    if (step.queued > 0) logger.info({ probe: probe.id, queued: step.queued }, 'notifications queued');
    logger.debug({ probe: probe.id, slot: d.s, ok: result.ok, lagMs: Math.round(result.at - d.s), verdict: step.verdict }, 'probe run recorded');
  }

  private async onDeliverJobs(jobs: Array<PgBoss.Job<DeliverJobData>>): Promise<void> {
    for (const job of jobs) {
      try {
        await this.deliver(job.data);
      } catch (err) {
        await this.boss.fail(DELIVER_QUEUE, job.id, { message: (err as Error).message }).catch(() => undefined);
      }
    }
  }

  /**
   * Delivers one outbox row, holding its row lock while sending: two workers can never send it at
   * once, and a row already delivered is never sent again. A failed attempt is recorded and thrown,
   * so pg-boss retries it with backoff (and dead-letters it after the notifier's attempts).
   */
  private async deliver(d: DeliverJobData): Promise<void> {
    const { logger } = this.opts;
    const failure = await inTransaction(this.pool, async (c) => {
      const row = (await c.query(`SELECT * FROM outbox WHERE id = $1 FOR UPDATE SKIP LOCKED`, [d.o])).rows[0];
      if (!row) {
        const exists = (await c.query(`SELECT status FROM outbox WHERE id = $1`, [d.o])).rows[0];
        return exists ? `notification ${d.o} is being delivered by another worker` : undefined;
      }
      if (String(row['status']) !== 'pending') return undefined;
      const t = await this.target(d.t);
      const notifier = t?.notifiers.get(String(row['notifier']));
      const attempts = Number(row['attempts']) + 1;
      if (!notifier) {
        await c.query(`UPDATE outbox SET status = 'failed', attempts = $2, last_error = $3, last_attempt_at = $4 WHERE id = $1`, [d.o, attempts, `notifier "${String(row['notifier'])}" is no longer configured`, Date.now()]);
        return undefined;
      }
      const payload: Record<string, unknown> = { ...(JSON.parse(String(row['payload_json'])) as Record<string, unknown>), id: d.o };
      try {
        await notifier.deliver(payload as never);
        await c.query(`UPDATE outbox SET status = 'delivered', delivered_at = $2, attempts = $3, last_attempt_at = $2 WHERE id = $1`, [d.o, Date.now(), attempts]);
        this.counters.delivered += 1;
        logger.info({ notifier: notifier.name, notification: d.o, event: payload['event'], probe: payload['probe'] }, `notification delivered: ${String(payload['title'])}`);
        return undefined;
      } catch (err) {
        const message = (err as Error).message;
        const final = attempts >= notifier.plan.retry.attempts;
        await c.query(`UPDATE outbox SET status = $2, attempts = $3, last_error = $4, last_attempt_at = $5 WHERE id = $1`, [d.o, final ? 'failed' : 'pending', attempts, message.slice(0, 2000), Date.now()]);
        this.counters.deliveryFailures += 1;
        logger[final ? 'error' : 'warn']({ notifier: notifier.name, notification: d.o, attempt: attempts, of: notifier.plan.retry.attempts, err: message }, final ? 'notification FAILED after its last attempt' : 'notification attempt failed; retrying with backoff');
        return message;
      }
    });
    if (failure) throw new Error(failure);
  }

  private async onAuditJobs(jobs: Array<PgBoss.Job<AuditJobData>>): Promise<void> {
    for (const job of jobs) await this.runScheduledAudit(job.data);
  }

  /** One scheduled audit: claimed per (target, tick) so a tick is audited and stored once, then saved to the store. */
  private async runScheduledAudit(d: AuditJobData): Promise<void> {
    const { logger } = this.opts;
    const now = Date.now();
    const claim = await this.pool.query(
      `INSERT INTO fleet_audits (target_name, tick, status, worker, attempts, started_at) VALUES ($1, $2, 'running', $3, 1, $4)
       ON CONFLICT (target_name, tick) DO UPDATE SET status = 'running', worker = excluded.worker, attempts = fleet_audits.attempts + 1, started_at = excluded.started_at
       WHERE fleet_audits.status <> 'done' RETURNING attempts`,
      [d.t, d.k, this.id, now],
    );
    if (claim.rows.length === 0) {
      logger.info({ target: d.t, tick: new Date(d.k).toISOString() }, 'scheduled audit already done for this tick');
      return;
    }
    const t = await this.target(d.t);
    if (!t) throw new Error(`target ${d.t} is not in the fleet (or its config does not resolve on this worker)`);
    try {
      const id = await this.audit(t.row);
      await this.pool.query(`UPDATE fleet_audits SET status = 'done', audit_id = $3, finished_at = $4, error = NULL WHERE target_name = $1 AND tick = $2`, [d.t, d.k, id, Date.now()]);
      this.counters.audits += 1;
      logger.info({ target: d.t, tick: new Date(d.k).toISOString(), audit: id }, `scheduled audit of ${d.t} stored`);
    } catch (err) {
      await this.pool.query(`UPDATE fleet_audits SET status = 'error', error = $3, finished_at = $4 WHERE target_name = $1 AND tick = $2`, [d.t, d.k, (err as Error).message.slice(0, 2000), Date.now()]).catch(() => undefined);
      throw err;
    }
  }

  private async audit(row: FleetTarget): Promise<string> {
    // The audit engine (every check) loads only when a worker first runs an audit.
    const { runAudit, isDevelopmentHost } = await import('../app/audit.js');
    const config = configOf(row, this.opts.env);
    const baseUrl = config.target ? new URL(config.target) : undefined;
    const report = await runAudit({
      prepared: {
        config,
        configDir: row.configDir,
        target: { ...(baseUrl ? { baseUrl } : {}), isDevelopment: baseUrl !== undefined && isDevelopmentHost(baseUrl.hostname) && config.domains.length === 0 },
        targetLabel: baseUrl?.href ?? config.domains[0] ?? config.repo ?? row.name,
      },
      failOn: 'high',
      env: this.opts.env,
      signal: this.abort.signal,
    });
    return this.store.saveAudit(report);
  }

  /** Retention: one worker at a time trims run records and compacts samples like the single monitor. */
  private async maintain(): Promise<void> {
    const now = Date.now();
    const mine = await inTransaction(this.pool, async (c) => {
      const got = await c.query(`SELECT pg_try_advisory_xact_lock($1::bigint) AS ok`, [lockKey('lr-retention')]);
      if (got.rows[0]?.['ok'] !== true) return false;
      await c.query(`DELETE FROM fleet_runs WHERE ran_at < $1`, [now - DEFAULT_RETENTION.rawMs]);
      await c.query(`DELETE FROM fleet_slots WHERE judged_at < $1`, [now - DEFAULT_RETENTION.rawMs]);
      await c.query(`DELETE FROM fleet_workers WHERE heartbeat_at < $1`, [now - 7 * 86_400_000]);
      return true;
    });
    if (mine) await this.store.compact(DEFAULT_RETENTION, now);
  }

  /** Stops fetching, lets jobs in hand finish (up to `graceMs`), marks this worker stopped. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.planning?.catch(() => undefined);
    await this.pump?.stop(graceMs);
    await this.boss?.stop({ graceful: true, wait: true, timeout: Math.max(1, graceMs), close: false }).catch(() => undefined);
    this.abort.abort();
    await this.pool?.query(`UPDATE fleet_workers SET stopped_at = $1 WHERE id = $2`, [Date.now(), this.id]).catch(() => undefined);
    await this.targets?.close();
    await this.store?.close();
    await this.sql?.close();
    await this.pool?.end().catch(() => undefined);
    this.opts.logger.info({ worker: this.id, ...this.counters }, 'worker stopped');
  }
}
