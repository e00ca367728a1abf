import pg from 'pg';
import { assertLoopbackAllowed } from '../net/loopback-guard.js';

const INT8_OID = 20;

/** A query runner on one connection or the pool: `$1`-style SQL, rows out. */
export interface Q {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>>; rowCount: number | null }>;
}

/**
 * The worker's own PostgreSQL pool (the hot path: probe results, judgement, the queue). BIGINT comes
 * back as a number (epoch ms); the loopback guard applies to the database host as for the store.
 */
export function openPool(url: string, max: number): pg.Pool {
  const u = new URL(url);
  const host = u.hostname || (u.searchParams.get('host') ?? 'localhost');
  if (!host.startsWith('/')) assertLoopbackAllowed(host);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 15_000,
    idleTimeoutMillis: 30_000,
    application_name: 'launchready-worker',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `fn` in one transaction on one connection; rolls back on any error. `prelude` is SQL without
 * parameters sent with BEGIN in the same round trip (e.g. taking an advisory lock).
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, prelude?: string): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(prelude ? `BEGIN; ${prelude}` : 'BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
