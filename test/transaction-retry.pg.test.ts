import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryDelayMs, sql, transactionWithRetry } from '../src/platform/db/index.js';
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

  it('waits a growing, jittered delay before each new attempt', async () => {
    const waits: number[] = [];
    let calls = 0;
    await transactionWithRetry(database.db, async () => {
      if (++calls < 5) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    }, 5, async (ms) => void waits.push(ms));
    expect(waits).toHaveLength(4);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1]!);
    expect(waits[3]).toBeGreaterThan(waits[0]!);
    expect(retryDelayMs(2, () => 0)).toBeLessThan(retryDelayMs(2, () => 0.99));
    expect(retryDelayMs(50, () => 0.99)).toBeLessThanOrEqual(1_000);
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
