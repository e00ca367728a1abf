import { spawn, spawnSync } from 'node:child_process';
import type { SecretEngine } from '../engine.js';
import type { LocatedHit, SecretHit } from '../types.js';
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
  /** Bytes the engine actually read: a new version of a path is scanned only around what changed. */
  scannedBytes: number;
  /** blob id → where it first appeared; tree findings use it to say which commit introduced a file version. */
  introducedBy: Map<string, BlobOrigin>;
  /** blob id → every path that introduced it (a copied file), each with the first commit that put it there. */
  origins: Map<string, BlobOrigin[]>;
}

export interface BlobOrigin {
  commit: string;
  date: string;
  author: string;
  path: string;
}

/** A blob introduced at more paths than this (an empty __init__.py) keeps the first ones only. */
const MAX_ORIGINS = 1000;
/** Context scanned around a change (whole lines): more than any single-line rule looks back or ahead. */
const CONTEXT_BYTES = 2 * 1024;
/** Markers of multi-line secrets (key blocks, service-account JSON, docker auths, Kubernetes Secrets): such files are scanned whole. */
const MULTI_LINE_MARKERS = /PRIVATE KEY|service_account|PuTTY-User-Key|"auths"|kind: Secret|LS0tLS1CRUdJTi/;
/** Memory kept for previous versions of paths (a checkout's worth); beyond it versions are scanned in full. */
const MAX_CACHED_BYTES = 256 * 1024 * 1024;
const CHUNK = 4096;

/** Length of the common prefix of two buffers (native compares of 4 KB chunks, then bytes). */
function commonPrefix(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= n && a.compare(b, i, i + CHUNK, i, i + CHUNK) === 0) i += CHUNK;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Length of the common suffix of two buffers, not reaching into the first `floor` bytes of either. */
function commonSuffix(a: Buffer, b: Buffer, floor: number): number {
  const n = Math.min(a.length, b.length) - floor;
  let k = 0;
  while (k + CHUNK <= n && a.compare(b, b.length - k - CHUNK, b.length - k, a.length - k - CHUNK, a.length - k) === 0) k += CHUNK;
  while (k < n && a[a.length - 1 - k] === b[b.length - 1 - k]) k++;
  return k;
}

/**
 * The part of `next` to scan given the previous version of the same path: the changed bytes plus
 * CONTEXT_BYTES either side, widened to whole lines. undefined when the two are identical.
 */
