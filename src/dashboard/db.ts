import { resolve } from 'node:path';
import type { SqlDriver } from '../store/driver.js';
import { DEFAULT_STORE_PATH, isPostgresUrl, SqlStore } from '../store/index.js';
import { openPostgres, redactDatabaseUrl } from '../store/postgres.js';
import { openSqlite } from '../store/sqlite.js';
import type { Store } from '../store/types.js';

/**
 * The dashboard's view of the embedded store: the shared Store (audit history, monitor tables) and,
 * over the same connection, the SQL driver for the dashboard's own tables (its admin account,
 * sessions, setup links) and the few read queries the Store does not offer (targets, a finding's
 * history, the monitor's probes). One connection, so `:memory:` works and SQLite never sees two
 * writers from one process.
 */
export interface DashboardDb {
  store: Store;
  sql: SqlDriver;
  /** Where it is, password removed. */
  location: string;
  close(): Promise<void>;
}

/** The dashboard's tables. Idempotent; appended to, never edited. Times are epoch ms. */
const DASHBOARD_TABLES = [
  `CREATE TABLE IF NOT EXISTS dashboard_users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
  )`,
  // Only a SHA-256 of the session id is stored: a copy of the database logs nobody in.
  `CREATE TABLE IF NOT EXISTS dashboard_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS dashboard_sessions_user ON dashboard_sessions (user_id)`,
  `CREATE TABLE IF NOT EXISTS dashboard_setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
  )`,
  // Invitations (one-time links an admin hands out): only a SHA-256 of the token is stored.
  `CREATE TABLE IF NOT EXISTS dashboard_invites (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
  )`,
];

/** Whether dashboard_users has a `role` column (absent in databases created before roles). */
async function hasRoleColumn(tx: { all: SqlDriver['all'] }, dialect: SqlDriver['dialect']): Promise<boolean> {
  if (dialect === 'sqlite') return (await tx.all(`PRAGMA table_info(dashboard_users)`)).some((r) => r['name'] === 'role');
  const rows = await tx.all(`SELECT 1 AS ok FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'dashboard_users' AND column_name = 'role'`);
  return rows.length > 0;
}

export async function migrateDashboard(sql: SqlDriver): Promise<void> {
  await sql.transaction(async (tx) => {
    for (const s of DASHBOARD_TABLES) await tx.run(s);
    // Roles came later: every account of an older database was the one admin, so the column defaults to admin.
    if (!(await hasRoleColumn(tx, sql.dialect))) {
      const ifNot = sql.dialect === 'postgres' ? 'IF NOT EXISTS ' : '';
      await tx.run(`ALTER TABLE dashboard_users ADD COLUMN ${ifNot}role TEXT NOT NULL DEFAULT 'admin'`);
    }
  });
}

/**
 * Opens the store like `openStore` does (a postgres:// URL, a SQLite path, `sqlite:PATH` or
 * `:memory:`; default DEFAULT_STORE_PATH), migrates it, and adds the dashboard's tables.
 */
export async function openDashboardDb(spec: string | undefined, opts: { baseDir?: string } = {}): Promise<DashboardDb> {
  const s = spec?.trim() || DEFAULT_STORE_PATH;
  let sql: SqlDriver;
  let location: string;
  if (isPostgresUrl(s)) {
    sql = openPostgres(s);
    location = redactDatabaseUrl(s);
  } else {
    const path = s.replace(/^sqlite:(\/\/)?/i, '');
    const file = path === ':memory:' ? path : resolve(opts.baseDir ?? process.cwd(), path);
    sql = openSqlite(file);
    location = file;
  }
  const store = await SqlStore.open(sql);
  try {
    await migrateDashboard(sql);
  } catch (err) {
    await store.close();
    throw err;
  }
  return { store, sql, location, close: () => store.close() };
}
