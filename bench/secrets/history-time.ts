/**
 * Times one full-history scan of an existing repository against `git cat-file --batch-all-objects --batch`
 * on the same repository, alternating runs so machine load affects both alike.
 *
 *   npx tsx bench/secrets/history-time.ts [REPO] [--runs 3] [--profile]
 *
 * REPO defaults to bench/.work/secrets/history-large (built by run.ts --history-only).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { SecretEngine } from '../../src/secrets/engine.js';
import { scanHistory } from '../../src/secrets/sources/history.js';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const repo = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs') ?? join(import.meta.dirname, '..', '.work', 'secrets', 'history-large'));

function catFileAll(dir: string): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((res, rej) => {
    const started = performance.now();
    const p = spawn('git', ['-C', dir, 'cat-file', '--batch-all-objects', '--batch'], { stdio: ['ignore', 'pipe', 'ignore'] });
    p.stdout.on('data', () => undefined);
    p.on('error', rej);
    p.on('close', () => res({ ms: performance.now() - started, cpuMs: 0 }));
  });
}

async function main(): Promise<void> {
  const engine = new SecretEngine();
  const ours: number[] = [];
  const cat: number[] = [];
  let last: Awaited<ReturnType<typeof scanHistory>> | undefined;
  for (let i = 0; i < RUNS; i++) {
    cat.push((await catFileAll(repo)).ms);
    const started = performance.now();
    const cpu = process.cpuUsage();
    last = await scanHistory(repo, engine, { maxBlobBytes: 10 * 1024 * 1024 });
    const used = process.cpuUsage(cpu);
    ours.push(performance.now() - started);
    console.log(`run ${i + 1}: launchready ${ours.at(-1)!.toFixed(0)} ms (node cpu ${((used.user + used.system) / 1000).toFixed(0)} ms), cat-file ${cat.at(-1)!.toFixed(0)} ms`);
  }
  const best = Math.min(...ours);
  const bestCat = Math.min(...cat);
  console.log(`${repo}: ${last!.commits} commits, ${last!.blobs} blobs (${(last!.bytes / 1024 / 1024).toFixed(1)} MB, ${(last!.scannedBytes / 1024 / 1024).toFixed(1)} MB of it scanned around changes), ${last!.hits.length} hits`);
  if (args.includes('--profile')) {
    const { Session } = await import('node:inspector/promises');
    const { writeFileSync } = await import('node:fs');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await scanHistory(repo, engine, { maxBlobBytes: 10 * 1024 * 1024 });
    const { profile } = await session.post('Profiler.stop');
    const out = join(import.meta.dirname, '..', '.work', 'secrets', 'history.cpuprofile');
    writeFileSync(out, JSON.stringify(profile));
    const self = new Map<string, number>();
    const dt = new Map<number, number>();
    profile.samples?.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
    for (const n of profile.nodes) {
      const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (dt.get(n.id) ?? 0));
    }
    console.log('top self time (ms):');
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${(v / 1000).toFixed(0).padStart(6)}  ${k}`);
  }
  console.log(`best of ${RUNS}: launchready ${best.toFixed(0)} ms, git cat-file --batch-all-objects --batch ${bestCat.toFixed(0)} ms, ratio ${(best / bestCat).toFixed(2)}× (target ≤ 3×)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
