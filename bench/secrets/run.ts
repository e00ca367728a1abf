/**
 * Secrets benchmark: recall, precision and throughput of launchready's scanner against secretlint on
 * the same files in the same run, on (1) a generated labelled corpus, (2) a real tree with no secrets
 * (a slice of this repo's node_modules: every finding there is a false positive), and (3) a generated
 * git history where secrets are added and later removed, timed against a plain
 * `git cat-file --batch-all-objects --batch` read of the same repository.
 *
 *   npx tsx bench/secrets/run.ts [--files 2000] [--real-mb 15] [--commits 150] [--churn 0] [--no-secretlint]
 *   npx tsx bench/secrets/run.ts --history-only --commits 1500 --churn 6000   (a large history: ~7.5k commits)
 *
 * --churn N adds N ordinary commits, each editing one real file (a line appended), as a long-lived
 * repository has: many versions of the same files, most without secrets. --profile writes a CPU profile
 * of one history scan to bench/.work/secrets/history.cpuprofile.
 *
 * Generated data goes to bench/.work/ (gitignored).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { SecretEngine } from '../../src/secrets/engine.js';
import { scanHistory } from '../../src/secrets/sources/history.js';
import { generateCorpus, type Label } from './corpus.js';
import { prng } from '../../src/secrets/rules/synth.js';

const args = process.argv.slice(2);
const num = (flag: string, def: number): number => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const ROOT = resolve(import.meta.dirname, '..', '..');
const WORK = join(ROOT, 'bench', '.work', 'secrets');
const FILES = num('--files', 2000);
const REAL_MB = num('--real-mb', 15);
const COMMITS = num('--commits', 150);
// --history-real-mb N: megabytes of real code (node_modules slice) committed alongside the labelled files.
const WITH_SECRETLINT = !args.includes('--no-secretlint');
const HISTORY_ONLY = args.includes('--history-only');
const CHURN = num('--churn', 0);

interface Found {
  file: string;
  line: number;
}

interface Score {
  recall: number;
  precision: number;
  tp: number;
  fn: number;
  fp: number;
  missed: Record<string, number>;
  fpSamples: string[];
}

function score(labels: Label[], found: Found[]): Score {
  const byFile = new Map<string, Label[]>();
  for (const l of labels) (byFile.get(l.file) ?? byFile.set(l.file, []).get(l.file)!).push(l);
  const hit = new Set<Label>();
  let fp = 0;
  const fpSamples: string[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    const key = `${f.file}:${f.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const match = (byFile.get(f.file) ?? []).find((l) => f.line >= l.line && f.line <= l.endLine);
    if (match) hit.add(match);
    else {
      fp++;
      if (fpSamples.length < 8) fpSamples.push(key);
    }
  }
  const missed: Record<string, number> = {};
  for (const l of labels) if (!hit.has(l)) missed[l.family] = (missed[l.family] ?? 0) + 1;
  const tp = hit.size;
  return { recall: tp / Math.max(1, labels.length), precision: tp / Math.max(1, tp + fp), tp, fn: labels.length - tp, fp, missed, fpSamples };
}

function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** A slice of node_modules: whole packages, text files only, until `mb` megabytes. */
function realTree(mb: number): string[] {
  const nm = join(ROOT, 'node_modules');
  const pkgs = ['undici', 'zod', 'commander', 'yaml', 'fastify', 'pino', 'ajv', 'fast-check', 'vitest', 'dns-packet', 'mailauth', 'pg', 'nodemailer', 'better-sqlite3', 'ignore', 'typescript-eslint', 'esbuild', 'vite'];
  const out: string[] = [];
  let bytes = 0;
  for (const p of pkgs) {
    let files: string[];
    try {
      files = listAll(join(nm, p));
    } catch {
      continue;
    }
    for (const f of files) {
      if (!/\.(m?js|cjs|ts|json|md|ya?ml|map|txt)$/.test(f)) continue;
      const size = statSync(f).size;
      if (size > 2 * 1024 * 1024) continue;
      out.push(f);
      bytes += size;
      if (bytes > mb * 1024 * 1024) return out;
    }
  }
  return out;
}

