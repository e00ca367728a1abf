import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { defaultEngine, type SecretEngine } from './engine.js';
import {
  envReadsIn,
  isAppCodeFile,
  isEnvDocFile,
  isEnvSchemaFile,
  isProductionConfigFile,
  isRealEnvFile,
  parseEnvFile,
  productionSettingProblems,
  schemaNames,
  type CommittedEnvFile,
  type EnvInventory,
  type EnvRead,
  type ProductionSetting,
} from './env.js';
import { scanSourceMap, sourceMappingUrl } from './sources/bundles.js';
import { globBase, globToRegExp, readText, walkTree, type SkipStats } from './sources/files.js';
import { isGitRepo, scanHistory } from './sources/history.js';
import { scanLogText, type LogScan } from './sources/logs.js';
import type { LocatedHit } from './types.js';

export interface SecretScanOptions {
  /** Repository or directory to scan. */
  root: string;
  /** Also scan every unique blob in the git history. */
  history?: boolean;
  /** Ignore .gitignore (and scan node_modules). */
  allFiles?: boolean;
  /** Built output directories (bundles, source maps), relative to the cwd or absolute. */
  bundles?: string[];
  /** Log file globs (relative to root unless absolute). */
  logs?: string[];
  /** The deploy environment as a dotenv file (names only are kept). */
  envFile?: string;
  /** Or the deploy environment itself (names only are kept), e.g. the current environment for a preflight. */
  environment?: { source: string; values: Readonly<Record<string, string | undefined>> };
  /** Skip files larger than this (default 10 MB; minified bundles can be large). */
  maxFileBytes?: number;
  signal?: AbortSignal;
  engine?: SecretEngine;
}

export interface TreeScan {
  hits: LocatedHit[];
  files: number;
  bytes: number;
  skipped: SkipStats;
  ignoredInline: number;
  ms: number;
}

export interface HistoryScan {
  hits: LocatedHit[];
  commits: number;
  blobs: number;
  bytes: number;
  skippedBinary: number;
  skippedTooLarge: number;
  ignoredInline: number;
  ms: number;
}

export interface BundleScan {
  hits: LocatedHit[];
  files: number;
  maps: number;
  bytes: number;
  ignoredInline: number;
  ms: number;
}

export interface LogsScan {
  files: LogScan[];
  globs: string[];
  ms: number;
}

/** Everything the repo-side sources found: what the secrets, logging and deployment checks judge. */
export interface SecretScanResult {
  root: string;
  isGit: boolean;
  tree: TreeScan;
  history?: HistoryScan;
  /** Why history was not scanned although asked (not a git repository, git failed). */
  historyError?: string;
  bundles?: BundleScan;
  logs?: LogsScan;
  env: EnvInventory;
}

/** A bad path or flag value: the CLI turns it into exit 2 with this message. */
export class ScanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export async function scanRepository(opts: SecretScanOptions): Promise<SecretScanResult> {
  const root = resolve(opts.root);
  try {
    if (!statSync(root).isDirectory()) throw new ScanInputError(`${opts.root} is not a directory`);
  } catch (err) {
    if (err instanceof ScanInputError) throw err;
    throw new ScanInputError(`${opts.root}: no such directory`);
  }
  const engine = opts.engine ?? defaultEngine();
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_BYTES;
  const isGit = isGitRepo(root);

  // History first (when asked): tree findings then name the commit that introduced them.
  let history: HistoryScan | undefined;
  let historyError: string | undefined;
  let introducedBy: Array<{ commit: string; date: string; author: string; path: string }> | undefined;
  if (opts.history) {
    if (!isGit) historyError = `${opts.root} is not a git repository: history was not scanned`;
    else {
      const started = performance.now();
      try {
        const h = await scanHistory(root, engine, { maxBlobBytes: maxFileBytes, ...(opts.signal ? { signal: opts.signal } : {}) });
        history = {
          hits: dedupeHistory(h.hits),
          commits: h.commits,
          blobs: h.blobs,
          bytes: h.bytes,
          skippedBinary: h.skippedBinary,
          skippedTooLarge: h.skippedTooLarge,
          ignoredInline: h.ignoredInline,
          ms: performance.now() - started,
        };
        introducedBy = [...h.origins.values()].flat();
      } catch (err) {
        historyError = `history scan failed: ${(err as Error).message}`;
      }
    }
  }

