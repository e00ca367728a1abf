import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../helpers.js';

/**
 * Real `launchready worker` processes against a real PostgreSQL, each test in its own database
 * (named i18_…), dropped at the end with every process killed.
 */

export const MAIN = join(ROOT, 'src/cli/main.ts');

export interface Db {
  url: string;
  name: string;
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function freshDatabase(adminUrl: string): Promise<Db> {
  const name = `i18_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return {
    url,
    name,
    async query<T>(sql: string, values: unknown[] = []) {
      return (await pool.query(sql, values)).rows as T[];
    },
    async drop() {
      await pool.end().catch(() => undefined);
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface WorkerProc {
  child: ChildProcess;
  id: string;
  location: string;
  lines: Array<Record<string, unknown>>;
  stderr(): string;
  /** SIGTERM and wait for a clean exit (SIGKILL after `ms`). */
  stop(ms?: number): Promise<number | null>;
  kill9(): Promise<void>;
  exited: Promise<number | null>;
}

export interface SpawnWorkerOptions {
  url: string;
  location?: string;
  config?: string[];
  env?: Record<string, string>;
  lease?: string;
  concurrency?: number;
  /** How often an idle worker asks for work (default 500ms). */
  poll?: string;
}

/** Starts `launchready worker` (TypeScript through tsx) and resolves once it logged "worker started". */
export async function spawnWorker(o: SpawnWorkerOptions): Promise<WorkerProc> {
  const args = [
    '--import',
    'tsx',
    MAIN,
    'worker',
    '--store',
    o.url,
    '--location',
    o.location ?? 'default',
    '--concurrency',
    String(o.concurrency ?? 10),
    // The test cluster is shared: few connections per worker.
    '--connections',
    '3',
    '--lease',
    o.lease ?? '3s',
    '--poll',
    o.poll ?? '500ms',
    '--plan-every',
    '300ms',
    '--heartbeat',
    '500ms',
    '--allow-short-intervals',
    '--log-level',
    'info',
    ...(o.config ?? []).flatMap((c) => ['--config', c]),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LAUNCHREADY_LOOPBACK_ONLY: '1', ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let err = '';
  let buf = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const started = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        try {
          const j = JSON.parse(line) as Record<string, unknown>;
          lines.push(j);
          if (typeof j['msg'] === 'string' && j['msg'].startsWith('worker started')) resolve(String(j['worker']));
        } catch {
          err += `${line}\n`;
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    void exited.then((code) => reject(new Error(`worker exited (${code}) before starting:\n${err}`)));
    setTimeout(() => reject(new Error(`worker did not start within 90 s:\n${err}\n${lines.map((l) => JSON.stringify(l)).join('\n')}`)), 90_000).unref();
  });
  const id = await started.catch((e: Error) => {
    child.kill('SIGKILL');
    throw e;
  });
  return {
    child,
    id,
    location: o.location ?? 'default',
    lines,
    stderr: () => err,
    exited,
    async stop(ms = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export function tempConfig(text: string): { file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lr-i18-'));
  const file = join(dir, 'launchready.yml');
  writeFileSync(file, text);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function waitUntil<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string, stepMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
