import { createBatcher, type Batcher } from './batcher.js';
import type { Executor } from './db/index.js';

/**
 * A read that every request makes (its API key, its recipients'
 * suppressions), done as one statement for all the requests that arrive
 * together instead of one round trip each: under load, a small request's
 * cost is mostly its round trips. `fetch` answers the keys in their order.
 *
 * Per database handle. In a transaction the read is made directly: its rows
 * may be visible to that transaction's connection alone.
 */
export function coalesced<K, V>(
  fetch: (db: Executor, keys: K[]) => Promise<V[]>,
  options: { concurrency?: number; maxItems?: number } = {},
): (db: Executor, key: K) => Promise<V> {
  const byOwner = new WeakMap<Executor, Batcher<K, V>>();
  return (db, key) => {
    if (db.isTransaction) return fetch(db, [key]).then((values) => values[0]!);
    let batcher = byOwner.get(db);
    if (!batcher) {
      batcher = createBatcher<K, V>(
        async (keys) => (await fetch(db, keys)).map((value) => ({ ok: true as const, value })),
        // Two in flight: a request arriving during one read waits for it at most, not for a queue.
        { maxWaitMs: 0, concurrency: options.concurrency ?? 2, maxItems: options.maxItems ?? 500 },
      );
      byOwner.set(db, batcher);
    }
    return batcher.add(key);
  };
}
