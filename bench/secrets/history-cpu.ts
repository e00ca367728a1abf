/**
 * CPU cost (user + system, the scanning process and its git children) of one full-history scan versus
 * `git cat-file --batch-all-objects --batch` — a comparison that holds on a loaded machine, where
 * wall-clock time mostly measures the other processes.
 *
 *   npx tsx bench/secrets/history-cpu.ts [REPO] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const repo = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs') ?? join(import.meta.dirname, '..', '.work', 'secrets', 'history-large'));
const ROOT = resolve(import.meta.dirname, '..', '..');
const once = join(import.meta.dirname, 'history-once.ts');

/** user+sys seconds and wall seconds of a shell command, children included (bash `time`). */
function cpuOf(command: string): { cpu: number; wall: number; out: string } {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S %R'; time ( ${command} )`], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [u = 0, s = 0, w = 0] = last.split(' ').map(Number);
  return { cpu: u + s, wall: w, out: r.stdout.trim() };
}

const q = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;
const baseline = cpuOf(`node --import tsx -e "0"`); // node + tsx start-up, subtracted from ours
const cat: number[] = [];
const ours: number[] = [];
let summary = '';
for (let i = 0; i < RUNS; i++) {
  cat.push(cpuOf(`git -C ${q(repo)} cat-file --batch-all-objects --batch > /dev/null`).cpu);
  const r = cpuOf(`node --import tsx ${q(once)} ${q(repo)}`);
  ours.push(r.cpu - baseline.cpu);
  summary = r.out;
  console.log(`run ${i + 1}: launchready ${ours.at(-1)!.toFixed(2)} s CPU (wall ${r.wall.toFixed(1)} s), cat-file ${cat.at(-1)!.toFixed(2)} s CPU`);
}
const o = Math.min(...ours);
const c = Math.min(...cat);
console.log(summary);
console.log(`best of ${RUNS}, CPU seconds (user+sys, git children included, node start-up ${baseline.cpu.toFixed(2)} s subtracted): launchready ${o.toFixed(2)}, git cat-file --batch-all-objects --batch ${c.toFixed(2)}, ratio ${(o / c).toFixed(2)}×`);
