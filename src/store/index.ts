import { resolve } from 'node:path';
import { openPostgres } from './postgres.js';
import { openSqlite, type SqliteOptions } from './sqlite.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './types.js';

export * from './types.js';
export { MIGRATIONS, migrate, type Migration } from './migrations.js';
export { redactDatabaseUrl } from './postgres.js';
export { SqlStore, percentile } from './sql-store.js';

/** Where the store lives when nothing says otherwise (relative to the working directory). */
export const DEFAULT_STORE_PATH = '.launchready/launchready.db';

export interface OpenStoreOptions extends SqliteOptions {
  /** Relative SQLite paths resolve against this directory (the config's directory). */
  baseDir?: string;
  /** PostgreSQL pool size. */
  maxConnections?: number;
}

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/**
 * Opens (and migrates) the store. `spec` is a PostgreSQL URL (`postgres://user@host:5432/db`), a
 * SQLite file path (optionally `sqlite:PATH`), or `:memory:`. Default: SQLite at DEFAULT_STORE_PATH.
 */
export async function openStore(spec: string | undefined, opts: OpenStoreOptions = {}): Promise<Store> {
  const s = spec?.trim() || DEFAULT_STORE_PATH;
  if (isPostgresUrl(s)) return SqlStore.open(openPostgres(s, opts.maxConnections !== undefined ? { max: opts.maxConnections } : {}));
  const path = s.replace(/^sqlite:(\/\/)?/i, '');
  const file = path === ':memory:' ? path : resolve(opts.baseDir ?? process.cwd(), path);
  return SqlStore.open(openSqlite(file, opts.synchronous ? { synchronous: opts.synchronous } : {}));
}
