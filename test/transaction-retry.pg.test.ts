import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, transactionWithRetry } from '../src/platform/db/index.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await sql`create table retry_probe (n int)`.execute(database.db);
});
afterAll(() => database.drop());

describe('transactionWithRetry', () => {
  it('runs a deadlock victim again, keeping only the attempt that committed', async () => {
    let calls = 0;
    const result = await transactionWithRetry(database.db, async (tx) => {
      calls++;
      await sql`insert into retry_probe values (${calls})`.execute(tx);
      if (calls < 3) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect((await sql<{ n: number }>`select n from retry_probe`.execute(database.db)).rows).toEqual([{ n: 3 }]);
  });

  it('does not retry other errors, nor forever', async () => {
    let calls = 0;
    await expect(transactionWithRetry(database.db, async () => {
      calls++;
      throw Object.assign(new Error('duplicate key'), { code: '23505' });
    })).rejects.toThrow('duplicate key');
    expect(calls).toBe(1);
    calls = 0;
    await expect(transactionWithRetry(database.db, async () => {
      calls++;
      throw Object.assign(new Error('could not serialize'), { code: '40001' });
    }, 4)).rejects.toThrow('serialize');
    expect(calls).toBe(4);
  });
});