function oursOnFiles(engine: SecretEngine, files: string[], base: string): { found: Found[]; ms: number; bytes: number } {
  const started = performance.now();
  const found: Found[] = [];
  let bytes = 0;
  for (const f of files) {
    const buf = readFileSync(f);
    bytes += buf.length;
    const rel = relative(base, f).split('\\').join('/');
    for (const h of engine.scan(buf.toString('latin1'), rel).hits) if (!h.publicByDesign) found.push({ file: rel, line: h.line });
  }
  return { found, ms: performance.now() - started, bytes };
}

async function secretlintOnFiles(files: string[], base: string): Promise<{ found: Found[]; ms: number }> {
  const { createEngine } = await import('@secretlint/node');
  const engine = await createEngine({
    cwd: base,
    formatter: 'json',
    color: false,
    maskSecrets: true,
    configFileJSON: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] },
  });
  await engine.executeOnFiles({ filePathList: files.slice(0, 100) });
  const started = performance.now();
  const found: Found[] = [];
  // Chunks keep the formatted output reasonable; timing covers all of them.
  for (let i = 0; i < files.length; i += 500) {
    const res = await engine.executeOnFiles({ filePathList: files.slice(i, i + 500) });
    const parsed = JSON.parse(res.output || '[]') as Array<{ filePath: string; messages: Array<{ loc: { start: { line: number } } }> }>;
    for (const r of parsed) for (const m of r.messages) found.push({ file: relative(base, r.filePath).split('\\').join('/'), line: m.loc.start.line });
  }
  return { found, ms: performance.now() - started };
}

function mbps(bytes: number, ms: number): string {
  return ((bytes / 1024 / 1024) / (ms / 1000)).toFixed(1);
}

function pct(x: number): string {
  return (100 * x).toFixed(1) + '%';
}

