import { sql, type Executor } from '../../platform/db/index.js';

/**
 * Waits for any other top-up with this (account, key) to commit, so a retry
 * sent while the first is still running sees its key rather than crediting
 * again. Transaction-scoped.
 */
export async function lockTopUpKey(db: Executor, accountId: string, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`ledger_topup_keys:${accountId}`}), hashtext(${key}))`.execute(db);
}

export async function findTopUpKey(db: Executor, accountId: string, key: string): Promise<{ request_hash: Buffer; transaction_id: string } | null> {
  const r = await sql<{ request_hash: Buffer; transaction_id: string }>`select request_hash, transaction_id from ledger_topup_keys
    where account_id = ${accountId} and key = ${key}`.execute(db);
  return r.rows[0] ?? null;
}

export async function insertTopUpKey(db: Executor, row: { accountId: string; key: string; hash: Buffer; transactionId: string }): Promise<void> {
  await sql`insert into ledger_topup_keys (account_id, key, request_hash, transaction_id)
    values (${row.accountId}, ${row.key}, ${row.hash}, ${row.transactionId}::bigint)`.execute(db);
}
