/**
 * The smallest SQL surface both databases share. Queries are written once with `?` placeholders;
 * the PostgreSQL driver numbers them. Statements inside `transaction` see one connection and commit
 * or roll back together.
 */
export type Dialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  all(sql: string, params?: SqlValue[]): Promise<Row[]>;
  run(sql: string, params?: SqlValue[]): Promise<number>;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: Dialect;
  readonly location: string;
  /** Runs `fn` in one transaction: everything it wrote is durable once the promise resolves. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$1, $2, …` (our SQL never has a literal question mark). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Serialises use of one connection: a transaction's statements never interleave with another caller's. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
