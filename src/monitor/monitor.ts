import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Session } from '../identity/session.js';
import { createResolver, parseDnsServer, type ConfiguredResolver } from '../net/dns/index.js';
import type { AlertStateRow, Incident, OutboxEntry, ProbeSample, Store, WriteBatch } from '../store/types.js';
import { MonitorHttp } from './client.js';
import { inMaintenance, type MonitorPlan, type ProbePlan } from './config.js';
import { formatDuration } from './duration.js';
import { MonitorMetrics } from './metrics.js';
import { createNotifier, titleFor, type AlertPayload, type Notifier } from './notifiers/index.js';
import { OutboxDispatcher } from './outbox.js';
import { runProbe, type ProbeContext, type ProbeResult } from './probes/index.js';
import {
  certOutcome,
  errorRateOutcome,
  initialRuleState,
  latencyOutcome,
  stepRule,
  type HistoryPoint,
  type Outcome,
  type RuleEvent,
  type RuleId,
  type RuleState,
} from './rules.js';

export interface MonitorOptions {
  plan: MonitorPlan;
  store: Store;
  logger: Logger;
  /** Extra CA certificates (PEM) for HTTPS and TLS probes. */
  ca?: string;
  /** The status-page link in alerts when the config sets none (the monitor's own /status). */
  statusPageUrl?: string;
  /** Store writes are batched for this long (ms, default 100): a synced commit blocks the event loop, so commits are few and large. */
  flushMs?: number;
  dispatchPollMs?: number;
  /** How often history is compacted (ms). */
  compactEveryMs?: number;
}

export interface ProbeStatus {
  id: string;
  kind: ProbePlan['kind'];
  check: string;
  intervalMs: number;
  derived: boolean;
  up: boolean | null;
  lastRunAt: number | null;
  lastMessage: string;
  lastLatencyMs: number | null;
  runs: number;
  failures: number;
  inMaintenance: boolean;
  rules: Array<{ rule: RuleId; status: 'ok' | 'firing'; since: number | null; incident: string | null }>;
}

const MAX_HISTORY_POINTS = 2000;
const MAX_PENDING_SAMPLES = 100_000;

const stateKey = (probe: string, rule: RuleId): string => `${probe}\u0000${rule}`;

/**
 * The monitor: runs each probe on its interval (with jitter, a deadline and bounded retries), feeds
 * the results through the alert rules, and commits history, rule state, incidents and notification
 * intent together before anything is sent. The dispatcher then delivers the outbox.
 */
export class Monitor {
  readonly metrics = new MonitorMetrics();
  readonly http: MonitorHttp;
  readonly dispatcher: OutboxDispatcher;
  readonly startedAt = Date.now();
  private readonly states = new Map<string, RuleState>();
  private readonly history = new Map<string, HistoryPoint[]>();
  private readonly last = new Map<string, ProbeResult>();
  private readonly counts = new Map<string, { runs: number; failures: number }>();
  private readonly incidents = new Map<string, Incident>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly sessions = new Map<string, Session>();
  private readonly notifiers = new Map<string, Notifier>();
  private readonly abort = new AbortController();
  private pending: Required<WriteBatch> = { samples: [], alertStates: [], incidents: [], outbox: [] };
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Health: the last time a probe finished and the last store commit outcome. */
  lastTickAt = Date.now();
  lastCommitError: string | undefined;
  committedSamples = 0;

