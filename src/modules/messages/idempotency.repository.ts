import { sql, type Executor } from '../../platform/db/index.js';

export interface StoredResponse {
  account_id: string;
  key: string;
  request_hash: Buffer;
  response_body: unknown;
}

type KeyRef = { accountId: string; key: string };

/**
 * Transaction-scoped advisory locks per (account, key): a request whose key
 * another transaction holds is still in flight and answers 409.
 */
export async function tryLockKeys(db: Executor, keys: KeyRef[]): Promise<boolean[]> {
  if (keys.length === 0) return [];
  const r = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext(a), hashtext(k)) as ok
    from unnest(${keys.map((k) => k.accountId)}::text[], ${keys.map((k) => k.key)}::text[]) with ordinality as t(a, k, n) order by n`.execute(db);
  return r.rows.map((x) => x.ok);
}

export async function findKeys(db: Executor, keys: KeyRef[]): Promise<Map<string, StoredResponse>> {
  if (keys.length === 0) return new Map();
  const r = await sql<StoredResponse>`select account_id, key, request_hash, response_body from idempotency_keys
    where (account_id, key) in (select * from unnest(${keys.map((k) => k.accountId)}::text[], ${keys.map((k) => k.key)}::text[]))`.execute(db);
  return new Map(r.rows.map((x) => [`${x.account_id} ${x.key}`, x]));
}

export async function storeKeys(db: Executor, rows: (KeyRef & { hash: Buffer; body: unknown })[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`insert into idempotency_keys (account_id, key, request_hash, response_status, response_body)
    select a, k, h, 202, b::jsonb from unnest(${rows.map((r) => r.accountId)}::text[], ${rows.map((r) => r.key)}::text[],
      ${rows.map((r) => r.hash)}::bytea[], ${rows.map((r) => JSON.stringify(r.body))}::text[]) as t(a, k, h, b)`.execute(db);
}

/** Keys are kept two days: at least the promised 24 hours. */
export async function deleteOldKeys(db: Executor): Promise<number> {
  const r = await sql`delete from idempotency_keys where created_at < now() - interval '48 hours'`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
