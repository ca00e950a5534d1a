import { describe, expect, it } from 'vitest';
import { coalesced } from './coalesce.js';
import type { Executor } from './db/index.js';

describe('coalesced', () => {
  const pool = { isTransaction: false } as Executor;
  const tx = { isTransaction: true } as Executor;

  it('reads the keys of calls made together in one fetch and answers each with its own', async () => {
    const fetches: { db: Executor; keys: number[] }[] = [];
    const square = coalesced(async (db, keys: number[]) => {
      fetches.push({ db, keys });
      return keys.map((k) => k * k);
    });
    await expect(Promise.all([1, 2, 3, 4].map((k) => square(pool, k)))).resolves.toEqual([1, 4, 9, 16]);
    expect(fetches).toEqual([{ db: pool, keys: [1, 2, 3, 4] }]);
  });

  it('reads inside a transaction on its own: other calls cannot see that transaction\'s rows', async () => {
    const fetches: number[][] = [];
    const double = coalesced(async (_db, keys: number[]) => {
      fetches.push(keys);
      return keys.map((k) => k * 2);
    });
    await expect(Promise.all([double(tx, 1), double(tx, 2), double(pool, 3)])).resolves.toEqual([2, 4, 6]);
    expect(fetches).toEqual([[1], [2], [3]]);
  });

  it('fails every call of a fetch that fails, and the next calls fetch again', async () => {
    let fail = true;
    const read = coalesced(async (_db, keys: string[]) => {
      if (fail) throw new Error('database down');
      return keys;
    });
    const failed = await Promise.allSettled([read(pool, 'a'), read(pool, 'b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(read(pool, 'c')).resolves.toBe('c');
  });
});