export function changedRegion(prev: Buffer, next: Buffer): { start: number; end: number } | undefined {
  if (prev.length === next.length && prev.equals(next)) return undefined;
  const prefix = commonPrefix(prev, next);
  const suffix = commonSuffix(prev, next, prefix);
  let start = Math.max(0, prefix - CONTEXT_BYTES);
  let end = Math.min(next.length, next.length - suffix + CONTEXT_BYTES);
  if (start > 0) start = next.lastIndexOf(10, start - 1) + 1;
  if (end < next.length) {
    const nl = next.indexOf(10, end);
    end = nl < 0 ? next.length : nl + 1;
  }
  return { start, end };
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  let i = buf.indexOf(10);
  while (i >= 0 && i < end) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
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
 * `git log --all --reverse --raw` names each blob with the commits and paths that introduced it,
 * and then a single `git cat-file --batch --buffer` streams those blobs to the engine in log order.
 *
 * A blob's hits are attributed to every path that introduced it (a copied file is a leak at each path).
 * A new version of a path is scanned only around what changed since the previous version of that path
 * (whole lines, 2 KB of context either side; files holding multi-line secret formats are scanned whole): the unchanged text was already
 * scanned and reported at the same path, and findings are one per secret per path. This is what keeps
 * long histories of large, often-edited files close to the cost of reading them.
 */
export function scanHistory(root: string, engine: SecretEngine, opts: HistoryScanOptions): Promise<HistoryScanResult> {
  return new Promise((resolve, reject) => {
    const result: HistoryScanResult = { hits: [], commits: 0, blobs: 0, bytes: 0, scannedBytes: 0, skippedBinary: 0, skippedTooLarge: 0, ignoredInline: 0, introducedBy: new Map(), origins: new Map() };
    /** Hits per blob, without origin; expanded to every origin when the scan ends (later commits may copy the blob). */
    const blobHits = new Map<string, SecretHit[]>();
    /** The last scanned content of each path, the base the next version is compared with (bounded in bytes). */
    const lastContent = new Map<string, Buffer>();
    let cachedBytes = 0;
    /** Paths whose content held a multi-line secret format: later versions are scanned whole. */
    const multiLine = new Set<string>();
    const logArgs = ['-C', root, 'log', '--all', '--reverse', '--raw', '-z', '--no-renames', '--no-abbrev', '--diff-merges=first-parent', '--format=%x01%H%x02%cI%x02%an'];
    if (opts.maxCommits) logArgs.push(`--max-count=${opts.maxCommits}`);
    // GIT_FLUSH=0: git log buffers its output instead of flushing after every commit into the pipe
    // (thousands of small writes and wake-ups on a long history).
    const log = spawn('git', logArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_FLUSH: '0' } });
    const cat = spawn('git', ['-C', root, 'cat-file', '--batch', '--buffer'], { stdio: ['pipe', 'pipe', 'pipe'] });
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
          const known = result.origins.get(sha);
          if (known) {
            if (known.length < MAX_ORIGINS && !known.some((o) => o.path === token)) known.push({ ...current, path: token });
            continue;
          }
          const origin = { ...current, path: token };
          result.introducedBy.set(sha, origin);
          result.origins.set(sha, [origin]);
          if (isBinaryPath(token)) {
            result.skippedBinary++;
            continue;
          }
          queue.push(sha);
        } else if (token.startsWith(':')) {
          pendingMeta = token.slice(1);
        }
      }
    });
    log.on('error', fail);
    cat.on('error', fail);
    cat.stdin.on('error', () => undefined);
    log.on('close', (code) => {
      if (code !== 0 && !failed) {
        fail(new Error(`git log failed: ${logErr.trim().split('\n')[0] ?? `exit ${code}`}`));
        return;
      }
      // All requests at once, after the log: on a busy machine, feeding cat-file while the log runs
      // costs a ping-pong of wake-ups between three processes that outweighs the overlap.
      cat.stdin.end(queue.length ? `${queue.join('\n')}\n` : '');
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
      const prev = lastContent.get(origin.path);
      let region = prev ? changedRegion(prev, content) : { start: 0, end: content.length };
      if (prev) cachedBytes -= prev.length;
      if (cachedBytes + content.length <= MAX_CACHED_BYTES) {
        lastContent.set(origin.path, content);
        cachedBytes += content.length;
      } else lastContent.delete(origin.path);
      if (!region) return; // identical bytes (a revert): nothing new
      // Files that hold a multi-line secret format (known from the last version, or seen in the change)
      // are scanned whole: a key block may straddle the changed region.
      if (multiLine.has(origin.path)) region = { start: 0, end: content.length };
      let text = content.toString('latin1', region.start, region.end);
      if (MULTI_LINE_MARKERS.test(text)) {
        multiLine.add(origin.path);
        if (region.start > 0 || region.end < content.length) {
          region = { start: 0, end: content.length };
          text = content.toString('latin1');
        }
      }
      result.scannedBytes += region.end - region.start;
      const scanned = engine.scan(text, origin.path);
      result.ignoredInline += scanned.ignoredInline;
      if (scanned.hits.length === 0) return;
      const lineOffset = region.start > 0 ? countNewlines(content, region.start) : 0;
      blobHits.set(sha, lineOffset ? scanned.hits.map((h) => ({ ...h, line: h.line + lineOffset })) : scanned.hits);
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
      for (const [sha, hits] of blobHits) {
        for (const o of result.origins.get(sha) ?? []) {
          for (const h of hits) result.hits.push({ ...h, path: o.path, origin: { kind: 'history', path: o.path, commit: o.commit, date: o.date, author: o.author } });
        }
      }
      resolve(result);
    });
  });
}
