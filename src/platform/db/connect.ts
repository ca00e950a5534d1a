import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded/index.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './index.js';

/** A command that reads Herald's data found none where it looked; it created nothing. */
export class NoDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoDatabaseError';
  }
}

export interface Storage {
  handle: DatabaseHandle;
  /** Set when Herald runs its own PostgreSQL under the data directory. */
  embedded: EmbeddedPostgres | null;
  close(): Promise<void>;
}

/**
 * The user's server when DATABASE_URL is set, else the embedded one under
 * `dataDir`. Pending migrations are applied either way.
 */
export async function connectStorage(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  logger: Logger;
  applicationName: string;
  /**
   * Refuse, creating nothing, when there is no Herald database yet: an operator's
   * command run from the wrong folder would otherwise read a new, empty one.
   */
  mustExist?: boolean;
}): Promise<Storage> {
  let embedded: EmbeddedPostgres | null = null;
  let url = options.databaseUrl;
  if (!url) {
    const dataDir = resolve(options.dataDir);
    if (options.mustExist && !(await stat(join(dataDir, 'postgres', 'PG_VERSION')).then(() => true, () => false))) {
      throw new NoDatabaseError(`no Herald database in ${dataDir}: run this where Herald runs, or set HERALD_DATA_DIR (or DATABASE_URL) as Herald has it; nothing was created`);
    }
    options.logger.info({ dataDir }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({ dataDir, logger: options.logger });
    await embedded.ensureDatabase('herald');
    url = embedded.url('herald');
  }
  const bounds = {
    ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.statementTimeoutMs !== undefined && { statementTimeoutMs: options.statementTimeoutMs }),
  };
  const handle = openDatabase(url, { poolSize: options.poolSize, logger: options.logger, applicationName: options.applicationName, ...bounds });
  // A migration may rewrite a large table: it runs on a connection of its own, without the statement bound.
  const migrating = openDatabase(url, { poolSize: 1, logger: options.logger, applicationName: options.applicationName, ...bounds, statementTimeoutMs: 0 });
  try {
    if (options.mustExist) {
      const found = await sql<{ found: boolean }>`select to_regclass('herald_migrations') is not null as found`.execute(migrating.db);
      if (!found.rows[0]?.found) throw new NoDatabaseError('the database DATABASE_URL names has no Herald tables: check DATABASE_URL, or run herald migrate to set it up; nothing was created');
    }
    const applied = await migrateToLatest(migrating.db);
    if (applied.length > 0) options.logger.info({ applied }, 'migrations applied');
  } catch (error) {
    await migrating.close();
    await handle.close();
    await embedded?.stop();
    throw error;
  } finally {
    await migrating.close();
  }
  return {
    handle,
    embedded,
    async close() {
      await handle.close();
      await embedded?.stop();
    },
  };
}
