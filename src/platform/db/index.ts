import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, sql, type Transaction } from 'kysely';
import { migrations } from '../../../migrations/index.js';
import type { Database } from './schema.js';
import type { Logger } from '../logger.js';

export type { Database } from './schema.js';
export { sql };
export { columnNames, rowsSelect, type Column } from './rows.js';

/**
 * What every use case and repository takes first: the pool-backed Kysely or
 * an open transaction. The caller decides what commits together.
 */
export type Executor = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

// bigint and numeric come back as strings unless told otherwise; keep ids of
// count(*) and sums exact by parsing int8 only where callers ask.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export function openDatabase(url: string, options: { poolSize?: number; logger?: Logger; applicationName?: string } = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'herald',
    connectionTimeoutMillis: 5_000,
  });
  let closed = false;
  // A client losing its server must not crash the process, idle (the pool's
  // event) or checked out (the client's own, which nothing else listens to).
  // Only the message: pg's errors can reference the whole client. Once closed,
  // it is no news.
  const lost = (error: Error) => {
    if (!closed) options.logger?.warn({ error: error.message, code: (error as { code?: string }).code }, 'database connection lost');
  };
  // The pool's end() resolves before its clients have said goodbye to the
  // server; close() waits for them, so that an embedded server stopped next
  // does not find them still connected.
  let connected = 0;
  let allGone: (() => void) | null = null;
  pool.on('error', lost);
  pool.on('connect', (client) => {
    connected++;
    client.on('error', lost);
  });
  pool.on('remove', () => {
    if (--connected === 0) allGone?.();
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      if (connected > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise<void>((r) => (allGone = r)), new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
        clearTimeout(timer);
      }
    },
  };
}

/** Applies every pending migration; safe when several processes start at once. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'herald_migrations',
    migrationLockTableName: 'herald_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

const RETRYABLE = new Set(['40P01', '40001']);

const RETRY_BASE_MS = 10;
const RETRY_CAP_MS = 1_000;

/**
 * How long to wait before attempt `attempt + 1`: half of a doubling step,
 * plus a random part up to the other half, so that the transactions that
 * collided do not meet again at once and waits still grow from one attempt to the next.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
  return step / 2 + random() * (step / 2);
}

/**
 * A transaction tried again when PostgreSQL picks it as a deadlock victim or
 * refuses it as a serialization failure: both mean "nothing was written, run
 * it again". Used where transactions of the queue meet on the same rows.
 * `wait` is there for tests to see the delays.
 */
export async function transactionWithRetry<T>(
  db: Kysely<Database>,
  fn: (tx: Tx) => Promise<T>,
  attempts = 5,
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (error) {
      if (attempt >= attempts || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
      await wait(retryDelayMs(attempt));
    }
  }
}

export async function isReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
