/**
 * Load-generator benchmark: launchready's generator against autocannon (npm) and wrk (Debian) on
 * loopback, in one run, against fixed servers (a minimal Node server, nginx, a fixed-delay server
 * and a server that stalls).
 *
 *   npx tsx bench/load/compare.ts            # full run (about 4 minutes)
 *   npx tsx bench/load/compare.ts --quick    # 2 s runs, one round (a smoke test of the bench itself)
 *
 * Needs: `apt-get install -y wrk nginx` (each part is skipped with a note when its tool is missing).
 * Prints three comparisons and writes the numbers to bench/.work/load-compare.json:
 *   1. saturated throughput, closed model, 10 connections: ours ÷ autocannon (goal ≥ 1.0), wrk for scale;
 *   2. percentile agreement in the closed model at the same connection count: p50 and p95 of ours
 *      against wrk's and autocannon's;
 *   3. the stall test: a server that pauses 1 s every 3 s; our open model must show it in p99, a
 *      closed model (ours, autocannon, wrk) hides it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { generateLoad } from '../../src/load/generator.js';
import { LatencyRecorder } from '../../src/load/histogram.js';
import { setLoopbackOnly } from '../../src/net/loopback-guard.js';

// Benchmarks send traffic to loopback only; the guard makes a mistake here fail instead of leak.
setLoopbackOnly(true);

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 5;
const DURATION_S = quick ? 2 : 4;
const WARMUP_S = 1;
const CONNECTIONS = 10;
const STALL_DURATION_S = quick ? 4 : 12;

interface Numbers {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  /** Client CPU (user + system) per request, µs — the generator's own cost, robust to a noisy machine. */
  cpuUsPerRequest?: number;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

interface Target {
  name: string;
  url: string;
  stop(): Promise<void>;
}

