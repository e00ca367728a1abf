/**
 * Fleet capacity: N `launchready worker` processes on one real PostgreSQL running M HTTP monitors at
 * a fixed interval against a loopback server (its own process). For each worker count it measures,
 * over a window after warm-up:
 *
 *   - probe throughput (runs recorded per second) against the demand (M / interval),
 *   - due-to-run lag (run start − slot due time) p50/p99, from the run records,
 *   - CPU seconds used by the workers and by the PostgreSQL backends serving this database,
 *   - for N ≥ 2, the takeover time after `kill -9` of one worker: until every job it held is done
 *     by the survivors.
 *
 *   # a dedicated throw-away cluster (fsync off: commits are cheaper than on a real server):
 *   eval "$(LAUNCHREADY_PG_DIR=/tmp/lr-bench-pg test/store/start-postgres.sh 55499)"
 *   npx tsx bench/worker/run.ts --pg "$LAUNCHREADY_TEST_PG_URL"            # 10,000 monitors @30 s; 1, 2, 4 workers
 *   npx tsx bench/worker/run.ts --monitors 2000 --workers 1,2 --measure 30s  # smaller
 *   npx tsx bench/worker/run.ts --quick                                      # 500 monitors @10 s, 1 and 2 workers (smoke)
 *
 * Every configuration gets its own database (bench_i18_…), dropped afterwards; every process is
 * stopped. Bounded: warm-up + window + takeover wait per configuration. Writes
 * bench/.work/worker-capacity.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseDuration } from '../../src/monitor/duration.js';
import { setLoopbackOnly } from '../../src/net/loopback-guard.js';
import { openPostgres } from '../../src/store/postgres.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { registerTarget } from '../../src/worker/fleet.js';

setLoopbackOnly(true);

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const pgUrl = arg('pg') ?? process.env['LAUNCHREADY_TEST_PG_URL'];
if (!pgUrl) {
  console.error('bench/worker: give --pg postgres://… or set LAUNCHREADY_TEST_PG_URL (see the header of this file)');
  process.exit(2);
}
const monitors = Number(arg('monitors') ?? (quick ? 500 : 10_000));
const intervalMs = parseDuration(arg('interval') ?? (quick ? '10s' : '30s'))!;
const workerCounts = (arg('workers') ?? (quick ? '1,2' : '1,2,4')).split(',').map(Number);
const warmupMs = parseDuration(arg('warmup') ?? (quick ? '10s' : '20s'))!;
const measureMs = parseDuration(arg('measure') ?? (quick ? '15s' : '60s'))!;
const concurrency = Number(arg('concurrency') ?? 100);
const leaseMs = parseDuration(arg('lease') ?? '10s')!;
/** PostgreSQL connections per worker (its pool; the store adds 2). Workers × (this + 2) must fit max_connections. */
const connections = arg('connections');
/** The app's response time: real probes wait on the network, and in-flight runs = rate × latency. */
const latencyMs = parseDuration(arg('latency') ?? '100ms')!;
const perTarget = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU ticks (user+system) of a process, from /proc; 0 when it is gone. */
function cpuTicks(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}
const TICK_S = 1 / 100;

