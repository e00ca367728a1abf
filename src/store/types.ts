import type { Report, Verdict } from '../model/report.js';

/**
 * The embedded store's vocabulary. One schema for SQLite (default, one file, WAL) and PostgreSQL
 * (teams): monitor history and its down-sampled roll-ups, alert state, incidents, the notification
 * outbox, DNS/mail baselines, and audit history for the dashboard.
 *
 * Times are milliseconds since the epoch (BIGINT in both databases) so that arithmetic is the same
 * everywhere; ISO strings appear only where a report already carries one.
 */

/** One probe run, as acknowledged history. */
export interface ProbeSample {
  probeId: string;
  at: number;
  ok: boolean;
  latencyMs: number | null;
  /** HTTP status of the (last) response, when there was one. */
  httpStatus: number | null;
  /** One line a person can read: "HTTP 503 (expected [STATUS] == 200)". Already redacted. */
  message: string;
  /** A probe-specific measurement (certificate days left, record count …). */
  value: number | null;
}

/** Down-sampled history: one row per probe per bucket once raw samples age out. */
export interface ProbeRollup {
  probeId: string;
  bucketStart: number;
  bucketMs: number;
  count: number;
  failures: number;
  latencySum: number;
  latencyMax: number;
  /** p95 of the bucket's raw latencies (the max of merged p95s when a bucket was rolled up twice). */
  latencyP95: number;
}

export interface RetentionPolicy {
  /** Raw samples are kept this long, then rolled up. */
  rawMs: number;
  /** Roll-ups are kept this long, then deleted. */
  rollupMs: number;
  /** Width of a roll-up bucket. */
  bucketMs: number;
  /** Resolved incidents and delivered/failed outbox rows are kept this long. */
  incidentsMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  rawMs: 48 * 3600_000,
  rollupMs: 90 * 24 * 3600_000,
  bucketMs: 3600_000,
  incidentsMs: 180 * 24 * 3600_000,
};

/** The persisted state of one alert rule of one probe (opaque JSON owned by the monitor). */
export interface AlertStateRow {
  probeId: string;
  rule: string;
  state: unknown;
  updatedAt: number;
}

export interface Incident {
  id: string;
  probeId: string;
  rule: string;
  openedAt: number;
  resolvedAt: number | null;
  title: string;
  /** Redacted evidence of the last failing check. */
  lastEvidence: string;
  /** Whether an alert for it was queued (a maintenance window can keep it silent). */
  notified: boolean;
}

export type OutboxKind = 'alert' | 'recovery' | 'reminder';
export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** A notification the monitor has decided to send: written before any delivery is attempted. */
export interface OutboxEntry {
  id: string;
  /** Unique: the same decision can never be queued twice (restart, replay). */
  dedupeKey: string;
  incidentId: string;
  kind: OutboxKind;
  notifier: string;
  payload: unknown;
  createdAt: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  deliveredAt: number | null;
}

/** Everything one monitor step changes, committed in one transaction (history + state + intent). */
export interface WriteBatch {
  samples?: ProbeSample[];
  alertStates?: AlertStateRow[];
  /** Inserted, or updated (resolvedAt, lastEvidence, notified) when the id exists. */
  incidents?: Incident[];
  /** Inserted unless an entry with the same dedupeKey exists. */
  outbox?: Array<Omit<OutboxEntry, 'status' | 'attempts' | 'lastError' | 'deliveredAt'>>;
}

export interface OutboxStats {
  pending: number;
  delivered: number;
  failed: number;
  /** Entries with at least one failed attempt that are still pending, and the last error per notifier. */
  retrying: number;
  lastErrors: Array<{ notifier: string; error: string; at: number }>;
}

export interface AuditSummary {
  id: string;
  target: string;
  startedAt: string;
  verdict: Verdict;
  /** null: the run's target could not be tested, so it has no score. */
  score: number | null;
  durationMs: number;
  /** Counts of failing findings by severity. */
  failing: Record<string, number>;
}

export interface StoredAudit extends AuditSummary {
  report: Report;
}

export interface AuditFindingRow {
  auditId: string;
  findingId: string;
  check: string;
  area: string;
  severity: string;
  status: string;
  title: string;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, with any password removed (for logs and /status). */
  readonly location: string;

  commit(batch: WriteBatch): Promise<void>;

  recentSamples(probeId: string, limit: number): Promise<ProbeSample[]>;
  samplesBetween(probeId: string, fromMs: number, toMs: number, limit?: number): Promise<ProbeSample[]>;
  rollupsBetween(probeId: string, fromMs: number, toMs: number): Promise<ProbeRollup[]>;
  countSamples(probeId?: string): Promise<number>;
  /** Rolls raw samples older than the policy up into buckets and deletes what aged out. Idempotent. */
  compact(policy: RetentionPolicy, now: number): Promise<{ rolledUp: number; deletedRollups: number }>;

  loadAlertStates(): Promise<AlertStateRow[]>;
  openIncidents(): Promise<Incident[]>;
  listIncidents(limit: number): Promise<Incident[]>;

  /** Pending entries whose next attempt is due, oldest first. */
  dueOutbox(now: number, limit: number): Promise<OutboxEntry[]>;
  listOutbox(incidentId?: string): Promise<OutboxEntry[]>;
  markDelivered(id: string, at: number): Promise<void>;
  markAttemptFailed(id: string, attempts: number, nextAttemptAt: number, error: string, final: boolean): Promise<void>;
  outboxStats(): Promise<OutboxStats>;

  getBaseline(key: string): Promise<{ value: unknown; recordedAt: number } | undefined>;
  setBaseline(key: string, value: unknown, at: number): Promise<void>;
  clearBaselines(prefix?: string): Promise<number>;

  /** Keeps an audit report (and its findings, for queries across runs); returns its id. */
  saveAudit(report: Report): Promise<string>;
  /** Newest first; every target when `target` is undefined. */
  listAudits(target?: string, limit?: number): Promise<AuditSummary[]>;
  getAudit(id: string): Promise<StoredAudit | undefined>;
  auditFindings(auditId: string): Promise<AuditFindingRow[]>;

  close(): Promise<void>;
}
