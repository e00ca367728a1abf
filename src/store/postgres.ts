import pg from 'pg';
import { assertLoopbackAllowed } from '../net/loopback-guard.js';
import { numberPlaceholders, type Row, type SqlDriver, type SqlExecutor, type SqlValue } from './driver.js';

const INT8_OID = 20;

/** Removes the password from a connection URL for logs and /status. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * PostgreSQL through a small pg pool. BIGINT comes back as a JS number (our values are epoch
 * milliseconds and counts, far below 2^53). The loopback guard applies to the database host too.
 */
export function openPostgres(url: string, opts: { max?: number } = {}): SqlDriver {
  const u = new URL(url);
  const host = u.hostname || (u.searchParams.get('host') ?? 'localhost');
  // A Unix-socket path is local by construction; anything else must pass the guard.
  if (!host.startsWith('/')) assertLoopbackAllowed(host);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 4,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const on = (q: { query: pg.Pool['query'] }): SqlExecutor => ({
    async all(sql: string, params: SqlValue[] = []): Promise<Row[]> {
      const r = await q.query(numberPlaceholders(sql), params);
      return r.rows as Row[];
    },
    async run(sql: string, params: SqlValue[] = []): Promise<number> {
      const r = await q.query(numberPlaceholders(sql), params);
      return r.rowCount ?? 0;
    },
  });
  const direct = on(pool);
  return {
    dialect: 'postgres',
    location: redactDatabaseUrl(url),
    all: direct.all,
    run: direct.run,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(on(client as unknown as { query: pg.Pool['query'] }));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close(): Promise<void> {
      await pool.end().catch(() => undefined);
    },
  };
}