function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function nodeServer(kind: 'fast' | 'delay' | 'stall', args: string[] = []): Promise<Target> {
  const child = spawn(process.execPath, [join(here, 'servers.mjs'), kind, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { name: `node-${kind}`, url: `http://127.0.0.1:${port}/`, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** nginx from Debian on a high loopback port with its own temporary prefix and config. */
async function nginxServer(): Promise<Target | undefined> {
  const bin = ['/usr/sbin/nginx', 'nginx'].find((b) => b.startsWith('/') || have(b));
  if (!bin || !have(bin)) return undefined;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'launchready-nginx-'));
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:${port};
    location / { default_type text/plain; return 200 "hello world\\n"; }
  }
}
`,
  );
  const child = spawn(bin, ['-p', dir, '-c', conf, '-e', `${dir}/logs/error.log`], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Wait until it accepts connections.
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      console.log(`nginx did not start (see ${dir}/logs/error.log); skipping nginx`);
      return undefined;
    }
    await sleep(100);
  }
  return {
    name: 'nginx',
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      child.kill('SIGQUIT');
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function ours(url: string, opts: { concurrency?: number; rate?: number; durationS: number; warmupS: number }): Promise<Numbers & { wrkStyle?: Numbers }> {
  const c0 = cpuNow();
  const r = await generateLoad({
    actions: [{ name: 'GET /', method: 'GET', url: new URL(url) }],
    ...(opts.rate !== undefined ? { rate: opts.rate } : { concurrency: opts.concurrency! }),
    durationMs: opts.durationS * 1000,
    warmupMs: opts.warmupS * 1000,
    ownsTarget: true,
    timeoutMs: 10_000,
    keepRecorder: true,
  });
  const cpu = (cpuNow() - c0) / Math.max(1, r.sent);
  const out: Numbers & { wrkStyle?: Numbers } = { rps: r.throughput, p50: r.overall.p50, p95: r.overall.p95, p99: r.overall.p99, max: r.overall.max, errors: r.errors, cpuUsPerRequest: cpu };
  if (opts.concurrency && r.recorder && r.measured > 0) {
    // wrk fills in the requests a stalled connection did not send, using the mean interval per connection.
    const c = r.recorder.correctedFor(r.measuredMs / (r.measured / opts.concurrency));
    out.wrkStyle = { rps: r.throughput, p50: c.percentile(50), p95: c.percentile(95), p99: c.percentile(99), max: c.maxMs, errors: r.errors };
  }
  return out;
}

async function runAutocannon(url: string, opts: { connections: number; durationS: number; warmupS: number; exact?: boolean }): Promise<Numbers> {
  // autocannon has no separate warm-up phase: a short discarded run opens the path first.
  if (opts.warmupS > 0) await autocannon({ url, connections: opts.connections, duration: opts.warmupS });
  const c0 = cpuNow();
  // Its summary has whole-millisecond percentiles and no p95; with `exact` its own per-response
  // timings (float ms) are recorded here instead (a listener costs it a little throughput).
  const exact = opts.exact ? new LatencyRecorder() : undefined;
  const instance = autocannon({ url, connections: opts.connections, duration: opts.durationS });
  if (exact) instance.on('response', (_c, _s, _b, t) => exact.record(t));
  const r = (await instance) as unknown as {
    requests: { average: number; total: number };
    latency: { p50: number; p97_5: number; p99: number; max: number };
    duration: number;
    errors: number;
    non2xx: number;
  };
  const cpu = (cpuNow() - c0) / Math.max(1, r.requests.total);
  if (exact) return { rps: r.requests.total / r.duration, p50: exact.percentile(50), p95: exact.percentile(95), p99: exact.percentile(99), max: exact.maxMs, errors: r.errors + r.non2xx, cpuUsPerRequest: cpu };
  // Without `exact`: p97.5 stands in for p95, in whole milliseconds.
  return { rps: r.requests.total / r.duration, p50: r.latency.p50, p95: r.latency.p97_5, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.non2xx, cpuUsPerRequest: cpu };
}

const WRK_SCRIPT = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK_JSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50\\":%d,\\"p95\\":%d,\\"p99\\":%d,\\"max\\":%d,\\"errors\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout + e.status))
end
`;

async function runWrk(url: string, opts: { connections: number; durationS: number; warmupS: number }): Promise<Numbers | undefined> {
  if (!have('wrk')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'launchready-wrk-'));
  const script = join(dir, 'report.lua');
  writeFileSync(script, WRK_SCRIPT);
  try {
    const run = (seconds: number): Promise<string> =>
      new Promise((resolve, reject) => {
        const child = spawn('wrk', ['-t1', `-c${opts.connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}: ${out}`))));
      });
    if (opts.warmupS > 0) await run(opts.warmupS);
    const out = await run(opts.durationS);
    const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
    if (!line) throw new Error(`wrk printed no summary: ${out}`);
    const j = JSON.parse(line.slice(9)) as { requests: number; duration_us: number; p50: number; p95: number; p99: number; max: number; errors: number };
    return { rps: (j.requests * 1e6) / j.duration_us, p50: j.p50 / 1000, p95: j.p95 / 1000, p99: j.p99 / 1000, max: j.max / 1000, errors: j.errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function medianOf(runs: Numbers[]): Numbers {
  const pick = (k: keyof Numbers): number => median(runs.map((r) => r[k] ?? 0));
  return { rps: pick('rps'), p50: pick('p50'), p95: pick('p95'), p99: pick('p99'), max: pick('max'), errors: pick('errors'), ...(runs.every((r) => r.cpuUsPerRequest !== undefined) ? { cpuUsPerRequest: pick('cpuUsPerRequest') } : {}) };
}

const f1 = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
function row(label: string, n: Numbers | undefined, p95Label = 'p95'): string {
  if (!n) return `  ${label.padEnd(26)} (not installed)`;
  const cpu = n.cpuUsPerRequest !== undefined ? `   client CPU ${n.cpuUsPerRequest.toFixed(1)} µs/req` : '';
  return `  ${label.padEnd(26)} ${f1(n.rps).padStart(8)} req/s   p50 ${f1(n.p50).padStart(7)} ms   ${p95Label.padEnd(5)} ${f1(n.p95).padStart(7)} ms   p99 ${f1(n.p99).padStart(7)} ms   max ${f1(n.max).padStart(7)} ms   errors ${n.errors}${cpu}`;
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, rounds: ROUNDS, durationS: DURATION_S, connections: CONNECTIONS };
  console.log(`launchready load benchmark — ${ROUNDS} round(s) of ${DURATION_S} s after ${WARMUP_S} s warm-up, ${CONNECTIONS} connections, loopback, one thread per tool`);
  if (!have('wrk')) console.log('wrk is not installed (apt-get install -y wrk): its columns are skipped');

  // 1 + 2: saturated throughput and percentile agreement, closed model.
  const targets: Target[] = [await nodeServer('fast')];
  const nginx = await nginxServer();
  if (nginx) targets.push(nginx);
  else console.log('nginx is not installed (apt-get install -y nginx): the nginx rows are skipped');
  const delay = await nodeServer('delay');
  const throughput: Record<string, unknown> = {};
  try {
    for (const t of [...targets, delay]) {
      const isDelay = t === delay;
      const mine: Array<Numbers & { wrkStyle?: Numbers }> = [];
      const ac: Numbers[] = [];
      const wrk: Numbers[] = [];
      // Alternate the tools round by round so a noisy neighbour hurts all of them alike.
      for (let i = 0; i < ROUNDS; i++) {
        mine.push(await ours(t.url, { concurrency: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S }));
        ac.push(await runAutocannon(t.url, { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, exact: isDelay }));
        const w = await runWrk(t.url, { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S });
        if (w) wrk.push(w);
      }
      const m = medianOf(mine);
      const mw = medianOf(mine.flatMap((x) => (x.wrkStyle ? [x.wrkStyle] : [])));
      const a = medianOf(ac);
      const w = wrk.length ? medianOf(wrk) : undefined;
      const ratios = mine.map((x, i) => x.rps / ac[i]!.rps);
      console.log(`\n${t.name}${isDelay ? ' (each answer after 10–40 ms)' : ''} — closed model, ${CONNECTIONS} connections, median of ${ROUNDS}:`);
      console.log(row('launchready', m));
      console.log(row('launchready, wrk-corrected', mw));
      console.log(row(isDelay ? 'autocannon (exact timings)' : 'autocannon', a, isDelay ? 'p95' : 'p97.5'));
      console.log(row('wrk -t1 (corrects CO)', w));
      console.log(`  throughput ours ÷ autocannon: median of rounds ${median(ratios).toFixed(2)} (rounds ${ratios.map((x) => x.toFixed(2)).join(', ')})${w ? `; ours ÷ wrk ${(m.rps / w.rps).toFixed(2)}` : ''}`);
      if (m.cpuUsPerRequest !== undefined && a.cpuUsPerRequest !== undefined) console.log(`  client CPU per request: ours ${m.cpuUsPerRequest.toFixed(1)} µs, autocannon ${a.cpuUsPerRequest.toFixed(1)} µs (ratio ${(a.cpuUsPerRequest / m.cpuUsPerRequest).toFixed(2)})`);
      console.log(`  p50/p95 vs autocannon${isDelay ? '' : ' (its whole-ms p50 and p97.5)'}: p50 ${pct(m.p50, a.p50)}, p95 ${pct(m.p95, a.p95)}`);
      if (w) console.log(`  p50/p95 vs wrk, ours corrected the way wrk corrects: p50 ${pct(mw.p50, w.p50)}, p95 ${pct(mw.p95, w.p95)} (uncorrected p95 ${f1(m.p95)} ms)`);
      throughput[t.name] = { ours: m, oursWrkCorrected: mw, autocannon: a, wrk: w, throughputRatio: median(ratios), rounds: { ours: mine, autocannon: ac, wrk } };
    }
  } finally {
    await Promise.all([...targets, delay].map((t) => t.stop()));
  }
  results['closed'] = throughput;

  // 3: the stall test.
  const stall = await nodeServer('stall', ['1000', '3000']);
  try {
    console.log(`\nstall test: the server blocks for 1 s every 3 s; ${STALL_DURATION_S} s runs`);
    const open = await ours(stall.url, { rate: 200, durationS: STALL_DURATION_S, warmupS: 0 });
    const closed = await ours(stall.url, { concurrency: CONNECTIONS, durationS: STALL_DURATION_S, warmupS: 0 });
    const ac = await runAutocannon(stall.url, { connections: CONNECTIONS, durationS: STALL_DURATION_S, warmupS: 0 });
    const wrk = await runWrk(stall.url, { connections: CONNECTIONS, durationS: STALL_DURATION_S, warmupS: 0 });
    console.log(row('launchready open 200/s', open));
    console.log(row('launchready closed', closed));
    console.log(row('autocannon (closed)', ac, 'p97.5'));
    console.log(row('wrk -t1 (closed)', wrk));
    const shows = open.p99 >= 500;
    const hides = closed.p99 < 200;
    console.log(`  open-model p99 ${f1(open.p99)} ms ${shows ? 'shows' : 'does NOT show'} the stall; closed-model p99 ${f1(closed.p99)} ms ${hides ? 'hides' : 'does not hide'} it`);
    results['stall'] = { open, closed, autocannon: ac, wrk, openShowsStall: shows, closedHidesStall: hides };
  } finally {
    await stall.stop();
  }

  const out = join(here, '..', '.work');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'load-compare.json'), JSON.stringify(results, null, 2));
  console.log(`\nnumbers written to ${join(out, 'load-compare.json')}`);
}

function pct(ours: number, theirs: number): string {
  if (theirs === 0) return `${f1(ours)} vs ${f1(theirs)} ms`;
  const d = ((ours - theirs) / theirs) * 100;
  return `${f1(ours)} vs ${f1(theirs)} ms (${d >= 0 ? '+' : ''}${d.toFixed(0)}%)`;
}

await main();
