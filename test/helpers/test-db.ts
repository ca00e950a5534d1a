import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/index.js';
import { useSecretKey } from '../../src/platform/secret-box.js';

export interface TestDatabase extends DatabaseHandle {
  url: string;
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of its own, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `herald_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name} template ${inject('pgTemplate')}`));
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = `/${name}`;
  const handle = openDatabase(url.toString(), { poolSize: 5 });
  // Webhook secrets are encrypted at rest; Herald sets its key at start, tests here.
  useSecretKey('a test key for webhook secrets at rest, 32+ chars');
  return {
    ...handle,
    url: url.toString(),
    name,
    async drop() {
      await handle.close();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
