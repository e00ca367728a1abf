import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Mutex, type Row, type SqlDriver, type SqlExecutor, type SqlValue } from './driver.js';

export interface SqliteOptions {
  /**
   * `full` (default) syncs the WAL on every commit: an acknowledged write survives a power cut.
   * `normal` survives a killed process (kill -9) but may lose the last commits on power loss.
   */
  synchronous?: 'full' | 'normal';
}

/** SQLite through better-sqlite3, in WAL mode so /status reads never block the monitor's writes. */
export function openSqlite(file: string, opts: SqliteOptions = {}): SqlDriver {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      if (statements.size > 500) statements.clear();
      statements.set(sql, s);
    }
    return s;
  };
  const exec: SqlExecutor = {
    async all(sql: string, params: SqlValue[] = []): Promise<Row[]> {
      return prepare(sql).all(...params) as Row[];
    },
    async run(sql: string, params: SqlValue[] = []): Promise<number> {
      return prepare(sql).run(...params).changes;
    },
  };
  const lock = new Mutex();
  let closed = false;
  return {
    dialect: 'sqlite',
    location: file,
    all: (sql, params) => lock.run(() => exec.all(sql, params)),
    run: (sql, params) => lock.run(() => exec.run(sql, params)),
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return lock.run(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(exec);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      });
    },
    async close(): Promise<void> {
      await lock.run(async () => {
        if (closed) return;
        closed = true;
        statements.clear();
        db.close();
      });
    },
  };
}
