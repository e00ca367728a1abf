import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { ConfigError, parseConfigText } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { SqlDriver, SqlExecutor } from '../store/driver.js';
import { parseCron } from './cron.js';

/**
 * The fleet: the products the workers watch and audit, as rows of `fleet_targets` in the shared
 * store. A target is registered from its launchready.yml (`launchready worker --config FILE`), kept
 * as written — `${VAR}` references stay references and every worker resolves them from its own
 * environment, so no secret is copied into the database by us.
 *
 * `schedule` comes from the config's `schedule:` until an admin edits it in the dashboard; from then
 * on the dashboard's value stands (a re-registration updates the config but not the schedule).
 */
export interface FleetTarget {
  name: string;
  target: string | null;
  configText: string;
  configFile: string;
  configDir: string;
  schedule: string | null;
  scheduleSource: 'config' | 'dashboard';
  enabled: boolean;
  updatedAt: number;
}

const NAME_RE = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * A target's fleet name: the host (and port) of `target:` — with its path when it has one, so
 * products under one host stay apart (`app.example.com-shop`) — else its first domain, else the
 * config's directory.
 */
export function fleetNameOf(config: Config, file: string): string {
  let name: string;
  if (config.target) {
    const u = new URL(config.target);
    const path = u.pathname.replace(/^\/+|\/+$/g, '');
    name = path ? `${u.host}-${path.replace(/\//g, '-')}` : u.host;
  }
  else if (config.domains[0]) name = config.domains[0];
  else name = basename(dirname(resolve(file)));
  return name.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 100) || 'target';
}

export function isFleetName(name: string): boolean {
  return NAME_RE.test(name);
}

function toTarget(r: Record<string, unknown>): FleetTarget {
  return {
    name: String(r['name']),
    target: r['target'] === null || r['target'] === undefined ? null : String(r['target']),
    configText: String(r['config_text']),
    configFile: String(r['config_file']),
    configDir: String(r['config_dir']),
    schedule: r['schedule'] === null || r['schedule'] === undefined ? null : String(r['schedule']),
    scheduleSource: String(r['schedule_source']) === 'dashboard' ? 'dashboard' : 'config',
    enabled: Number(r['enabled']) === 1,
    updatedAt: Number(r['updated_at']),
  };
}

/**
 * Reads and validates FILE (errors are ConfigError with file:line:col, resolved with `env`), then
 * inserts or updates its fleet row. Returns the row as stored.
 */
export async function registerTarget(db: SqlDriver, file: string, env: Readonly<Record<string, string | undefined>>, now = Date.now()): Promise<FleetTarget> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, 1, 1, code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`);
  }
  const config = parseConfigText(text, file, env);
  if (config.schedule) {
    const problem = parseCron(config.schedule).error;
    if (problem) throw new ConfigError(file, 1, 1, `schedule: ${problem}`);
  }
  const name = fleetNameOf(config, file);
  const dir = dirname(resolve(file));
  await db.transaction(async (tx) => {
    const existing = (await tx.all(`SELECT schedule_source FROM fleet_targets WHERE name = ?`, [name]))[0];
    if (!existing) {
      await tx.run(
        `INSERT INTO fleet_targets (name, target, config_text, config_file, config_dir, schedule, schedule_source, enabled, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'config', 1, ?)`,
        [name, config.target ?? null, text, resolve(file), dir, config.schedule?.trim() ?? null, now],
      );
    } else if (String(existing['schedule_source']) === 'dashboard') {
      await tx.run(`UPDATE fleet_targets SET target = ?, config_text = ?, config_file = ?, config_dir = ?, updated_at = ? WHERE name = ?`, [config.target ?? null, text, resolve(file), dir, now, name]);
    } else {
      await tx.run(`UPDATE fleet_targets SET target = ?, config_text = ?, config_file = ?, config_dir = ?, schedule = ?, updated_at = ? WHERE name = ?`, [
        config.target ?? null,
        text,
        resolve(file),
        dir,
        config.schedule?.trim() ?? null,
        now,
        name,
      ]);
    }
  });
  return (await getFleetTarget(db, name))!;
}

export async function listFleetTargets(db: SqlExecutor): Promise<FleetTarget[]> {
  return (await db.all(`SELECT * FROM fleet_targets ORDER BY name`)).map(toTarget);
}

export async function getFleetTarget(db: SqlExecutor, name: string): Promise<FleetTarget | undefined> {
  const r = (await db.all(`SELECT * FROM fleet_targets WHERE name = ?`, [name]))[0];
  return r ? toTarget(r) : undefined;
}

/**
 * Sets (or clears, with null) a target's audit schedule from the dashboard. Returns an error text for
 * an invalid cron expression or an unknown target; the change is seen by the workers' next planning round.
 */
export async function setFleetSchedule(db: SqlDriver, name: string, schedule: string | null, now = Date.now()): Promise<string | undefined> {
  const value = schedule?.trim() || null;
  if (value !== null) {
    const problem = parseCron(value).error;
    if (problem) return problem;
  }
  const n = await db.run(`UPDATE fleet_targets SET schedule = ?, schedule_source = 'dashboard', updated_at = ? WHERE name = ?`, [value, now, name]);
  return n === 0 ? `no target named "${name}" in the fleet` : undefined;
}

/** Parses a stored target's config with this worker's environment (its `${VAR}`s). */
export function configOf(t: FleetTarget, env: Readonly<Record<string, string | undefined>>): Config {
  return parseConfigText(t.configText, t.configFile, env);
}
