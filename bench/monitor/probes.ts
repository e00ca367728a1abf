/**
 * Monitor capacity: how many HTTP probes one monitor process sustains at a 30 s interval against a
 * loopback server, with everything a real run does (conditions, alert rules, batched SQLite writes
 * with full sync, metrics). The target runs in a child process so its CPU is not counted.
 *
 *   node --expose-gc --import tsx bench/monitor/probes.ts  # 1000 and 5000 probes, one 30 s interval each after warm-up
 *   npx tsx bench/monitor/probes.ts                        # the same without forced GC (memory figures are rougher)
 *   npx tsx bench/monitor/probes.ts --probes 1000 --interval 30s --measure 30s
 *   npx tsx bench/monitor/probes.ts --quick               # 300 probes, 5 s interval (smoke test of the bench)
 *
 * Prints, per probe count: probe runs completed vs scheduled, CPU ms per 1,000 probe runs, resident
 * memory per 1,000 configured probes, event-loop delay p99, and the estimated ceiling (probes per
 * 30 s interval at 100% of one core). Writes the numbers to bench/.work/monitor-probes.json.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ConfigSchema } from '../../src/config/schema.js';
import { resolveMonitorPlan } from '../../src/monitor/config.js';
import { parseDuration } from '../../src/monitor/duration.js';
import { Monitor } from '../../src/monitor/monitor.js';
import { setLoopbackOnly } from '../../src/net/loopback-guard.js';
import { openStore } from '../../src/store/index.js';

setLoopbackOnly(true);

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const counts = (arg('probes') ?? (quick ? '300' : '1000,5000')).split(',').map(Number);
const intervalMs = parseDuration(arg('interval') ?? (quick ? '5s' : '30s'))!;
const measureMs = parseDuration(arg('measure') ?? (quick ? '5s' : '30s'))!;

/** A minimal JSON health endpoint in its own process. */
async function startTarget(): Promise<{ url: string; stop(): void }> {
  const code = `
    const http = require('node:http');
    const s = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"ok"}'); });
    s.keepAliveTimeout = 65000;
    s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}`, stop: () => child.kill('SIGKILL') };
}

interface Row {
  probes: number;
  intervalS: number;
  measuredS: number;
  runsScheduled: number;
  runsCompleted: number;
  failedRuns: number;
  cpuMsPer1000Runs: number;
  cpuPercentOfOneCore: number;
  rssMbPer1000Probes: number;
  heapMbPer1000Probes: number;
  rssMb: number;
  eventLoopP99Ms: number;
  ceilingProbesAt30s: number;
  /** Why runs failed (first words of the message), when any did. */
  failureReasons: string;
  loadAverage1m: number;
}

async function measure(n: number, targetUrl: string): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'lr-bench-monitor-'));
  const store = await openStore(join(dir, 'monitor.db'));
  const probes = Array.from({ length: n }, (_, i) => ({ kind: 'http' as const, name: `p${i}`, url: `/health/${i}`, conditions: ['[STATUS] == 200', '[BODY].status == ok', '[RESPONSE_TIME] < 1s'] }));
  const config = ConfigSchema.parse({ target: targetUrl });
  // Jitter 1.0 spreads the first runs over the whole interval, as a fleet of probes settles anyway.
  config.monitor = { interval: intervalMs, jitter: 1, timeout: 5000, retries: 1, defaults: false, probes, maxRate: 100_000, alerts: { errorRate: false } };
  const plan = resolveMonitorPlan({ config, dir }, { allowShortIntervals: true });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const monitor = new Monitor({ plan, store, logger: pino({ level: 'silent' }) });
  const runs = (): { total: number; failed: number } => {
    let total = 0;
    let failed = 0;
    for (const s of monitor.status()) {
      total += s.runs;
      failed += s.failures;
    }
    return { total, failed };
  };
  await monitor.start();
  // Warm-up: one interval, so every probe has run once and connections are established.
  await new Promise((r) => setTimeout(r, intervalMs));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const r0 = runs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, measureMs));
  const cpu = process.cpuUsage(cpu0);
  const elapsed = performance.now() - t0;
  const r1 = runs();
  loop.disable();
  global.gc?.();
  const rss = process.memoryUsage().rss;
  const heap = process.memoryUsage().heapUsed;
  const reasons = new Map<string, number>();
  for (const st of monitor.status()) if (st.up === false) {
    const why = st.lastMessage.replace(/\d+/g, 'N').slice(0, 60);
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  await monitor.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const completed = r1.total - r0.total;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const cpuPerRun = cpuMs / Math.max(1, completed);
  return {
    probes: n,
    intervalS: intervalMs / 1000,
    measuredS: Math.round(elapsed / 100) / 10,
    runsScheduled: Math.round((n * elapsed) / intervalMs),
    runsCompleted: completed,
    failedRuns: r1.failed - r0.failed,
    cpuMsPer1000Runs: Math.round(cpuPerRun * 1000),
    cpuPercentOfOneCore: Math.round((cpuMs / elapsed) * 1000) / 10,
    rssMbPer1000Probes: Math.round((((rss - rssBefore) / 1024 / 1024) * 1000) / n * 10) / 10,
    heapMbPer1000Probes: Math.round((((heap - heapBefore) / 1024 / 1024) * 1000) / n * 10) / 10,
    rssMb: Math.round(rss / 1024 / 1024),
    eventLoopP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
    ceilingProbesAt30s: Math.floor(30_000 / cpuPerRun),
    failureReasons: [...reasons].map(([k, v]) => `${v}× ${k}`).join('; '),
    loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
  };
}

const target = await startTarget();
const rows: Row[] = [];
try {
  for (const n of counts) {
    process.stderr.write(`measuring ${n} probes at a ${intervalMs / 1000} s interval (warm-up ${intervalMs / 1000} s, measure ${measureMs / 1000} s)…\n`);
    rows.push(await measure(n, target.url));
  }
} finally {
  target.stop();
}
console.table(rows.map(({ failureReasons: _f, ...r }) => r));
for (const r of rows) if (r.failureReasons) console.log(`${r.probes} probes, failing at the end: ${r.failureReasons}`);
console.log(`(machine load average during the run: ${rows.map((r) => r.loadAverage1m).join(', ')} on ${availableParallelism()} cores; event-loop delay includes time the process waited for a CPU)`);
const best = rows[rows.length - 1]!;
console.log(
  `One monitor process: ${best.probes} HTTP probes at a ${best.intervalS} s interval completed ${best.runsCompleted}/${best.runsScheduled} scheduled runs ` +
    `using ${best.cpuPercentOfOneCore}% of one core: ${best.cpuMsPer1000Runs} ms CPU per 1,000 probe runs, ${best.heapMbPer1000Probes} MB heap and ${best.rssMbPer1000Probes} MB RSS per 1,000 probes; ` +
    `estimated ceiling ≈ ${best.ceilingProbesAt30s} probes per 30 s interval on one core.`,
);
mkdirSync(join(here, '..', '.work'), { recursive: true });
writeFileSync(join(here, '..', '.work', 'monitor-probes.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2));
