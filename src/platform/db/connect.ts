import { resolve } from 'node:path';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded/index.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './index.js';

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
}): Promise<Storage> {
  let embedded: EmbeddedPostgres | null = null;
  let url = options.databaseUrl;
  if (!url) {
    const dataDir = resolve(options.dataDir);
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
