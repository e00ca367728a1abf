import { spawn, spawnSync } from 'node:child_process';
import type { SecretEngine } from '../engine.js';
import type { LocatedHit } from '../types.js';
import { isBinaryPath, looksBinary } from './files.js';

export interface HistoryScanOptions {
  maxBlobBytes: number;
  signal?: AbortSignal;
  /** Stop after this many commits (bounded work on huge repos); undefined = all. */
  maxCommits?: number;
}

export interface HistoryScanResult {
  hits: LocatedHit[];
  commits: number;
  /** Unique blobs read and scanned (each exactly once). */
  blobs: number;
  bytes: number;
  skippedBinary: number;
  skippedTooLarge: number;
  ignoredInline: number;
  /** blob id → where it first appeared; tree findings use it to say which commit introduced a file version. */
  introducedBy: Map<string, BlobOrigin>;
}

export interface BlobOrigin {
  commit: string;
  date: string;
  author: string;
  path: string;
}

export function isGitRepo(root: string): boolean {
  const r = spawnSync('git', ['-C', root, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === 'true';
}

/** `git hash-object` of each path in the working tree, to link a tree finding to the commit that introduced it. */
export function blobIdsOfHead(root: string): Map<string, string> {
  const r = spawnSync('git', ['-C', root, 'ls-tree', '-r', '-z', '--full-tree', 'HEAD'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const map = new Map<string, string>();
  if (r.status !== 0) return map;
  for (const entry of r.stdout.split('\0')) {
    const m = /^\d+ blob ([0-9a-f]{40,64})\t(.+)$/s.exec(entry);
    if (m) map.set(m[2]!, m[1]!);
  }
  return map;
}

/**
 * Every version of every file in the repository's history, each unique blob read once:
 * `git log --all --reverse --raw` names each blob with the oldest commit and path that introduced it,
 * and a single `git cat-file --batch` streams those blobs to the engine while the log is still
 * running (two processes, two cores).
 */
export function scanHistory(root: string, engine: SecretEngine, opts: HistoryScanOptions): Promise<HistoryScanResult> {
  return new Promise((resolve, reject) => {
    const result: HistoryScanResult = { hits: [], commits: 0, blobs: 0, bytes: 0, skippedBinary: 0, skippedTooLarge: 0, ignoredInline: 0, introducedBy: new Map() };
    const logArgs = ['-C', root, 'log', '--all', '--reverse', '--raw', '-z', '--no-renames', '--no-abbrev', '--diff-merges=first-parent', '--format=%x01%H%x02%cI%x02%an'];
    if (opts.maxCommits) logArgs.push(`--max-count=${opts.maxCommits}`);
    const log = spawn('git', logArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const cat = spawn('git', ['-C', root, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let failed = false;
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      log.kill();
      cat.kill();
      reject(err);
    };
    const onAbort = (): void => fail(new Error('history scan interrupted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    // Blobs requested from cat-file, in order; cat-file answers in the same order.
    const queue: string[] = [];
    let queueHead = 0;
    let current: BlobOrigin | undefined;
    let pendingMeta: string | undefined;
    let carry = '';
    let logErr = '';
    log.stderr.on('data', (d: Buffer) => (logErr += d.toString()));
    log.stdout.setEncoding('utf8');
    log.stdout.on('data', (chunk: string) => {
      const parts = (carry + chunk).split('\0');
      carry = parts.pop() ?? '';
      const batch: string[] = [];
      for (let token of parts) {
        if (token.startsWith('\n')) token = token.slice(1);
        if (token.startsWith('\x01')) {
          const [commit = '', date = '', author = ''] = token.slice(1).split('\x02');
          current = { commit, date, author, path: '' };
          result.commits++;
          pendingMeta = undefined;
        } else if (pendingMeta !== undefined) {
          const meta = pendingMeta;
          pendingMeta = undefined;
          // :oldmode newmode oldsha newsha status
          const f = meta.split(' ');
          const newMode = f[1] ?? '';
          const sha = f[3] ?? '';
          const status = f[4] ?? '';
          if (!current || status.startsWith('D') || !newMode.startsWith('100') || /^0+$/.test(sha)) continue;
          if (result.introducedBy.has(sha)) continue;
          result.introducedBy.set(sha, { ...current, path: token });
          if (isBinaryPath(token)) {
            result.skippedBinary++;
            continue;
          }
          queue.push(sha);
          batch.push(sha);
        } else if (token.startsWith(':')) {
          pendingMeta = token.slice(1);
        }
      }
      if (batch.length) cat.stdin.write(`${batch.join('\n')}\n`);
    });
    log.on('error', fail);
    cat.on('error', fail);
    cat.stdin.on('error', () => undefined);
    log.on('close', (code) => {
      if (code !== 0 && !failed) {
        fail(new Error(`git log failed: ${logErr.trim().split('\n')[0] ?? `exit ${code}`}`));
        return;
      }
      cat.stdin.end();
    });

    // cat-file --batch output: "<sha> blob <size>\n<content>\n" per object. Chunks are gathered in a
    // list and joined once per blob (no quadratic re-copying); oversized blobs are skipped unread.
    let head: Buffer = Buffer.alloc(0);
    let need: { sha: string; size: number; skip: boolean } | undefined;
    let parts: Buffer[] = [];
    let have = 0;
    const finishBlob = (content: Buffer | undefined): void => {
      const { sha, size, skip } = need!;
      need = undefined;
      const origin = result.introducedBy.get(sha);
      if (!origin) return;
      if (skip || !content) {
        result.skippedTooLarge++;
        return;
      }
      if (looksBinary(content)) {
        result.skippedBinary++;
        return;
      }
      result.blobs++;
      result.bytes += size;
      const scanned = engine.scan(content.toString('latin1'), origin.path);
      result.ignoredInline += scanned.ignoredInline;
      for (const h of scanned.hits) {
        result.hits.push({ ...h, origin: { kind: 'history', path: origin.path, commit: origin.commit, date: origin.date, author: origin.author } });
      }
    };
    cat.stdout.on('data', (chunk: Buffer) => {
      let data: Buffer = head.length ? Buffer.concat([head, chunk]) : chunk;
      head = Buffer.alloc(0);
      while (data.length > 0) {
        if (!need) {
          const nl = data.indexOf(10);
          if (nl < 0) {
            head = data;
            return;
          }
          const header = data.subarray(0, nl).toString('latin1');
          data = data.subarray(nl + 1);
          queueHead++;
          const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
          if (!m) continue; // "<sha> missing"
          const size = Number(m[3]);
          need = { sha: m[1]!, size, skip: size > opts.maxBlobBytes };
          parts = [];
          have = 0;
        }
        const want = need.size + 1 - have; // content plus the trailing newline
        const piece = data.subarray(0, Math.min(want, data.length));
        data = data.subarray(piece.length);
        if (!need.skip) parts.push(piece);
        have += piece.length;
        if (have === need.size + 1) {
          const content = need.skip ? undefined : (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).subarray(0, need.size);
          parts = [];
          finishBlob(content);
        }
      }
    });
    let catErr = '';
    cat.stderr.on('data', (d: Buffer) => (catErr += d.toString()));
    cat.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (failed) return;
      if (code !== 0) {
        fail(new Error(`git cat-file failed: ${catErr.trim().split('\n')[0] ?? `exit ${code}`}`));
        return;
      }
      void queue;
      void queueHead;
      resolve(result);
    });
  });
}
