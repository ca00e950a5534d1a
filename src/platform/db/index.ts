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

export interface DatabaseOptions {
  poolSize?: number;
  logger?: Logger;
  applicationName?: string;
  /** Longest wait for a new connection to be ready (TCP, TLS, sign-in). Default 2,000. */
  connectTimeoutMs?: number;
  /** PostgreSQL's statement_timeout; an answer is awaited this long plus 2 s. 0 = no bound. Default 30,000. */
  statementTimeoutMs?: number;
}

/** How long a request waits for a free connection of a busy pool: longer than a connect, so load alone is no outage. */
const POOL_WAIT_MS = 5_000;

/**
 * A server that accepts connections but never answers (hung, or a network
 * that drops packets) must fail callers fast rather than hold them: a new
 * connection gets `connectTimeoutMs`, a query its statement timeout (server
 * side) and a read timeout a little longer (client side, for a server that
 * stopped answering at all). A query that timed out leaves its connection
 * waiting for an answer that may never come, so that connection is dropped.
 */
function boundedClient(connectTimeoutMs: number): typeof pg.Client {
  return class BoundedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: connectTimeoutMs });
    }

    override query(...args: unknown[]): never {
      const result = (super.query as (...a: unknown[]) => unknown)(...args);
      if (result instanceof Promise) {
        result.catch((error: unknown) => {
          if ((error as Error | undefined)?.message === 'Query read timeout') this.connection.stream.destroy();
        });
      }
      return result as never;
    }
  };
}

export function openDatabase(url: string, options: DatabaseOptions = {}): DatabaseHandle {
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'herald',
    connectionTimeoutMillis: POOL_WAIT_MS,
    Client: boundedClient(options.connectTimeoutMs ?? 2_000) as unknown as new () => pg.ClientBase,
    ...(statementTimeout > 0 && { statement_timeout: statementTimeout, query_timeout: statementTimeout + 2_000 }),
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

/**
 * `work`, or a rejection once `timeoutMs` passed: for answers that must come
 * soon (/readyz, a scrape) even from a database that hangs. The work itself
 * runs on, bounded by the statement timeouts.
 */
export async function bounded<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
