import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, sql } from '../src/platform/db/index.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('closing a database handle', () => {
  it('returns once every connection of its pool has left the server, so a server stopped next finds none', async () => {
    const name = `close_probe_${process.pid}`;
    const handle = openDatabase(database.url, { poolSize: 8, applicationName: name });
    // Eight connections at once, all idle in the pool afterwards.
    await Promise.all(Array.from({ length: 8 }, () => sql`select pg_sleep(0.05)`.execute(handle.db)));
    const count = async () => (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = ${name}`.execute(database.db)).rows[0]!.n;
    expect(await count()).toBe(8);
    await handle.close();
    expect(await count()).toBe(0);
  });
});
