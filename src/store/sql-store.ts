import { randomUUID } from 'node:crypto';
import type { Report, Verdict } from '../model/report.js';
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './driver.js';
import { migrate } from './migrations.js';
import type {
  AlertStateRow,
  AuditFindingRow,
  AuditSummary,
  Incident,
  OutboxEntry,
  OutboxStats,
  ProbeRollup,
  ProbeSample,
  RetentionPolicy,
  Store,
  StoredAudit,
  WriteBatch,
} from './types.js';

/** Rows per multi-row INSERT (well under SQLite's and PostgreSQL's parameter limits). */
const INSERT_CHUNK = 200;
/** Raw samples rolled up per compaction round, and rounds per call: compaction is bounded work. */
const COMPACT_ROWS = 20_000;
const COMPACT_ROUNDS = 50;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

function toSample(r: Row): ProbeSample {
  return {
    probeId: String(r['probe_id']),
    at: num(r['at']),
    ok: num(r['ok']) === 1,
    latencyMs: numOrNull(r['latency_ms']),
    httpStatus: numOrNull(r['http_status']),
    message: String(r['message']),
    value: numOrNull(r['value']),
  };
}

function toIncident(r: Row): Incident {
  return {
    id: String(r['id']),
    probeId: String(r['probe_id']),
    rule: String(r['rule']),
    openedAt: num(r['opened_at']),
    resolvedAt: numOrNull(r['resolved_at']),
    title: String(r['title']),
    lastEvidence: String(r['last_evidence']),
    notified: num(r['notified']) === 1,
  };
}

function toOutbox(r: Row): OutboxEntry {
  return {
    id: String(r['id']),
    dedupeKey: String(r['dedupe_key']),
    incidentId: String(r['incident_id']),
    kind: String(r['kind']) as OutboxEntry['kind'],
    notifier: String(r['notifier']),
    payload: JSON.parse(String(r['payload_json'])) as unknown,
    createdAt: num(r['created_at']),
    status: String(r['status']) as OutboxEntry['status'],
    attempts: num(r['attempts']),
    nextAttemptAt: num(r['next_attempt_at']),
    lastError: r['last_error'] === null || r['last_error'] === undefined ? null : String(r['last_error']),
    deliveredAt: numOrNull(r['delivered_at']),
  };
}

function toAuditSummary(r: Row): AuditSummary {
  return {
    id: String(r['id']),
    target: String(r['target']),
    startedAt: String(r['started_at']),
    verdict: String(r['verdict']) as Verdict,
    // -1 is how an ungraded run (its target could not be tested) is kept in the NOT NULL column.
    score: num(r['score']) < 0 ? null : num(r['score']),
    durationMs: num(r['duration_ms']),
    failing: JSON.parse(String(r['failing_json'])) as Record<string, number>,
  };
}

async function insertMany(tx: SqlExecutor, head: string, columns: number, rows: SqlValue[][], tail = ''): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    const one = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    await tx.run(`${head} VALUES ${chunk.map(() => one).join(', ')}${tail}`, chunk.flat());
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** The Store over either SQL driver: every query is written once. */
export class SqlStore implements Store {
  private constructor(private readonly db: SqlDriver) {}

  static async open(db: SqlDriver): Promise<SqlStore> {
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    return new SqlStore(db);
  }