  const treeStarted = performance.now();
  const skipped: SkipStats = { binary: 0, tooLarge: 0, ignored: 0 };
  const files = walkTree(root, { allFiles: opts.allFiles ?? false, maxFileBytes }, skipped);
  const tree: TreeScan = { hits: [], files: 0, bytes: 0, skipped, ignoredInline: 0, ms: 0 };
  const reads: EnvRead[] = [];
  const documented: Record<string, string[]> = {};
  const docFiles: string[] = [];
  const envFiles: Array<{ path: string; text: string }> = [];
  const productionSettings: ProductionSetting[] = [];
  for (const f of files) {
    if (opts.signal?.aborted) break;
    const read = readText(f.abs, skipped);
    if (!read) continue;
    tree.files++;
    tree.bytes += read.bytes;
    const r = engine.scan(read.text, f.path);
    tree.ignoredInline += r.ignoredInline;
    for (const h of r.hits) tree.hits.push({ ...h, origin: { kind: 'tree', path: f.path } });
    if (isAppCodeFile(f.path)) reads.push(...envReadsIn(read.text, f.path));
    if (isEnvDocFile(f.path)) {
      docFiles.push(f.path);
      for (const e of parseEnvFile(read.text)) (documented[e.name] ??= []).push(f.path);
    } else if (isEnvSchemaFile(f.path)) {
      const names = schemaNames(read.text);
      if (names.length) docFiles.push(f.path);
      for (const n of names) (documented[n] ??= []).push(f.path);
    }
    if (isRealEnvFile(f.path)) envFiles.push({ path: f.path, text: read.text });
    if (isProductionConfigFile(f.path)) productionSettings.push(...productionSettingProblems(read.text, f.path));
  }
  tree.ms = performance.now() - treeStarted;

  // Link tree findings to the commit that first introduced the same secret at the same path.
  if (history) {
    const oldest = new Map<string, LocatedHit>();
    for (const h of history.hits) {
      const key = `${h.ruleId}\u0000${h.redacted.sha256}\u0000${h.origin.path}`;
      if (!oldest.has(key)) oldest.set(key, h);
    }
    for (const h of tree.hits) {
      const o = oldest.get(`${h.ruleId}\u0000${h.redacted.sha256}\u0000${h.origin.path}`);
      if (o?.origin.commit) h.origin = { ...h.origin, commit: o.origin.commit, ...(o.origin.date ? { date: o.origin.date } : {}) };
    }
  }

  const committedEnvFiles = committedEnv(root, isGit, envFiles, introducedBy);
  const env: EnvInventory = { reads, docFiles, documented, committedEnvFiles, productionSettings };
  if (opts.envFile) {
    let text: string;
    try {
      text = readFileSync(opts.envFile, 'latin1');
    } catch {
      throw new ScanInputError(`--env-file ${opts.envFile}: file not found or unreadable`);
    }
    const entries = parseEnvFile(text).filter((e) => !e.commented);
    env.provided = { source: opts.envFile, names: entries.filter((e) => e.hasValue).map((e) => e.name), empty: entries.filter((e) => !e.hasValue).map((e) => e.name) };
    if (!/(dev|local|test|staging|example|sample)/i.test(opts.envFile)) productionSettings.push(...productionSettingProblems(text, opts.envFile));
  } else if (opts.environment) {
    const names = Object.entries(opts.environment.values);
    env.provided = { source: opts.environment.source, names: names.filter(([, v]) => v !== undefined && v !== '').map(([k]) => k), empty: names.filter(([, v]) => v === '').map(([k]) => k) };
  }

  const result: SecretScanResult = { root, isGit, tree, env };
  if (history) result.history = history;
  if (historyError) result.historyError = historyError;
  if (opts.bundles?.length) result.bundles = scanBundles(opts.bundles, engine, maxFileBytes * 5);
  if (opts.logs?.length) result.logs = scanLogs(root, opts.logs, engine, maxFileBytes * 10);
  return result;
}

