/**
 * Start-up benchmark: whole-process wall time (and peak RSS where /usr/bin/time exists) of the built
 * CLI next to a bare `node -e 0`, over repeated runs, interleaved round by round so a noisy
 * neighbour slows every command alike. Medians are compared with the goals of issue #17:
 *   --version and --help within 3x of `node -e 0`; `scan` of an empty folder under 0.5 s.
 *
 *   npm run build && npx tsx bench/startup/run.ts [--runs 15] [--hyperfine]
 *
 * --hyperfine also runs the same commands under hyperfine (apt install hyperfine) as a peer
 * measurement. Numbers go to bench/.work/startup.json. Sends no network traffic.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const num = (flag: string, def: number): number => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const RUNS = num('--runs', 15);
const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'launchready.js');
const WORK = join(ROOT, 'bench', '.work');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
  console.error('bench/startup: dist/ is missing; run `npm run build` first (npm run bench does).');
  process.exit(2);
}

const empty = mkdtempSync(join(tmpdir(), 'lr-bench-empty-'));

interface Case {
  name: string;
  argv: string[];
  /** Goal on the median: a ratio to `node -e 0`, or absolute seconds. */
  goal?: { ratio?: number; seconds?: number };
}

const CASES: Case[] = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'launchready --version', argv: [BIN, '--version'], goal: { ratio: 3 } },
  { name: 'launchready --help', argv: [BIN, '--help'], goal: { ratio: 3 } },
  { name: 'launchready scan <empty dir>', argv: [BIN, 'scan', empty], goal: { seconds: 0.5 } },
  { name: 'launchready audit --help', argv: [BIN, 'audit', '--help'] },
];

const env = { ...process.env, LAUNCHREADY_LOOPBACK_ONLY: '1', NO_COLOR: '1' };

/** One whole-process run: wall seconds, and peak RSS in MB when GNU time is there. */
function once(c: Case): { s: number; rssMb?: number; code: number | null } {
  const started = process.hrtime.bigint();
  const r = TIME
    ? spawnSync(TIME, ['-f', '%M', process.execPath, ...c.argv], { env, encoding: 'utf8' })
    : spawnSync(process.execPath, c.argv, { env, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  const rssLine = TIME ? r.stderr.trim().split('\n').pop() : undefined;
  const rssKb = rssLine && /^\d+$/.test(rssLine) ? Number(rssLine) : undefined;
  return { s, ...(rssKb ? { rssMb: rssKb / 1024 } : {}), code: r.status };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

const times = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
const rss = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
// One warm-up round (page cache), then RUNS interleaved rounds.
for (const c of CASES) once(c);
for (let round = 0; round < RUNS; round++) {
  for (const c of CASES) {
    const r = once(c);
    if (r.code !== 0 && r.code !== 1) throw new Error(`${c.name} exited ${r.code}`);
    times.get(c.name)!.push(r.s);
    if (r.rssMb) rss.get(c.name)!.push(r.rssMb);
  }
}

const base = quantile(times.get('node -e 0')!, 0.5);
const rows = CASES.map((c) => {
  const t = times.get(c.name)!;
  const median = quantile(t, 0.5);
  const ratio = median / base;
  let goal = '';
  if (c.goal?.ratio) goal = `${ratio <= c.goal.ratio ? 'met' : 'MISSED'} (≤ ${c.goal.ratio}x)`;
  if (c.goal?.seconds) goal = `${median <= c.goal.seconds ? 'met' : 'MISSED'} (< ${c.goal.seconds} s)`;
  const r = rss.get(c.name)!;
  return { name: c.name, median, p90: quantile(t, 0.9), min: Math.min(...t), ratio, rssMb: r.length ? quantile(r, 0.5) : undefined, goal };
});

console.log(`Start-up, whole process, ${RUNS} interleaved runs each (${process.version}, ${process.platform}/${process.arch}):\n`);
console.log(['command'.padEnd(30), 'median'.padStart(8), 'p90'.padStart(8), 'min'.padStart(8), 'x node'.padStart(7), 'RSS MB'.padStart(7), '  goal'].join(' '));
for (const r of rows) {
  console.log(
    [
      r.name.padEnd(30),
      `${r.median.toFixed(3)}s`.padStart(8),
      `${r.p90.toFixed(3)}s`.padStart(8),
      `${r.min.toFixed(3)}s`.padStart(8),
      `${r.ratio.toFixed(2)}`.padStart(7),
      (r.rssMb ? r.rssMb.toFixed(0) : '-').padStart(7),
      `  ${r.goal}`,
    ].join(' '),
  );
}

if (args.includes('--hyperfine')) {
  const hf = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
  if (hf.status !== 0) console.log('\nhyperfine is not installed (apt-get install hyperfine); skipped the peer measurement.');
  else {
    console.log(`\nPeer measurement (${hf.stdout.trim()}):`);
    const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
    const cmds = CASES.map((c) => [process.execPath, ...c.argv].map(quote).join(' '));
    spawnSync('hyperfine', ['-N', '--warmup', '2', '--runs', String(RUNS), '--ignore-failure', ...cmds], { stdio: 'inherit', env });
  }
}

mkdirSync(WORK, { recursive: true });
writeFileSync(join(WORK, 'startup.json'), JSON.stringify({ node: process.version, runs: RUNS, rows }, null, 2));
rmSync(empty, { recursive: true, force: true });
const missed = rows.filter((r) => r.goal.startsWith('MISSED'));
console.log(`\n${missed.length ? `${missed.length} goal(s) missed` : 'every goal met'}; numbers in bench/.work/startup.json`);
