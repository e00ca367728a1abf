import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { parseCron } from '../../src/worker/cron.js';
import { registerTarget } from '../../src/worker/fleet.js';
import { phaseOf, slotsBetween, uuidFrom } from '../../src/worker/ids.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ROOT } from '../helpers.js';
import { MAIN, tempConfig } from './helpers.js';

/** The CLI from source (no build needed), as a user runs it. */
async function runCli(args: string[], opts: { timeoutMs?: number } = {}): Promise<{ code: number; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, LAUNCHREADY_LOOPBACK_ONLY: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code: code ?? -1, stderr };
}

/** The pure parts of the worker (slot arithmetic, deterministic ids, cron) and its input errors. */

describe('probe slots and job ids', () => {
  it('every worker computes the same slots and ids for a probe, on its fixed phase', () => {
    const phase = phaseOf('shop.example/api', 30_000);
    expect(phase).toBe(phaseOf('shop.example/api', 30_000));
    expect(phase).toBeGreaterThanOrEqual(0);
    expect(phase).toBeLessThan(30_000);
    const t0 = 1_800_000_000_000;
    const slots = slotsBetween(phase, 30_000, t0, t0 + 95_000);
    expect(slots.length).toBeGreaterThanOrEqual(3);
    for (const s of slots) {
      expect((s - phase) % 30_000).toBe(0);
      expect(s).toBeGreaterThan(t0);
      expect(s).toBeLessThanOrEqual(t0 + 95_000);
    }
    // Planning in two rounds gives the same slots as one round: nothing doubled, nothing lost.
    const split = [...slotsBetween(phase, 30_000, t0, t0 + 40_000), ...slotsBetween(phase, 30_000, t0 + 40_000, t0 + 95_000)];
    expect(split).toEqual(slots);
    expect(uuidFrom('probe|a|1')).toBe(uuidFrom('probe|a|1'));
    expect(uuidFrom('probe|a|1')).not.toBe(uuidFrom('probe|a|2'));
    expect(uuidFrom('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Different probes spread over the interval.
    const phases = new Set(Array.from({ length: 50 }, (_, i) => Math.floor(phaseOf(`p${i}`, 30_000) / 3000)));
    expect(phases.size).toBeGreaterThan(5);
  });

  it('cron ticks: five fields or six with seconds, UTC; errors say what is wrong', () => {
    const from = Date.UTC(2026, 0, 1, 5, 0, 0);
    expect(parseCron('0 6 * * *').ticks(from, from + 2 * 86_400_000)).toEqual([Date.UTC(2026, 0, 1, 6), Date.UTC(2026, 0, 2, 6)]);
    expect(parseCron('*/4 * * * * *').ticks(from, from + 10_000)).toEqual([from + 4000, from + 8000]);
    expect(parseCron('0 6 * *').error).toMatch(/has 4 fields/);
    expect(parseCron('0 25 * * *').error).toMatch(/not a valid cron expression/);
  });
});

describe('registering a target', () => {
  it('refuses a bad schedule with the file named', async () => {
    const db = openSqlite(':memory:');
    await SqlStore.open(db);
    const cfg = tempConfig('target: https://app.example.test\nschedule: "0 6 * * * * *"\n');
    try {
      await expect(registerTarget(db, cfg.file, {})).rejects.toThrow(ConfigError);
      await expect(registerTarget(db, cfg.file, {})).rejects.toThrow(/launchready\.yml:\d+:\d+: schedule: a cron expression/);
    } finally {
      cfg.cleanup();
      await db.close();
    }
  });
});

describe('launchready worker flags', () => {
  it('refuses a SQLite store, a bad location and a bad concurrency with one clear line', async () => {
    const sqlite = await runCli(['worker', '--store', '.launchready/x.db']);
    expect(sqlite.code).toBe(2);
    expect(sqlite.stderr).toMatch(/--store expects a postgres:\/\/ URL/);
    const loc = await runCli(['worker', '--store', 'postgres://u@127.0.0.1:1/x', '--location', 'eu west!']);
    expect(loc.code).toBe(2);
    expect(loc.stderr).toMatch(/--location expects a short name/);
    const conc = await runCli(['worker', '--store', 'postgres://u@127.0.0.1:1/x', '--concurrency', '0']);
    expect(conc.code).toBe(2);
    expect(conc.stderr).toMatch(/--concurrency expects a whole number/);
  });

  it('an unreachable database is one line naming it, password hidden', async () => {
    const r = await runCli(['worker', '--store', 'postgres://u:secretpw@127.0.0.1:1/x'], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot start the worker on postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/);
    expect(r.stderr).not.toContain('secretpw');
  });
});