async function startTargetServer(): Promise<{ port: number; child: ChildProcess }> {
  const code = `
    const http = require('node:http');
    const s = http.createServer((req, res) => setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); }, ${latencyMs}));
    s.keepAliveTimeout = 60000;
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { port: Number(line.toString().trim()), child };
}

interface WorkerProc {
  child: ChildProcess;
  id: string;
}

async function spawnWorker(url: string): Promise<WorkerProc> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'worker', '--store', url, '--concurrency', String(concurrency), ...(connections ? ['--connections', connections] : []), '--lease', `${leaseMs}ms`, '--poll', '500ms', '--log-level', 'warn', '--heartbeat', '2s'],
    { cwd: root, env: { ...process.env, LAUNCHREADY_LOOPBACK_ONLY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    // Warnings only (--log-level warn); the tail is printed if the worker dies on its own.
    err += d.toString();
    if (err.length > 20_000) err = err.slice(-10_000);
  });
  child.once('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && code !== 0) process.stderr.write(`worker ${child.pid} exited (${code ?? signal}):\n${err.slice(-2000)}\n`);
  });
  return { child, id: String(child.pid) };
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

interface Result {
  workers: number;
  monitors: number;
  intervalS: number;
  demandPerS: number;
  throughputPerS: number;
  completion: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  backlogAtEnd: number;
  workerCpuPct: number;
  pgCpuPct: number;
  /** CPU milliseconds per recorded run: what a run costs, whatever else the machine is doing. */
  workerCpuMsPerRun: number;
  pgCpuMsPerRun: number;
  takeoverMs?: number;
  takenOverJobs?: number;
  duplicates: number;
  loadBefore: number[];
  loadAfter: number[];
}

async function runOne(n: number, targetPort: number, configs: string[]): Promise<Result> {
  const db = `bench_i18_${Math.random().toString(16).slice(2, 10)}`;
  await admin((c) => c.query(`CREATE DATABASE ${db}`));
  const u = new URL(pgUrl!);
  u.pathname = `/${db}`;
  const url = u.toString();
  const procs: WorkerProc[] = [];
  const q = new pg.Pool({ connectionString: url, max: 2 });
  q.on('error', () => undefined);
  try {
    const sql = openPostgres(url, { max: 2 });
    const store = await SqlStore.open(sql);
    for (const f of configs) await registerTarget(sql, f, {});
    await store.close();
    const loadBefore = loadavg();
    for (let i = 0; i < n; i++) procs.push(await spawnWorker(url));
    // Started when every worker beat once.
    const t0 = Date.now();
    for (;;) {
      const r = await q.query(`SELECT COUNT(*)::int AS n FROM fleet_workers WHERE stopped_at IS NULL`).catch(() => ({ rows: [{ n: 0 }] }));
      if (Number(r.rows[0]!.n) >= n) break;
      if (Date.now() - t0 > 180_000) throw new Error('workers did not start within 180 s');
      await sleep(500);
    }
    process.stderr.write(`  ${n} worker(s) up after ${Date.now() - t0} ms; warm-up ${warmupMs / 1000} s …\n`);
    await sleep(warmupMs);
    const pgPids = async (): Promise<number[]> => (await q.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [db])).rows.map((r) => Number(r['pid']));
    const from = Date.now();
    const wCpu0 = procs.reduce((s, p) => s + cpuTicks(p.child.pid!), 0);
    const pids0 = await pgPids();
    const pg0 = new Map(pids0.map((p) => [p, cpuTicks(p)]));
    await sleep(measureMs);
    const to = Date.now();
    const wCpu1 = procs.reduce((s, p) => s + cpuTicks(p.child.pid!), 0);
    let pgTicks = 0;
    for (const p of await pgPids()) pgTicks += cpuTicks(p) - (pg0.get(p) ?? cpuTicks(p));
    const stats = (
      await q.query(
        `SELECT COUNT(*)::int AS n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ran_at - due_at) AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY ran_at - due_at) AS p99,
                MAX(ran_at - due_at) AS max
           FROM fleet_runs WHERE due_at >= $1 AND due_at < $2`,
        [from, to],
      )
    ).rows[0]!;
    const recorded = Number(stats['n']);
    // Slots due in the window that were run at all (some may still be queued at its end: that is backlog).
    const backlog = Number((await q.query(`SELECT COUNT(*)::int AS n FROM pgboss.job WHERE name = 'lr-probe' AND state IN ('created', 'retry') AND start_after < now() - interval '5 seconds'`)).rows[0]!['n']);
    const demand = (monitors * measureMs) / intervalMs;
    const result: Result = {
      workers: n,
      monitors,
      intervalS: intervalMs / 1000,
      demandPerS: Math.round((monitors / intervalMs) * 1000 * 10) / 10,
      throughputPerS: Math.round((recorded / (measureMs / 1000)) * 10) / 10,
      completion: Math.round((recorded / demand) * 1000) / 1000,
      lagP50Ms: Math.round(Number(stats['p50'] ?? NaN)),
      lagP99Ms: Math.round(Number(stats['p99'] ?? NaN)),
      lagMaxMs: Math.round(Number(stats['max'] ?? NaN)),
      backlogAtEnd: backlog,
      workerCpuPct: Math.round((((wCpu1 - wCpu0) * TICK_S) / ((to - from) / 1000)) * 100),
      pgCpuPct: Math.round(((pgTicks * TICK_S) / ((to - from) / 1000)) * 100),
      workerCpuMsPerRun: recorded ? Math.round((((wCpu1 - wCpu0) * TICK_S * 1000) / recorded) * 100) / 100 : NaN,
      pgCpuMsPerRun: recorded ? Math.round(((pgTicks * TICK_S * 1000) / recorded) * 100) / 100 : NaN,
      duplicates: 0,
      loadBefore,
      loadAfter: loadavg(),
    };
    if (n >= 2) {
      const active = (await q.query(`SELECT id FROM pgboss.job WHERE name = 'lr-probe' AND state = 'active'`)).rows.map((r) => String(r['id']));
      const victim = procs[0]!;
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      await once(victim.child, 'exit');
      // The victim's jobs are those still active after the others had time to finish theirs (~probe time).
      let left = active;
      const deadline = killedAt + leaseMs + 60_000;
      while (Date.now() < deadline) {
        const rows = (await q.query(`SELECT id FROM pgboss.job WHERE id = ANY($1::uuid[]) AND state <> 'completed'`, [left])).rows;
        left = rows.map((r) => String(r['id']));
        if (left.length === 0) break;
        await sleep(250);
      }
      const retried = Number((await q.query(`SELECT COUNT(*)::int AS n FROM pgboss.job WHERE id = ANY($1::uuid[]) AND retry_count > 0`, [active])).rows[0]!['n']);
      result.takeoverMs = left.length === 0 ? Date.now() - killedAt : NaN;
      result.takenOverJobs = retried;
    }
    result.duplicates = Number((await q.query(`SELECT COUNT(*)::int AS n FROM (SELECT probe_id, slot FROM fleet_runs GROUP BY probe_id, slot HAVING COUNT(*) > 1) d`)).rows[0]!['n']);
    return result;
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.child.exitCode === null && p.child.signalCode === null ? Promise.race([once(p.child, 'exit'), sleep(15_000)]) : undefined)));
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await q.end().catch(() => undefined);
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  }
}

async function main(): Promise<void> {
  const target = await startTargetServer();
  const dir = mkdtempSync(join(tmpdir(), 'lr-bench-worker-'));
  try {
    const configs: string[] = [];
    for (let t = 0; t * perTarget < monitors; t++) {
      const n = Math.min(perTarget, monitors - t * perTarget);
      const file = join(dir, `t${t}.yml`);
      const probes = Array.from({ length: n }, (_, i) => `    - { name: p${i}, url: /t${t}/p${i} }`).join('\n');
      writeFileSync(file, `target: http://127.0.0.1:${target.port}/t${t}\nmonitor:\n  interval: ${intervalMs}ms\n  retries: 0\n  defaults: false\n  maxRequestsPerHour: 10000000\n  maxRate: 100000\n  probes:\n${probes}\n`);
      configs.push(file);
    }
    console.log(`fleet capacity: ${monitors} HTTP monitors @ ${intervalMs / 1000} s (${((monitors / intervalMs) * 1000).toFixed(1)} runs/s demanded), app latency ${latencyMs} ms, concurrency ${concurrency}/worker, connections ${connections ?? 'default'}/worker, lease ${leaseMs / 1000} s, warm-up ${warmupMs / 1000} s, window ${measureMs / 1000} s; ${availableParallelism()} CPUs, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const results: Result[] = [];
    for (const n of workerCounts) {
      process.stderr.write(`${n} worker(s):\n`);
      const r = await runOne(n, target.port, configs);
      results.push(r);
      console.log(
        `workers=${r.workers}  throughput ${r.throughputPerS}/s of ${r.demandPerS}/s (${(r.completion * 100).toFixed(1)}%)  lag p50 ${r.lagP50Ms} ms p99 ${r.lagP99Ms} ms max ${r.lagMaxMs} ms  backlog ${r.backlogAtEnd}  CPU workers ${r.workerCpuPct}% postgres ${r.pgCpuPct}% (per run ${r.workerCpuMsPerRun} + ${r.pgCpuMsPerRun} ms)` +
          (r.takeoverMs !== undefined ? `  takeover ${Number.isNaN(r.takeoverMs) ? 'NOT within lease+60 s' : `${r.takeoverMs} ms`} (${r.takenOverJobs} jobs retried)` : '') +
          `  duplicate slots ${r.duplicates}  load ${r.loadBefore.map((x) => x.toFixed(1)).join('/')} → ${r.loadAfter.map((x) => x.toFixed(1)).join('/')}`,
      );
    }
    mkdirSync(join(here, '..', '.work'), { recursive: true });
    writeFileSync(join(here, '..', '.work', 'worker-capacity.json'), JSON.stringify({ at: new Date().toISOString(), cpus: availableParallelism(), concurrency, leaseMs, latencyMs, intervalMs, warmupMs, measureMs, results }, null, 2));
  } finally {
    target.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
