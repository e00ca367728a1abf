import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.js';

/**
 * The store tests run once per backend: SQLite always, PostgreSQL when LAUNCHREADY_TEST_PG_URL
 * points at a server (test/store/start-postgres.sh starts a throw-away one). Each test gets a fresh
 * database so the cases cannot see each other's rows.
 */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty store location (file path or database URL). */
  fresh(): Promise<string>;
  open(location: string): Promise<Store>;
  cleanup(): Promise<void>;
}

export const PG_URL = process.env['LAUNCHREADY_TEST_PG_URL'];

let warned = false;
export function warnPostgresSkipped(): void {
  if (PG_URL || warned) return;
  warned = true;
  console.warn(
    '\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      '!! PostgreSQL store tests SKIPPED: LAUNCHREADY_TEST_PG_URL is not set.                        !!\n' +
      '!! Run: eval "$(test/store/start-postgres.sh)" && npx vitest run test/store                  !!\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

export function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'lr-store-'));
      dirs.push(dir);
      return join(dir, 'store.db');
    },
    open: (location) => openStore(location),
    async cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(adminUrl: string): Backend {
  const databases: string[] = [];
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    name: 'postgres',
    async fresh() {
      const name = `lr_test_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      databases.push(name);
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return u.toString();
    },
    open: (location) => openStore(location),
    async cleanup() {
      const names = databases.splice(0);
      await admin(async (c) => {
        for (const n of names) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
      });
    },
  };
}

export function backends(): Backend[] {
  warnPostgresSkipped();
  return PG_URL ? [sqliteBackend(), postgresBackend(PG_URL)] : [sqliteBackend()];
}
