import { loadConfig } from '../platform/config.js';
import { invalid } from '../platform/errors.js';
import type { Executor } from '../platform/db/index.js';
import { createLogger } from '../platform/logger.js';
import { ConfigSchema, openStorage, type Config } from '../serve.js';

/**
 * Runs a short command against the database and closes everything after.
 * Only `migrate` may create the database; any other command refuses when there is none.
 */
export async function withDatabase<T>(role: string, fn: (db: Executor, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = loadConfig(ConfigSchema);
  const logger = createLogger(process.env.HERALD_LOG_LEVEL ?? 'warn');
  const storage = await openStorage(cfg, logger, role, { mustExist: role !== 'migrate' });
  try {
    return await fn(storage.handle.db, cfg);
  } finally {
    await storage.close();
  }
}

export function wholeNumber(flag: string, value: string, min = 0): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) throw invalid(flag, `must be a whole number of at least ${min}`);
  return Number(value);
}
