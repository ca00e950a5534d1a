/**
 * A small read-through cache for settings read on every request. Entries live
 * `ttlMs` and are per database handle, so two databases in one process (tests)
 * never see each other's values. Changes made in this process drop the entry at
 * once; other processes see them within `ttlMs`.
 */
export interface TtlCache<K, V> {
  get(owner: object, key: K, load: () => Promise<V>): Promise<V>;
  drop(owner: object, key?: K): void;
}

export function createTtlCache<K, V>(ttlMs: number, maxEntries = 10_000): TtlCache<K, V> {
  const byOwner = new WeakMap<object, Map<K, { value: Promise<V>; until: number }>>();
  return {
    async get(owner, key, load) {
      let entries = byOwner.get(owner);
      if (!entries) byOwner.set(owner, (entries = new Map()));
      const hit = entries.get(key);
      if (hit && hit.until > Date.now()) return hit.value;
      if (entries.size >= maxEntries) entries.clear();
      const value = load();
      entries.set(key, { value, until: Date.now() + ttlMs });
      // A failed load is not remembered.
      value.catch(() => entries!.delete(key));
      return value;
    },
    drop(owner, key) {
      const entries = byOwner.get(owner);
      if (key === undefined) entries?.clear();
      else entries?.delete(key);
    },
  };
}
