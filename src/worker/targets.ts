import type { Logger } from 'pino';
import type { Session } from '../identity/session.js';
import { MonitorHttp } from '../monitor/client.js';
import { resolveMonitorPlan, type MonitorPlan, type ProbePlan } from '../monitor/config.js';
import { createNotifier, type Notifier } from '../monitor/notifiers/index.js';
import type { SqlExecutor } from '../store/driver.js';
import { configOf, listFleetTargets, type FleetTarget } from './fleet.js';

/** A fleet target as this worker runs it: its monitor plan (probe ids prefixed "name/"), HTTP client, sessions and notifiers. */
export interface ResolvedTarget {
  row: FleetTarget;
  plan: MonitorPlan;
  /** Local probe name → plan whose id is `${target}/${probe}` (the id in the store, alerts and logs). */
  probes: Map<string, ProbePlan>;
  http: MonitorHttp;
  sessions: Map<string, Session>;
  notifiers: Map<string, Notifier>;
}

export interface TargetCacheOptions {
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  allowShortIntervals: boolean;
  ca?: string;
}

/**
 * The fleet as this worker knows it: rows of fleet_targets resolved with this worker's environment,
 * re-read on `refresh()` and rebuilt only when a row changed. A target whose config no longer
 * resolves here is left out, with one log line per change.
 */
export class TargetCache {
  private readonly byName = new Map<string, ResolvedTarget>();
  private readonly broken = new Map<string, number>();

  constructor(private readonly opts: TargetCacheOptions) {}

  get(name: string): ResolvedTarget | undefined {
    return this.byName.get(name);
  }

  all(): ResolvedTarget[] {
    return [...this.byName.values()];
  }

  async refresh(db: SqlExecutor): Promise<void> {
    // Versions first: the configs themselves are read only when one changed.
    const versions = await db.all(`SELECT name, updated_at, enabled FROM fleet_targets`);
    const changed = versions.some((v) => {
      const have = this.byName.get(String(v['name']));
      return !have ? this.broken.get(String(v['name'])) !== Number(v['updated_at']) : have.row.updatedAt !== Number(v['updated_at']) || have.row.enabled !== (Number(v['enabled']) === 1);
    });
    if (!changed && versions.length === this.byName.size + [...this.broken.keys()].filter((n) => !this.byName.has(n)).length) return;
    const rows = await listFleetTargets(db);
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.name);
      if (!row.enabled) {
        await this.drop(row.name);
        continue;
      }
      const have = this.byName.get(row.name);
      if (have && have.row.updatedAt === row.updatedAt) {
        have.row = row;
        continue;
      }
      if (this.broken.get(row.name) === row.updatedAt) continue;
      try {
        const next = this.resolve(row);
        await this.drop(row.name);
        this.byName.set(row.name, next);
        this.broken.delete(row.name);
      } catch (err) {
        this.broken.set(row.name, row.updatedAt);
        this.opts.logger.error({ target: row.name, err: (err as Error).message }, `target ${row.name}: its config does not resolve on this worker; skipped until it changes`);
      }
    }
    for (const name of [...this.byName.keys()]) if (!seen.has(name)) await this.drop(name);
  }

  private resolve(row: FleetTarget): ResolvedTarget {
    const config = configOf(row, this.opts.env);
    const plan = resolveMonitorPlan({ config, file: row.configFile, dir: row.configDir }, { allowShortIntervals: this.opts.allowShortIntervals });
    const probes = new Map<string, ProbePlan>();
    for (const p of plan.probes) probes.set(p.id, { ...p, id: `${row.name}/${p.id}` });
    const http = new MonitorHttp({
      maxRequestsPerHour: plan.maxRequestsPerHour,
      rate: plan.maxRate,
      timeoutMs: Math.max(...plan.probes.map((p) => p.timeoutMs), 1000),
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
      userAgent: 'launchready-worker',
    });
    const notifiers = new Map<string, Notifier>();
    for (const n of plan.notifiers) notifiers.set(n.name, createNotifier(n, () => http.current(), plan.dir));
    return { row, plan, probes, http, sessions: new Map(), notifiers };
  }

  private async drop(name: string): Promise<void> {
    const t = this.byName.get(name);
    if (!t) return;
    this.byName.delete(name);
    for (const n of t.notifiers.values()) await n.close().catch(() => undefined);
    await t.http.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const name of [...this.byName.keys()]) await this.drop(name);
  }
}
