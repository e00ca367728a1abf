import type { Dialect, SqlDriver } from './driver.js';

/**
 * One schema for both databases. Each migration is written once; the few words the dialects spell
 * differently are tokens: {id} (an auto-increment primary key) and {real} (a float).
 * Append new migrations; never edit one that has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'monitor history, alert state, incidents, outbox, baselines, audit history',
    statements: [
      `CREATE TABLE probe_samples (
        id {id},
        probe_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        ok INTEGER NOT NULL,
        latency_ms {real},
        http_status INTEGER,
        message TEXT NOT NULL,
        value {real}
      )`,
      `CREATE INDEX probe_samples_probe_at ON probe_samples (probe_id, at)`,
      `CREATE INDEX probe_samples_at ON probe_samples (at)`,
      `CREATE TABLE probe_rollups (
        probe_id TEXT NOT NULL,
        bucket_start BIGINT NOT NULL,
        bucket_ms BIGINT NOT NULL,
        count INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        latency_sum {real} NOT NULL,
        latency_max {real} NOT NULL,
        latency_p95 {real} NOT NULL,
        PRIMARY KEY (probe_id, bucket_start, bucket_ms)
      )`,
      `CREATE TABLE alert_states (
        probe_id TEXT NOT NULL,
        rule TEXT NOT NULL,
        state_json TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (probe_id, rule)
      )`,
      `CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        probe_id TEXT NOT NULL,
        rule TEXT NOT NULL,
        opened_at BIGINT NOT NULL,
        resolved_at BIGINT,
        title TEXT NOT NULL,
        last_evidence TEXT NOT NULL,
        notified INTEGER NOT NULL
      )`,
      `CREATE INDEX incidents_open ON incidents (resolved_at, opened_at)`,
      `CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        incident_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        notifier TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        last_error TEXT,
        last_attempt_at BIGINT,
        delivered_at BIGINT
      )`,
      `CREATE INDEX outbox_due ON outbox (status, next_attempt_at)`,
      `CREATE TABLE baselines (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        recorded_at BIGINT NOT NULL
      )`,
      `CREATE TABLE audit_runs (
        id TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        started_at TEXT NOT NULL,
        started_ms BIGINT NOT NULL,
        verdict TEXT NOT NULL,
        score INTEGER NOT NULL,
        duration_ms BIGINT NOT NULL,
        failing_json TEXT NOT NULL,
        report_json TEXT NOT NULL
      )`,
      `CREATE INDEX audit_runs_target ON audit_runs (target, started_ms)`,
      `CREATE TABLE audit_findings (
        id {id},
        audit_id TEXT NOT NULL,
        finding_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        area TEXT NOT NULL,
        severity TEXT NOT NULL,
        status TEXT NOT NULL,
        title TEXT NOT NULL
      )`,
      `CREATE INDEX audit_findings_audit ON audit_findings (audit_id)`,
      `CREATE INDEX audit_findings_finding ON audit_findings (finding_id)`,
    ],
  },
  {
    version: 2,
    name: 'fleet: targets with schedules, probe runs per location, judged slots, workers, scheduled audits',
    statements: [
      // A product the workers watch and audit: its launchready.yml as written (${VAR}s are resolved by each worker).
      `CREATE TABLE fleet_targets (
        name TEXT PRIMARY KEY,
        target TEXT,
        config_text TEXT NOT NULL,
        config_file TEXT NOT NULL,
        config_dir TEXT NOT NULL,
        schedule TEXT,
        schedule_source TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      // One probe run per slot per location: the key that makes a retried job record nothing twice.
      `CREATE TABLE fleet_runs (
        probe_id TEXT NOT NULL,
        slot BIGINT NOT NULL,
        location TEXT NOT NULL,
        ok INTEGER NOT NULL,
        message TEXT NOT NULL,
        latency_ms {real},
        http_status INTEGER,
        worker TEXT NOT NULL,
        due_at BIGINT NOT NULL,
        ran_at BIGINT NOT NULL,
        PRIMARY KEY (probe_id, slot, location)
      )`,
      `CREATE INDEX fleet_runs_ran ON fleet_runs (ran_at)`,
      // A slot judged once (confirmed bad, or good), whatever number of locations report it.
      `CREATE TABLE fleet_slots (
        probe_id TEXT NOT NULL,
        slot BIGINT NOT NULL,
        verdict TEXT NOT NULL,
        locations_json TEXT NOT NULL,
        judged_at BIGINT NOT NULL,
        PRIMARY KEY (probe_id, slot)
      )`,
      `CREATE TABLE fleet_workers (
        id TEXT PRIMARY KEY,
        location TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        concurrency INTEGER NOT NULL,
        started_at BIGINT NOT NULL,
        heartbeat_at BIGINT NOT NULL,
        stopped_at BIGINT
      )`,
      // How far ahead each target's probe slots and audit ticks are queued: whichever worker plans next starts there.
      `CREATE TABLE fleet_plan (
        target_name TEXT PRIMARY KEY,
        planned_until BIGINT NOT NULL,
        config_updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE fleet_audits (
        target_name TEXT NOT NULL,
        tick BIGINT NOT NULL,
        status TEXT NOT NULL,
        audit_id TEXT,
        worker TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        started_at BIGINT NOT NULL,
        finished_at BIGINT,
        error TEXT,
        PRIMARY KEY (target_name, tick)
      )`,
    ],
  },
];

const TOKENS: Record<Dialect, Record<string, string>> = {
  sqlite: { id: 'INTEGER PRIMARY KEY AUTOINCREMENT', real: 'REAL' },
  postgres: { id: 'BIGSERIAL PRIMARY KEY', real: 'DOUBLE PRECISION' },
};

export function renderStatement(sql: string, dialect: Dialect): string {
  return sql.replace(/\{(id|real)\}/g, (_m, t: string) => TOKENS[dialect][t]!);
}

/**
 * Brings the database to the newest schema. PostgreSQL takes an advisory lock so two monitors
 * starting at once do not race; SQLite's write lock does the same.
 */
export async function migrate(db: SqlDriver, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  await db.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
  return db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.all(`SELECT pg_advisory_xact_lock(7402117)`);
    const done = new Set((await tx.all(`SELECT version FROM schema_migrations`)).map((r) => Number(r['version'])));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      for (const s of m.statements) await tx.run(renderStatement(s, db.dialect));
      await tx.run(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, [m.version, m.name, Date.now()]);
      applied.push(m.version);
    }
    return applied;
  });
}