  constructor(private readonly opts: MonitorOptions) {
    const { plan } = opts;
    this.http = new MonitorHttp({
      maxRequestsPerHour: plan.maxRequestsPerHour,
      rate: plan.maxRate,
      timeoutMs: Math.max(...plan.probes.map((p) => p.timeoutMs), 1000),
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    for (const n of plan.notifiers) this.notifiers.set(n.name, createNotifier(n, () => this.http.current(), plan.dir));
    this.dispatcher = new OutboxDispatcher(opts.store, this.notifiers, opts.logger, this.metrics, opts.dispatchPollMs !== undefined ? { pollMs: opts.dispatchPollMs } : {});
  }

  get plan(): MonitorPlan {
    return this.opts.plan;
  }

  get store(): Store {
    return this.opts.store;
  }

  get statusPage(): string {
    return this.opts.plan.statusPage ?? this.opts.statusPageUrl ?? '(no status page configured)';
  }

  /** The monitor's own /status, used in alerts when the config names no status page. */
  setOwnStatusPage(url: string): void {
    this.opts.statusPageUrl = url;
  }

  private ctx(): ProbeContext {
    const { plan } = this.opts;
    // A fresh resolver per run: the resolver memoises answers, and drift is only seen by asking again.
    let resolver: ConfiguredResolver | undefined;
    const ctx: ProbeContext = {
      http: () => this.http.current(),
      store: this.opts.store,
      config: plan.config,
      resolver: () => (resolver ??= createResolver({ servers: plan.dnsServers.map((s) => parseDnsServer(s, 'monitor.dns')), timeoutMs: 2000, retries: 1, signal: this.abort.signal })),
      sessions: this.sessions,
      logger: this.opts.logger,
      signal: this.abort.signal,
    };
    if (plan.target) ctx.target = plan.target;
    if (this.opts.ca) ctx.ca = this.opts.ca;
    return ctx;
  }

  /** Restores rule state, open incidents and recent history, then starts every probe's schedule. */
  async start(): Promise<void> {
    const { plan, store, logger } = this.opts;
    const known = new Set(plan.probes.map((p) => p.id));
    for (const row of await store.loadAlertStates()) {
      if (known.has(row.probeId)) this.states.set(stateKey(row.probeId, row.rule as RuleId), { ...initialRuleState(), ...(row.state as Partial<RuleState>) });
    }
    for (const inc of await store.openIncidents()) this.incidents.set(inc.id, inc);
    for (const p of plan.probes) {
      const samples = await store.recentSamples(p.id, Math.min(MAX_HISTORY_POINTS, Math.ceil(this.historySpan(p) / p.intervalMs) + 5));
      const hist = samples.map((s): HistoryPoint => ({ at: s.at, ok: s.ok, httpStatus: s.httpStatus, latencyMs: s.latencyMs }));
      this.coverOutage(p.id, hist);
      this.history.set(p.id, hist);
      for (const [key, s] of this.states) if (key.startsWith(`${p.id}\u0000`) && s.status === 'firing') this.metrics.ruleFiring.set({ probe: p.id, rule: key.split('\u0000')[1]! }, 1);
    }
    this.metrics.incidentsOpen.set({}, this.incidents.size);
    const firing = [...this.states.values()].filter((s) => s.status === 'firing').length;
    logger.info({ probes: plan.probes.map((p) => p.id), store: store.location, notifiers: [...this.notifiers.keys()], restoredFiring: firing }, `monitor started: ${plan.probes.length} probes`);
    this.dispatcher.start();
    // Jitter spreads the probes' phases over `jitter × interval`, so a fleet does not fire at once.
    for (const p of plan.probes) this.schedule(p, Date.now() + Math.random() * p.jitter * p.intervalMs);
    const compactEvery = this.opts.compactEveryMs ?? Math.min(3600_000, Math.max(60_000, plan.retention.rawMs / 4));
    const compact = (): void => {
      void store
        .compact(plan.retention, Date.now())
        .then((r) => r.rolledUp > 0 && logger.info(r, 'history compacted'))
        .catch((err: Error) => logger.warn({ err: err.message }, 'history compaction failed'));
    };
    this.compactTimer = setInterval(compact, compactEvery);
    this.compactTimer.unref();
    compact();
  }

  /** While the down rule fires, the samples since the outage began belong to its incident. */
  private coverOutage(probeId: string, hist: HistoryPoint[]): void {
    const down = this.states.get(stateKey(probeId, 'down'));
    if (down?.status !== 'firing' || down.since === null) return;
    for (let i = hist.length - 1; i >= 0 && hist[i]!.at >= down.since; i--) hist[i]!.covered = true;
  }

  private historySpan(p: ProbePlan): number {
    if (!p.alerts) return 0;
    return Math.max(p.alerts.errorRate ? p.alerts.errorRate.baselineMs : 0, p.alerts.latency ? p.alerts.latency.windowMs : 0);
  }

  /** `nominal` is the slot on the probe's fixed cadence; the timer fires a little off it (jitter). */
  private schedule(p: ProbePlan, nominal: number): void {
    if (this.stopped) return;
    const jitter = (Math.random() - 0.5) * 0.1 * p.jitter * p.intervalMs;
    const t = setTimeout(() => this.fire(p, nominal), Math.max(0, nominal + jitter - Date.now()));
    this.timers.set(p.id, t);
  }

  private fire(p: ProbePlan, nominal: number): void {
    if (this.stopped) return;
    // The cadence is anchored (no drift from run times or jitter); a run that overran skips slots.
    let next = nominal + p.intervalMs;
    const now = Date.now();
    if (next <= now) next += Math.ceil((now - next) / p.intervalMs) * p.intervalMs;
    this.schedule(p, next);
    if (this.inFlight.has(p.id)) return;
    const run = runProbe(p, this.ctx())
      .then((result) => this.handle(p, result))
      .catch((err: Error) => this.opts.logger.error({ probe: p.id, err: err.message }, 'probe run crashed'))
      .finally(() => this.inFlight.delete(p.id));
    this.inFlight.set(p.id, run);
  }

  /** Applies one probe result: metrics, rules, and the write that makes it all durable. */
  async handle(p: ProbePlan, r: ProbeResult): Promise<void> {
    if (this.stopped) return;
    const { logger } = this.opts;
    const now = Date.now();
    this.lastTickAt = now;
    this.last.set(p.id, r);
    const c = this.counts.get(p.id) ?? { runs: 0, failures: 0 };
    c.runs += 1;
    if (!r.ok) c.failures += 1;
    this.counts.set(p.id, c);
    this.metrics.probeUp.set({ probe: p.id, kind: p.kind }, r.ok ? 1 : 0);
    this.metrics.probeRuns.inc({ probe: p.id, result: r.ok ? 'pass' : 'fail' });
    if (r.latencyMs !== null) this.metrics.probeLatency.observe({ probe: p.id }, r.latencyMs / 1000);
    if (p.kind === 'tls' && r.value !== null) this.metrics.certDays.set({ probe: p.id }, Math.floor(r.value));
    logger[r.ok ? 'debug' : 'info']({ probe: p.id, ok: r.ok, latencyMs: r.latencyMs === null ? null : Math.round(r.latencyMs), status: r.httpStatus, attempts: r.attempts }, r.message);

    const hist = this.history.get(p.id) ?? [];
    hist.push({ at: r.at, ok: r.ok, httpStatus: r.httpStatus, latencyMs: r.latencyMs });
    const span = this.historySpan(p);
    while (hist.length > MAX_HISTORY_POINTS || (hist.length > 0 && hist[0]!.at < now - span)) hist.shift();
    this.history.set(p.id, hist);

    const batch: Required<WriteBatch> = { samples: [], alertStates: [], incidents: [], outbox: [] };
    batch.samples.push({ probeId: p.id, at: r.at, ok: r.ok, latencyMs: r.latencyMs, httpStatus: r.httpStatus, message: r.message.slice(0, 2000), value: r.value } satisfies ProbeSample);

    if (p.alerts) {
      const policy = p.alerts;
      const maintenance = inMaintenance(this.opts.plan.maintenance, p.id, now);
      // Window rules are judged after the down rule has marked the outage it speaks for.
      const evaluations: Array<[RuleId, () => Outcome]> = [['down', () => ({ bad: !r.ok, message: r.message, evidence: r.evidence })]];
      if (p.kind === 'tls') evaluations.push(['cert-expiry', () => certOutcome(r.value, policy.certDays, r.evidence)]);
      const er = policy.errorRate;
      if (er) evaluations.push(['error-rate', () => ({ ...errorRateOutcome(hist, er, now), evidence: r.evidence })]);
      const lat = policy.latency;
      if (lat) evaluations.push(['latency', () => ({ ...latencyOutcome(hist, lat, now), evidence: r.evidence })]);
      for (const [rule, outcome] of evaluations) {
        if (rule !== 'down') this.coverOutage(p.id, hist);
        const key = stateKey(p.id, rule);
        const prev = this.states.get(key) ?? initialRuleState();
        const downFiring = rule !== 'down' && this.states.get(stateKey(p.id, 'down'))?.status === 'firing';
        const { state, events } = stepRule(p.id, rule, prev, outcome(), policy, now, { inMaintenance: maintenance, suppressOpen: downFiring });
        if (state === prev) continue;
        this.states.set(key, state);
        batch.alertStates.push({ probeId: p.id, rule, state, updatedAt: now } satisfies AlertStateRow);
        this.metrics.ruleFiring.set({ probe: p.id, rule }, state.status === 'firing' ? 1 : 0);
        for (const e of events) this.apply(p, e, batch, now);
      }
    }
    this.metrics.incidentsOpen.set({}, this.incidents.size);
    await this.enqueue(batch);
  }

  private apply(p: ProbePlan, e: RuleEvent, batch: Required<WriteBatch>, now: number): void {
    const { logger } = this.opts;
    let inc = this.incidents.get(e.incidentId);
    if (e.type === 'open') {
      inc = { id: e.incidentId, probeId: p.id, rule: e.rule, openedAt: e.since, resolvedAt: null, title: titleFor('alert', p.id, e.rule), lastEvidence: e.evidence.slice(0, 8000), notified: false };
      this.incidents.set(inc.id, inc);
      batch.incidents.push({ ...inc });
      logger.warn({ probe: p.id, rule: e.rule, incident: inc.id, since: new Date(e.since).toISOString() }, `${inc.title}: ${e.message}`);
      return;
    }
    if (!inc) {
      // The incident row was lost (or pruned); recreate it so history stays consistent.
      inc = { id: e.incidentId, probeId: p.id, rule: e.rule, openedAt: e.since, resolvedAt: null, title: titleFor('alert', p.id, e.rule), lastEvidence: '', notified: false };
      this.incidents.set(inc.id, inc);
    }
    if (e.type === 'resolve') {
      inc.resolvedAt = now;
      inc.lastEvidence = inc.lastEvidence || e.evidence.slice(0, 8000);
      batch.incidents.push({ ...inc });
      this.incidents.delete(inc.id);
      logger.info({ probe: p.id, rule: e.rule, incident: inc.id, downFor: formatDuration(now - e.since) }, `${p.id} ${e.rule} resolved after ${formatDuration(now - e.since)}`);
      return;
    }
    const event = e.type as 'alert' | 'reminder' | 'recovery';
    if (event === 'alert') {
      inc.notified = true;
      inc.lastEvidence = e.evidence.slice(0, 8000);
      batch.incidents.push({ ...inc });
    }
    this.metrics.alertEvents.inc({ probe: p.id, rule: e.rule, type: event });
    const reminderNo = event === 'reminder' ? (this.states.get(stateKey(p.id, e.rule))?.reminders ?? 0) : 0;
    const payload: Omit<AlertPayload, 'id'> = {
      event,
      probe: p.id,
      kind: p.kind,
      check: p.describe,
      rule: e.rule,
      incident: e.incidentId,
      title: titleFor(event, p.id, e.rule),
      summary: e.message,
      since: new Date(e.since).toISOString(),
      at: new Date(now).toISOString(),
      ...(event !== 'alert' ? { duration: formatDuration(now - e.since) } : {}),
      evidence: event === 'recovery' ? '' : e.evidence.slice(0, 4000),
      statusPage: this.statusPage,
      ...(this.opts.plan.target ? { target: this.opts.plan.target } : {}),
    };
    const targets = [...this.notifiers.values()].filter((n) => !p.notify || p.notify.includes(n.name));
    if (targets.length === 0) logger.warn({ probe: p.id, rule: e.rule, incident: e.incidentId }, `${payload.title} (no notifier configured: this log line is the only alert)`);
    for (const n of targets) {
      const entry: Omit<OutboxEntry, 'status' | 'attempts' | 'lastError' | 'deliveredAt'> = {
        id: randomUUID(),
        dedupeKey: `${e.incidentId}:${event}${event === 'reminder' ? `:${reminderNo}` : ''}:${n.name}`,
        incidentId: e.incidentId,
        kind: event,
        notifier: n.name,
        payload,
        createdAt: now,
        nextAttemptAt: now,
      };
      batch.outbox.push(entry);
    }
  }

  /** Batches writes for a few ms; resolves once the batch is committed (acknowledged). */
  private enqueue(b: Required<WriteBatch>): Promise<void> {
    this.pending.samples.push(...b.samples);
    this.pending.alertStates.push(...b.alertStates);
    this.pending.incidents.push(...b.incidents);
    this.pending.outbox.push(...b.outbox);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), this.opts.flushMs ?? 100);
    return done.catch(() => undefined);
  }

  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.flushing) await this.flushing;
    const batch = this.pending;
    const waiters = this.waiters;
    if (waiters.length === 0 && batch.samples.length + batch.alertStates.length + batch.incidents.length + batch.outbox.length === 0) return;
    this.pending = { samples: [], alertStates: [], incidents: [], outbox: [] };
    this.waiters = [];
    this.flushing = (async () => {
      try {
        await this.opts.store.commit(batch);
        this.committedSamples += batch.samples.length;
        this.lastCommitError = undefined;
        for (const w of waiters) w.resolve();
        if (batch.outbox.length > 0) this.dispatcher.kick();
      } catch (err) {
        const message = (err as Error).message;
        this.lastCommitError = message;
        this.metrics.storeErrors.inc({});
        this.opts.logger.error({ err: message, samples: batch.samples.length }, 'store write failed; retrying');
        // Keep the batch (state and intent first); samples are dropped beyond a cap.
        this.pending = {
          samples: [...batch.samples, ...this.pending.samples].slice(-MAX_PENDING_SAMPLES),
          alertStates: [...batch.alertStates, ...this.pending.alertStates],
          incidents: [...batch.incidents, ...this.pending.incidents],
          outbox: [...batch.outbox, ...this.pending.outbox],
        };
        this.waiters = [...waiters, ...this.waiters];
        if (!this.stopped && !this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), 1000);
        else if (this.stopped) for (const w of this.waiters.splice(0)) w.reject(err as Error);
      }
    })();
    await this.flushing;
    this.flushing = undefined;
  }

  status(): ProbeStatus[] {
    const now = Date.now();
    return this.opts.plan.probes.map((p) => {
      const r = this.last.get(p.id);
      const c = this.counts.get(p.id) ?? { runs: 0, failures: 0 };
      const rules = (['down', 'error-rate', 'latency', 'cert-expiry'] as RuleId[])
        .map((rule) => ({ rule, s: this.states.get(stateKey(p.id, rule)) }))
        .filter((x) => x.s)
        .map(({ rule, s }) => ({ rule, status: s!.status, since: s!.status === 'firing' ? s!.since : null, incident: s!.incidentId }));
      return {
        id: p.id,
        kind: p.kind,
        check: p.describe,
        intervalMs: p.intervalMs,
        derived: p.derived,
        up: r ? r.ok : null,
        lastRunAt: r ? r.at : null,
        lastMessage: r?.message ?? 'not run yet',
        lastLatencyMs: r?.latencyMs ?? null,
        runs: c.runs,
        failures: c.failures,
        inMaintenance: inMaintenance(this.opts.plan.maintenance, p.id, now),
        rules,
      };
    });
  }

  openIncidents(): Incident[] {
    return [...this.incidents.values()];
  }

  /** Stops scheduling, waits for runs in flight, commits what is pending and stops delivery. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    for (const t of this.timers.values()) clearTimeout(t);
    clearInterval(this.compactTimer);
    const inflight = [...this.inFlight.values()];
    await Promise.race([Promise.all(inflight), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.stopped = true;
    this.abort.abort();
    await this.flush();
    await this.dispatcher.stop();
    for (const n of this.notifiers.values()) await n.close();
    await this.http.close();
  }
}