/** One finding per secret per path in history: the oldest commit that introduced it. */
function dedupeHistory(hits: LocatedHit[]): LocatedHit[] {
  const seen = new Set<string>();
  const out: LocatedHit[] = [];
  for (const h of hits) {
    const key = `${h.ruleId}\u0000${h.redacted.sha256}\u0000${h.origin.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(h);
  }
  return out;
}

function committedEnv(
  root: string,
  isGit: boolean,
  present: Array<{ path: string; text: string }>,
  introducedBy: Array<{ commit: string; date: string; path: string }> | undefined,
): CommittedEnvFile[] {
  let tracked: Set<string> | undefined;
  if (isGit) {
    const r = spawnSync('git', ['-C', root, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.status === 0) tracked = new Set(r.stdout.split('\0').filter(Boolean));
  }
  const out: CommittedEnvFile[] = present.map(({ path, text }) => {
    const entries = parseEnvFile(text).filter((e) => !e.commented);
    return { path, tracked: tracked ? tracked.has(path) : true, variables: entries.length, withValues: entries.filter((e) => e.hasValue).length };
  });
  if (introducedBy) {
    const seen = new Set(present.map((p) => p.path));
    for (const o of introducedBy) {
      if (!isRealEnvFile(o.path) || seen.has(o.path)) continue;
      seen.add(o.path);
      out.push({ path: o.path, tracked: false, historyOnly: { commit: o.commit, date: o.date }, variables: 0, withValues: 0 });
    }
  }
  return out;
}

function listFiles(dir: string, max: number): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= max) return;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.git') walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Built output: bundles scanned as they are (line + column in minified code), source maps per original file. */
export function scanBundles(dirs: string[], engine: SecretEngine, maxBytes: number): BundleScan {
  const started = performance.now();
  const out: BundleScan = { hits: [], files: 0, maps: 0, bytes: 0, ignoredInline: 0, ms: 0 };
  const skipped: SkipStats = { binary: 0, tooLarge: 0, ignored: 0 };
  for (const dir of dirs) {
    const abs = resolve(dir);
    try {
      if (!statSync(abs).isDirectory()) throw new Error();
    } catch {
      throw new ScanInputError(`--bundles ${dir}: no such directory`);
    }
    for (const file of listFiles(abs, 200_000)) {
      const rel = `${dir.replace(/\/$/, '')}/${relative(abs, file).split(sep).join('/')}`;
      if (/\.(png|jpe?g|gif|webp|avif|ico|woff2?|ttf|otf|eot|mp4|webm|wasm|gz|br|zip)$/i.test(file)) continue;
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        continue;
      }
      if (size > maxBytes) continue;
      const read = readText(file, skipped);
      if (!read) continue;
      out.files++;
      out.bytes += read.bytes;
      if (file.endsWith('.map')) {
        out.maps++;
        const m = scanSourceMap(read.text, { kind: 'bundle', path: rel }, engine);
        out.hits.push(...m.hits);
        out.ignoredInline += m.ignoredInline;
        continue;
      }
      const r = engine.scan(read.text, rel);
      out.ignoredInline += r.ignoredInline;
      out.hits.push(...r.hits.map((h) => ({ ...h, origin: { kind: 'bundle' as const, path: rel } })));
      const inline = sourceMappingUrl(read.text);
      if (inline?.startsWith('data:')) {
        const b64 = /;base64,(.*)$/.exec(inline)?.[1];
        if (b64) {
          out.maps++;
          const m = scanSourceMap(Buffer.from(b64, 'base64').toString('utf8'), { kind: 'bundle', path: rel, via: rel }, engine);
          out.hits.push(...m.hits);
        }
      }
    }
  }
  out.ms = performance.now() - started;
  return out;
}

export function scanLogs(root: string, globs: string[], engine: SecretEngine, maxBytes: number): LogsScan {
  const started = performance.now();
  const files: LogScan[] = [];
  const skipped: SkipStats = { binary: 0, tooLarge: 0, ignored: 0 };
  for (const glob of globs) {
    const absGlob = glob.startsWith('/') ? glob : `${root}/${glob}`.replace(/\/\.\//g, '/');
    const base = globBase(absGlob);
    const re = globToRegExp(absGlob);
    let candidates: string[];
    try {
      candidates = statSync(absGlob).isFile() ? [absGlob] : listFiles(base, 50_000);
    } catch {
      candidates = listFiles(base, 50_000);
    }
    for (const file of candidates) {
      const norm = file.split(sep).join('/');
      if (norm !== absGlob && !re.test(norm)) continue;
      try {
        if (statSync(file).size > maxBytes) continue;
      } catch {
        continue;
      }
      const read = readText(file, skipped);
      if (!read) continue;
      const rel = relative(root, file).split(sep).join('/');
      files.push(scanLogText(read.text, rel.startsWith('..') ? norm : rel, engine));
    }
  }
  return { files, globs, ms: performance.now() - started };
}
