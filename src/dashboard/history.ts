import { createHash } from 'node:crypto';
import type { Verdict } from '../model/report.js';
import type { SqlDriver } from '../store/driver.js';

/** Read queries over the store's audit tables that the Store interface does not offer. */

export interface TargetSummary {
  /** A short stable key for URLs (the target itself can be any string). */
  key: string;
  target: string;
  audits: number;
  lastStartedAt: string;
  lastVerdict: Verdict;
  /** null: the latest run's target could not be tested. */
  lastScore: number | null;
  lastAuditId: string;
}

export function targetKey(target: string): string {
  return createHash('sha256').update(target, 'utf8').digest('hex').slice(0, 16);
}

const MAX_TARGETS = 500;

export async function listTargets(sql: SqlDriver): Promise<TargetSummary[]> {
  const rows = await sql.all(
    `SELECT r.target, r.id, r.started_at, r.verdict, r.score, t.n
       FROM audit_runs r
       JOIN (SELECT target, COUNT(*) AS n, MAX(started_ms) AS last_ms FROM audit_runs GROUP BY target) t
         ON t.target = r.target AND t.last_ms = r.started_ms
      ORDER BY r.started_ms DESC, r.id
      LIMIT ?`,
    [MAX_TARGETS * 2],
  );
  const seen = new Set<string>();
  const out: TargetSummary[] = [];
  for (const r of rows) {
    const target = String(r['target']);
    if (seen.has(target)) continue;
    seen.add(target);
    out.push({
      key: targetKey(target),
      target,
      audits: Number(r['n']),
      lastStartedAt: String(r['started_at']),
      lastVerdict: String(r['verdict']) as Verdict,
      lastScore: Number(r['score']) < 0 ? null : Number(r['score']),
      lastAuditId: String(r['id']),
    });
  }
  return out.slice(0, MAX_TARGETS);
}

export async function targetByKey(sql: SqlDriver, key: string): Promise<TargetSummary | undefined> {
  if (!/^[0-9a-f]{16}$/.test(key)) return undefined;
  return (await listTargets(sql)).find((t) => t.key === key);
}

export interface FindingOccurrence {
  auditId: string;
  startedAt: string;
  status: string;
  severity: string;
}

/** The same finding id across the target's audits, newest first. */
export async function findingHistory(sql: SqlDriver, target: string, findingId: string, limit = 50): Promise<FindingOccurrence[]> {
  const rows = await sql.all(
    `SELECT a.id, a.started_at, f.status, f.severity FROM audit_findings f JOIN audit_runs a ON a.id = f.audit_id
      WHERE f.finding_id = ? AND a.target = ? ORDER BY a.started_ms DESC, a.id LIMIT ?`,
    [findingId, target, limit],
  );
  return rows.map((r) => ({ auditId: String(r['id']), startedAt: String(r['started_at']), status: String(r['status']), severity: String(r['severity']) }));
}
