import { sql, type Executor } from '../../platform/db/index.js';

export interface StoredResponse {
  request_hash: Buffer;
  response_status: number;
  response_body: unknown;
}

/**
 * A transaction-scoped advisory lock per (account, key): a second request with
 * the same key while the first is in flight cannot take it and answers 409.
 */
export async function tryLockKey(db: Executor, accountId: string, key: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext(${accountId}), hashtext(${key})) as ok`.execute(db);
  return r.rows[0]?.ok ?? false;
}

export async function findKey(db: Executor, accountId: string, key: string): Promise<StoredResponse | undefined> {
  const r = await sql<StoredResponse>`select request_hash, response_status, response_body from idempotency_keys
    where account_id = ${accountId} and key = ${key}`.execute(db);
  return r.rows[0];
}

export async function storeKey(db: Executor, accountId: string, key: string, hash: Buffer, status: number, body: unknown): Promise<void> {
  await sql`insert into idempotency_keys (account_id, key, request_hash, response_status, response_body)
    values (${accountId}, ${key}, ${hash}, ${status}, ${JSON.stringify(body)}::jsonb)`.execute(db);
}

/** Keys are kept two days: at least the promised 24 hours. */
export async function deleteOldKeys(db: Executor): Promise<number> {
  const r = await sql`delete from idempotency_keys where created_at < now() - interval '48 hours'`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
