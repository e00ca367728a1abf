import type { Verdict } from '../model/report.js';
import type { SqlDriver } from '../store/driver.js';
import type { Store } from '../store/types.js';
import { parseCron } from '../worker/cron.js';
import { listFleetTargets } from '../worker/fleet.js';
import { targetKey } from './history.js';

/**
 * The fleet page's data: every product registered for the workers (`fleet_targets`) — its last
 * audit, score trend, open blockers, monitor state, unconfirmed failures per location and its audit
 * schedule — plus the workers that beat recently. Read from the shared store only; on a SQLite
 * store (one machine, no workers) the fleet is simply empty.
 */
export interface FleetRow {
  name: string;
  target: string | null;
  /** Key of the target's audit history page, when it has audits. */
  historyKey?: string;
  lastAudit?: { id: string; startedAt: string; verdict: Verdict; score: number };
  /** Scores of the last audits, oldest first. */
  trend: number[];
  blockers: string[];
  probes: { total: number; up: number; down: number };
  openIncidents: Array<{ id: string; probeId: string; rule: string; openedAt: number }>;
  /** Failures in the last hour that were not confirmed, per location. */
  unconfirmed: Array<{ location: string; failures: number }>;
  schedule: string | null;
  scheduleSource: 'config' | 'dashboard';
  nextRun?: number;
  lastScheduled?: { tick: number; status: string; auditId: string | null; error: string | null };
}

export interface FleetView {
  targets: FleetRow[];
  workers: Array<{ id: string; location: string; heartbeatAt: number; concurrency: number }>;
  /** Jobs that failed every retry (PostgreSQL only; null when the queue schema is not there). */
  deadLetters: number | null;
}

const TREND = 10;

function normalized(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

export async function fleetView(store: Store, sql: SqlDriver, now = Date.now()): Promise<FleetView> {
  const rows = await listFleetTargets(sql);
  const targets: FleetRow[] = [];
  for (const t of rows.slice(0, 500)) {
    const label = t.target ? normalized(t.target) : t.name;
    const audits = await store.listAudits(label, TREND);
    const last = audits[0];
    const full = last ? await store.getAudit(last.id) : undefined;
    const prefix = `${t.name}/`;
    const latest = await sql.all(
      `SELECT s.probe_id, s.ok FROM probe_samples s JOIN (SELECT probe_id, MAX(at) AS at FROM probe_samples WHERE substr(probe_id, 1, ?) = ? AND at > ? GROUP BY probe_id) m
         ON m.probe_id = s.probe_id AND m.at = s.at`,
      [prefix.length, prefix, now - 24 * 3600_000],
    );
    const up = latest.filter((r) => Number(r['ok']) === 1).length;
    const incidents = await sql.all(`SELECT id, probe_id, rule, opened_at FROM incidents WHERE resolved_at IS NULL AND substr(probe_id, 1, ?) = ? ORDER BY opened_at`, [prefix.length, prefix]);
    const unconfirmed = await sql.all(
      `SELECT r.location, COUNT(*) AS n FROM fleet_runs r LEFT JOIN fleet_slots s ON s.probe_id = r.probe_id AND s.slot = r.slot
        WHERE substr(r.probe_id, 1, ?) = ? AND r.ok = 0 AND r.ran_at > ? AND (s.verdict IS NULL OR s.verdict = 'ok')
        GROUP BY r.location ORDER BY r.location`,
      [prefix.length, prefix, now - 3600_000],
    );
    const sched = (await sql.all(`SELECT tick, status, audit_id, error FROM fleet_audits WHERE target_name = ? ORDER BY tick DESC LIMIT 1`, [t.name]))[0];
    const next = t.schedule ? parseCron(t.schedule).ticks(now, now + 366 * 86_400_000, 1)[0] : undefined;
    const row: FleetRow = {
      name: t.name,
      target: t.target,
      trend: audits.map((a) => a.score).reverse(),
      blockers: full?.report.blockers ?? [],
      probes: { total: latest.length, up, down: latest.length - up },
      openIncidents: incidents.map((r) => ({ id: String(r['id']), probeId: String(r['probe_id']), rule: String(r['rule']), openedAt: Number(r['opened_at']) })),
      unconfirmed: unconfirmed.map((r) => ({ location: String(r['location']), failures: Number(r['n']) })),
      schedule: t.schedule,
      scheduleSource: t.scheduleSource,
    };
    if (last) {
      row.historyKey = targetKey(label);
      row.lastAudit = { id: last.id, startedAt: last.startedAt, verdict: last.verdict, score: last.score };
    }
    if (next !== undefined) row.nextRun = next;
    if (sched) row.lastScheduled = { tick: Number(sched['tick']), status: String(sched['status']), auditId: sched['audit_id'] === null ? null : String(sched['audit_id']), error: sched['error'] === null ? null : String(sched['error']) };
    targets.push(row);
  }
  const workers = (await sql.all(`SELECT id, location, heartbeat_at, concurrency FROM fleet_workers WHERE stopped_at IS NULL AND heartbeat_at > ? ORDER BY location, id`, [now - 60_000])).map((r) => ({
    id: String(r['id']),
    location: String(r['location']),
    heartbeatAt: Number(r['heartbeat_at']),
    concurrency: Number(r['concurrency']),
  }));
  let deadLetters: number | null = null;
  if (sql.dialect === 'postgres') {
    try {
      deadLetters = Number((await sql.all(`SELECT COUNT(*) AS n FROM pgboss.job WHERE name = 'lr-dead'`))[0]?.['n'] ?? 0);
    } catch {
      deadLetters = null;
    }
  }
  return { targets, workers, deadLetters };
}