/** A git history built with fast-import: files added with secrets, most secrets later removed. */
function buildHistory(dir: string, seed: number, commits: number, realFiles: string[]): Label[] {
  const src = join(WORK, 'history-src');
  const corpus = generateCorpus(src, { files: commits * 6, seed, fillerLines: 40 });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main', dir]);
  const chunks: Buffer[] = [];
  const push = (s: string | Buffer): void => void chunks.push(typeof s === 'string' ? Buffer.from(s) : s);
  let t = 1_700_000_000;
  let mark = 0;
  const commit = (msg: string, ops: Array<{ path: string; content?: string }>): void => {
    mark++;
    push(`commit refs/heads/main\nmark :${mark}\ncommitter Dev <dev@acme.test> ${(t += 3600)} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}\n`);
    if (mark > 1) push(`from :${mark - 1}\n`);
    for (const op of ops) {
      if (op.content === undefined) push(`D ${op.path}\n`);
      else {
        const b = Buffer.from(op.content, 'latin1');
        push(`M 100644 inline ${op.path}\ndata ${b.length}\n`);
        push(b);
        push('\n');
      }
    }
    push('\n');
  };
  const texts = new Map(corpus.files.map((f) => [f, readFileSync(join(src, f), 'latin1')]));
  // Real code (no secrets expected) interleaved with the labelled files, as in a real repository.
  const real = realFiles.map((f) => ({ path: `lib/${relative(join(ROOT, 'node_modules'), f).split('\\').join('/')}`, content: readFileSync(f, 'latin1') }));
  const perCommit = Math.ceil(corpus.files.length / commits);
  const realPerCommit = Math.ceil(real.length / commits);
  for (let i = 0; i < commits; i++) {
    const batch = corpus.files.slice(i * perCommit, (i + 1) * perCommit);
    const ops = [...batch.map((p) => ({ path: p, content: texts.get(p)! })), ...real.slice(i * realPerCommit, (i + 1) * realPerCommit)];
    if (ops.length) commit(`feat: add ${ops[0]!.path}`, ops);
  }
  // Ordinary churn: some real files change later.
  for (let i = 0; i < real.length; i += 40) {
    const f = real[i]!;
    commit(`fix: tweak ${f.path}`, [{ path: f.path, content: `${f.content}\n// patched ${i}\n` }]);
  }
  // Long-lived churn (--churn): each commit edits one real file (a line appended), many versions per file.
  if (real.length) {
    const rand = prng(seed + 1);
    const current = new Map(real.map((f) => [f.path, f.content]));
    for (let i = 0; i < CHURN; i++) {
      const f = real[Math.floor(rand() * Math.min(real.length, 400))]!;
      const next = `${current.get(f.path)!}// change ${i}\n`;
      current.set(f.path, next);
      commit(`fix: change ${i} in ${f.path}`, [{ path: f.path, content: next }]);
    }
  }
  // Later: most secrets are "removed" (the line replaced by an env reference), and files keep changing.
  const byFile = new Map<string, Label[]>();
  for (const l of corpus.labels) (byFile.get(l.file) ?? byFile.set(l.file, []).get(l.file)!).push(l);
  const files = [...byFile.keys()];
  for (let i = 0; i < files.length; i += 10) {
    const ops = files.slice(i, i + 10).map((p) => {
      const lines = texts.get(p)!.split('\n');
      for (const l of byFile.get(p)!) for (let k = l.line; k <= l.endLine; k++) lines[k - 1] = '# moved to the secret manager';
      lines.push(`# touched ${i}`);
      const content = lines.join('\n');
      texts.set(p, content);
      return { path: p, content };
    });
    commit(`chore: remove hard-coded credentials (${i})`, ops);
  }
  const r = spawnSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: Buffer.concat(chunks) });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr.toString()}`);
  spawnSync('git', ['-C', dir, 'reset', '-q', '--hard', 'main']);
  return corpus.labels;
}

function catFileAll(dir: string): Promise<number> {
  return new Promise((res, rej) => {
    const started = performance.now();
    const p = spawn('git', ['-C', dir, 'cat-file', '--batch-all-objects', '--batch'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    p.stdout.on('data', (d: Buffer) => (bytes += d.length));
    p.on('error', rej);
    p.on('close', () => {
      void bytes;
      res(performance.now() - started);
    });
  });
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const engine = new SecretEngine();
  console.log(`launchready secrets benchmark — ${engine.rules.length} rules`);

  if (HISTORY_ONLY) {
    await historyBench(engine);
    return;
  }
  // 1. Labelled corpus.
  const corpusDir = join(WORK, 'corpus');
  const corpus = generateCorpus(corpusDir, { files: FILES, seed: 42, fillerLines: 60 });
  const corpusFiles = corpus.files.map((f) => join(corpusDir, f));
  console.log(`\nCorpus: ${corpus.files.length} files, ${(corpus.bytes / 1024 / 1024).toFixed(1)} MB, ${corpus.labels.length} planted secrets`);
  // 2. Real tree.
  const real = realTree(REAL_MB);
  const realBytes = real.reduce((s, f) => s + statSync(f).size, 0);
  console.log(`Real tree (node_modules slice): ${real.length} files, ${(realBytes / 1024 / 1024).toFixed(1)} MB, no secrets expected`);

  // Warm-up: one untimed pass for the JIT (secretlint gets an untimed pass over 100 files below).
  oursOnFiles(engine, corpusFiles, corpusDir);
  oursOnFiles(engine, real, ROOT);
  const oursCorpus = oursOnFiles(engine, corpusFiles, corpusDir);
  const oursReal = oursOnFiles(engine, real, ROOT);
  const oursScore = score(corpus.labels, oursCorpus.found);

  const rows: string[][] = [['tool', 'recall', 'precision', 'FP (corpus)', 'FP (real tree)', 'MB/s (corpus)', 'MB/s (real)', 'MB/s (all)']];
  const oursAll = mbps(oursCorpus.bytes + oursReal.bytes, oursCorpus.ms + oursReal.ms);
  rows.push(['launchready', pct(oursScore.recall), pct(oursScore.precision), String(oursScore.fp), String(new Set(oursReal.found.map((f) => `${f.file}:${f.line}`)).size), mbps(oursCorpus.bytes, oursCorpus.ms), mbps(oursReal.bytes, oursReal.ms), oursAll]);
  let speedup = '';
  if (WITH_SECRETLINT) {
    const slCorpus = await secretlintOnFiles(corpusFiles, corpusDir);
    const slReal = await secretlintOnFiles(real, ROOT);
    const slScore = score(corpus.labels, slCorpus.found);
    const slAll = mbps(oursCorpus.bytes + oursReal.bytes, slCorpus.ms + slReal.ms);
    rows.push(['secretlint', pct(slScore.recall), pct(slScore.precision), String(slScore.fp), String(new Set(slReal.found.map((f) => `${f.file}:${f.line}`)).size), mbps(oursCorpus.bytes, slCorpus.ms), mbps(oursReal.bytes, slReal.ms), slAll]);
    speedup = `throughput: launchready is ${((slCorpus.ms + slReal.ms) / (oursCorpus.ms + oursReal.ms)).toFixed(1)}× secretlint on the same files`;
  }
  console.log('\nWorking tree');
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(i === 0 ? 12 : 15)).join(''));
  if (speedup) console.log(speedup);
  if (Object.keys(oursScore.missed).length) console.log('launchready missed:', JSON.stringify(oursScore.missed));
  if (oursScore.fpSamples.length) console.log('launchready false positives (sample):', oursScore.fpSamples.join(', '));
  const realFp = [...new Set(oursReal.found.map((f) => `${f.file}:${f.line}`))].slice(0, 8);
  if (realFp.length) console.log('launchready real-tree findings (sample):', realFp.join(', '));

  const history = await historyBench(engine);
  const summary = {
    tree: { recall: oursScore.recall, precision: oursScore.precision, mbps: Number(oursAll) },
    history,
  };
  writeFileSync(join(WORK, 'summary.json'), JSON.stringify(summary, null, 2));
}

async function historyBench(engine: SecretEngine): Promise<Record<string, number>> {
  // 3. History.
  const histDir = join(WORK, HISTORY_ONLY ? 'history-large' : 'history-repo');
  const built = performance.now();
  const histLabels = buildHistory(histDir, 7, COMMITS, realTree(num('--history-real-mb', 10)));
  spawnSync('git', ['-C', histDir, 'repack', '-q', '-a', '-d', '-f', '--depth=50', '--window=10'], { stdio: 'ignore' });
  console.log(`\n(history repository built and packed in ${((performance.now() - built) / 1000).toFixed(1)} s)`);
  const count = spawnSync('git', ['-C', histDir, 'count-objects', '-v'], { encoding: 'utf8' }).stdout;
  const catMs = Math.min(await catFileAll(histDir), await catFileAll(histDir));
  let best = Infinity;
  let hist: Awaited<ReturnType<typeof scanHistory>> | undefined;
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    const h = await scanHistory(histDir, engine, { maxBlobBytes: 10 * 1024 * 1024 });
    const ms = performance.now() - started;
    if (ms < best) {
      best = ms;
      hist = h;
    }
  }
  const seen = new Set<string>();
  const histFound: Found[] = [];
  for (const h of hist!.hits) {
    if (h.publicByDesign) continue;
    const key = `${h.ruleId}\u0000${h.redacted.sha256}\u0000${h.origin.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    histFound.push({ file: h.origin.path, line: h.line });
  }
  const histScore = score(histLabels, histFound);
  console.log(`\nGit history: ${hist!.commits} commits, ${hist!.blobs} unique blobs scanned once (${(hist!.bytes / 1024 / 1024).toFixed(1)} MB), ${histLabels.length} secrets added (most removed later)`);
  console.log(`  ${count.split('\n').filter((l) => /^(count|size|in-pack|size-pack)/.test(l)).join(', ')}`);
  console.log(`  recall ${pct(histScore.recall)}  precision ${pct(histScore.precision)}  (tp ${histScore.tp}, fn ${histScore.fn}, fp ${histScore.fp})`);
  console.log(`  launchready full-history scan: ${best.toFixed(0)} ms;  git cat-file --batch-all-objects --batch: ${catMs.toFixed(0)} ms;  ratio ${(best / catMs).toFixed(2)}× (target ≤ 3×)`);
  if (Object.keys(histScore.missed).length) console.log('  missed in history:', JSON.stringify(histScore.missed));
  if (histScore.fpSamples.length) console.log('  history false positives (sample):', histScore.fpSamples.join(', '));

  if (args.includes('--profile')) {
    const { Session } = await import('node:inspector/promises');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await scanHistory(histDir, engine, { maxBlobBytes: 10 * 1024 * 1024 });
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(WORK, 'history.cpuprofile'), JSON.stringify(profile));
    console.log(`  CPU profile: ${join(WORK, 'history.cpuprofile')}`);
  }
  return { recall: histScore.recall, precision: histScore.precision, ms: best, catFileMs: catMs, ratio: best / catMs, commits: hist!.commits };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