  get kind(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  get location(): string {
    return this.db.location;
  }

  async commit(batch: WriteBatch): Promise<void> {
    const samples = batch.samples ?? [];
    const states = batch.alertStates ?? [];
    const incidents = batch.incidents ?? [];
    const outbox = batch.outbox ?? [];
    if (samples.length + states.length + incidents.length + outbox.length === 0) return;
    await this.db.transaction(async (tx) => {
      await insertMany(
        tx,
        'INSERT INTO probe_samples (probe_id, at, ok, latency_ms, http_status, message, value)',
        7,
        samples.map((s) => [s.probeId, Math.round(s.at), s.ok ? 1 : 0, s.latencyMs, s.httpStatus, s.message, s.value]),
      );
      for (const s of states) {
        await tx.run(
          `INSERT INTO alert_states (probe_id, rule, state_json, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (probe_id, rule) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at`,
          [s.probeId, s.rule, JSON.stringify(s.state), Math.round(s.updatedAt)],
        );
      }
      for (const i of incidents) {
        await tx.run(
          `INSERT INTO incidents (id, probe_id, rule, opened_at, resolved_at, title, last_evidence, notified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET resolved_at = excluded.resolved_at, title = excluded.title,
             last_evidence = excluded.last_evidence, notified = excluded.notified`,
          [i.id, i.probeId, i.rule, Math.round(i.openedAt), i.resolvedAt === null ? null : Math.round(i.resolvedAt), i.title, i.lastEvidence, i.notified ? 1 : 0],
        );
      }
      for (const o of outbox) {
        await tx.run(
          `INSERT INTO outbox (id, dedupe_key, incident_id, kind, notifier, payload_json, created_at, status, attempts, next_attempt_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
          [o.id, o.dedupeKey, o.incidentId, o.kind, o.notifier, JSON.stringify(o.payload), Math.round(o.createdAt), Math.round(o.nextAttemptAt)],
        );
      }
    });
  }

  async recentSamples(probeId: string, limit: number): Promise<ProbeSample[]> {
    const rows = await this.db.all(`SELECT * FROM probe_samples WHERE probe_id = ? ORDER BY at DESC, id DESC LIMIT ?`, [probeId, limit]);
    return rows.map(toSample).reverse();
  }

  async samplesBetween(probeId: string, fromMs: number, toMs: number, limit = 10_000): Promise<ProbeSample[]> {
    const rows = await this.db.all(`SELECT * FROM probe_samples WHERE probe_id = ? AND at >= ? AND at < ? ORDER BY at, id LIMIT ?`, [probeId, fromMs, toMs, limit]);
    return rows.map(toSample);
  }

  async rollupsBetween(probeId: string, fromMs: number, toMs: number): Promise<ProbeRollup[]> {
    const rows = await this.db.all(`SELECT * FROM probe_rollups WHERE probe_id = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start`, [probeId, fromMs, toMs]);
    return rows.map((r) => ({
      probeId: String(r['probe_id']),
      bucketStart: num(r['bucket_start']),
      bucketMs: num(r['bucket_ms']),
      count: num(r['count']),
      failures: num(r['failures']),
      latencySum: num(r['latency_sum']),
      latencyMax: num(r['latency_max']),
      latencyP95: num(r['latency_p95']),
    }));
  }

  async countSamples(probeId?: string): Promise<number> {
    const rows = probeId
      ? await this.db.all(`SELECT COUNT(*) AS n FROM probe_samples WHERE probe_id = ?`, [probeId])
      : await this.db.all(`SELECT COUNT(*) AS n FROM probe_samples`);
    return num(rows[0]?.['n'] ?? 0);
  }

  async compact(policy: RetentionPolicy, now: number): Promise<{ rolledUp: number; deletedRollups: number }> {
    const cutoff = Math.floor((now - policy.rawMs) / policy.bucketMs) * policy.bucketMs;
    let rolledUp = 0;
    for (let round = 0; round < COMPACT_ROUNDS; round++) {
      const n = await this.db.transaction(async (tx) => {
        const rows = await tx.all(`SELECT id, probe_id, at, ok, latency_ms FROM probe_samples WHERE at < ? ORDER BY id LIMIT ?`, [cutoff, COMPACT_ROWS]);
        if (rows.length === 0) return 0;
        const buckets = new Map<string, { probeId: string; start: number; count: number; failures: number; latencies: number[] }>();
        for (const r of rows) {
          const probeId = String(r['probe_id']);
          const start = Math.floor(num(r['at']) / policy.bucketMs) * policy.bucketMs;
          const key = `${probeId}\u0000${start}`;
          let b = buckets.get(key);
          if (!b) buckets.set(key, (b = { probeId, start, count: 0, failures: 0, latencies: [] }));
          b.count += 1;
          if (num(r['ok']) !== 1) b.failures += 1;
          const l = numOrNull(r['latency_ms']);
          if (l !== null) b.latencies.push(l);
        }
        for (const b of buckets.values()) {
          const sorted = b.latencies.sort((x, y) => x - y);
          const sum = sorted.reduce((a, x) => a + x, 0);
          await tx.run(
            `INSERT INTO probe_rollups (probe_id, bucket_start, bucket_ms, count, failures, latency_sum, latency_max, latency_p95)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (probe_id, bucket_start, bucket_ms) DO UPDATE SET
               count = probe_rollups.count + excluded.count,
               failures = probe_rollups.failures + excluded.failures,
               latency_sum = probe_rollups.latency_sum + excluded.latency_sum,
               latency_max = CASE WHEN excluded.latency_max > probe_rollups.latency_max THEN excluded.latency_max ELSE probe_rollups.latency_max END,
               latency_p95 = CASE WHEN excluded.latency_p95 > probe_rollups.latency_p95 THEN excluded.latency_p95 ELSE probe_rollups.latency_p95 END`,
            [b.probeId, b.start, policy.bucketMs, b.count, b.failures, sum, sorted[sorted.length - 1] ?? 0, percentile(sorted, 95)],
          );
        }
        const ids = rows.map((r) => num(r['id']));
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500);
          await tx.run(`DELETE FROM probe_samples WHERE id IN (${chunk.map(() => '?').join(', ')})`, chunk);
        }
        return rows.length;
      });
      rolledUp += n;
      if (n < COMPACT_ROWS) break;
      // Let probes and HTTP handlers run between rounds (SQLite work is synchronous).
      await new Promise((r) => setImmediate(r));
    }
    const deletedRollups = await this.db.run(`DELETE FROM probe_rollups WHERE bucket_start < ?`, [now - policy.rollupMs]);
    await this.db.run(`DELETE FROM incidents WHERE resolved_at IS NOT NULL AND resolved_at < ?`, [now - policy.incidentsMs]);
    await this.db.run(`DELETE FROM outbox WHERE status <> 'pending' AND created_at < ?`, [now - policy.incidentsMs]);
    return { rolledUp, deletedRollups };
  }

  async loadAlertStates(): Promise<AlertStateRow[]> {
    const rows = await this.db.all(`SELECT * FROM alert_states`);
    return rows.map((r) => ({ probeId: String(r['probe_id']), rule: String(r['rule']), state: JSON.parse(String(r['state_json'])) as unknown, updatedAt: num(r['updated_at']) }));
  }

  async openIncidents(): Promise<Incident[]> {
    return (await this.db.all(`SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY opened_at`)).map(toIncident);
  }

  async listIncidents(limit: number): Promise<Incident[]> {
    return (await this.db.all(`SELECT * FROM incidents ORDER BY opened_at DESC LIMIT ?`, [limit])).map(toIncident);
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db.all(`SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY created_at, id LIMIT ?`, [now, limit]);
    return rows.map(toOutbox);
  }

  async listOutbox(incidentId?: string): Promise<OutboxEntry[]> {
    const rows = incidentId
      ? await this.db.all(`SELECT * FROM outbox WHERE incident_id = ? ORDER BY created_at, id`, [incidentId])
      : await this.db.all(`SELECT * FROM outbox ORDER BY created_at, id`);
    return rows.map(toOutbox);
  }

  async markDelivered(id: string, at: number): Promise<void> {
    await this.db.run(`UPDATE outbox SET status = 'delivered', delivered_at = ?, attempts = attempts + 1, last_attempt_at = ? WHERE id = ?`, [at, at, id]);
  }

  async markAttemptFailed(id: string, attempts: number, nextAttemptAt: number, error: string, final: boolean): Promise<void> {
    await this.db.run(`UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, last_attempt_at = ? WHERE id = ?`, [
      final ? 'failed' : 'pending',
      attempts,
      nextAttemptAt,
      error.slice(0, 2000),
      Date.now(),
      id,
    ]);
  }

  async outboxStats(): Promise<OutboxStats> {
    const counts = await this.db.all(`SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`);
    const by = new Map(counts.map((r) => [String(r['status']), num(r['n'])]));
    const retrying = await this.db.all(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending' AND attempts > 0`);
    const errors = await this.db.all(
      `SELECT notifier, last_error, last_attempt_at FROM outbox WHERE last_error IS NOT NULL ORDER BY last_attempt_at DESC LIMIT 20`,
    );
    const seen = new Set<string>();
    const lastErrors: OutboxStats['lastErrors'] = [];
    for (const r of errors) {
      const notifier = String(r['notifier']);
      if (seen.has(notifier)) continue;
      seen.add(notifier);
      lastErrors.push({ notifier, error: String(r['last_error']), at: num(r['last_attempt_at'] ?? 0) });
    }
    return {
      pending: by.get('pending') ?? 0,
      delivered: by.get('delivered') ?? 0,
      failed: by.get('failed') ?? 0,
      retrying: num(retrying[0]?.['n'] ?? 0),
      lastErrors,
    };
  }

  async getBaseline(key: string): Promise<{ value: unknown; recordedAt: number } | undefined> {
    const r = (await this.db.all(`SELECT value_json, recorded_at FROM baselines WHERE key = ?`, [key]))[0];
    return r ? { value: JSON.parse(String(r['value_json'])) as unknown, recordedAt: num(r['recorded_at']) } : undefined;
  }

  async setBaseline(key: string, value: unknown, at: number): Promise<void> {
    await this.db.run(
      `INSERT INTO baselines (key, value_json, recorded_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, recorded_at = excluded.recorded_at`,
      [key, JSON.stringify(value), Math.round(at)],
    );
  }

  async clearBaselines(prefix?: string): Promise<number> {
    if (prefix === undefined) return this.db.run(`DELETE FROM baselines`);
    return this.db.run(`DELETE FROM baselines WHERE substr(key, 1, ?) = ?`, [prefix.length, prefix]);
  }

  async saveAudit(report: Report): Promise<string> {
    const id = randomUUID();
    const failing: Record<string, number> = {};
    for (const f of report.findings) if (f.status === 'fail') failing[f.severity] = (failing[f.severity] ?? 0) + 1;
    const startedMs = Date.parse(report.startedAt);
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO audit_runs (id, target, started_at, started_ms, verdict, score, duration_ms, failing_json, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, report.target, report.startedAt, Number.isFinite(startedMs) ? startedMs : Date.now(), report.verdict, report.score ?? -1, Math.round(report.durationMs), JSON.stringify(failing), JSON.stringify(report)],
      );
      await insertMany(
        tx,
        'INSERT INTO audit_findings (audit_id, finding_id, check_id, area, severity, status, title)',
        7,
        report.findings.map((f) => [id, f.id, f.check, f.area, f.severity, f.status, f.title]),
      );
    });
    return id;
  }

  async listAudits(target?: string, limit = 50): Promise<AuditSummary[]> {
    const cols = 'id, target, started_at, verdict, score, duration_ms, failing_json';
    const rows = target === undefined
      ? await this.db.all(`SELECT ${cols} FROM audit_runs ORDER BY started_ms DESC, id LIMIT ?`, [limit])
      : await this.db.all(`SELECT ${cols} FROM audit_runs WHERE target = ? ORDER BY started_ms DESC, id LIMIT ?`, [target, limit]);
    return rows.map(toAuditSummary);
  }

  async getAudit(id: string): Promise<StoredAudit | undefined> {
    const r = (await this.db.all(`SELECT * FROM audit_runs WHERE id = ?`, [id]))[0];
    if (!r) return undefined;
    return { ...toAuditSummary(r), report: JSON.parse(String(r['report_json'])) as Report };
  }

  async auditFindings(auditId: string): Promise<AuditFindingRow[]> {
    const rows = await this.db.all(`SELECT * FROM audit_findings WHERE audit_id = ? ORDER BY id`, [auditId]);
    return rows.map((r) => ({
      auditId: String(r['audit_id']),
      findingId: String(r['finding_id']),
      check: String(r['check_id']),
      area: String(r['area']),
      severity: String(r['severity']),
      status: String(r['status']),
      title: String(r['title']),
    }));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
