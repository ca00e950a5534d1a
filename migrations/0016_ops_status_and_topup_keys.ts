import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- What each worker's connectors last said about themselves, so that any
    -- process (an API-only one too) can tell in /readyz and /metrics which SMS
    -- centres have no bind up. A row not renewed for a while is ignored.
    create table sms_connector_status (
      connector_id text not null references sms_connectors(id) on delete cascade,
      worker_id text not null,
      binds_up integer not null,
      binds_wanted integer not null,
      in_flight integer not null,
      last_error text,
      reported_at timestamptz not null default now(),
      primary key (connector_id, worker_id)
    );

    -- Idempotency-Key of top-ups, per calling account: a retried top-up
    -- credits once and answers with the same transaction. Kept, like the
    -- ledger, for good: a retry days later must not credit again either.
    create table ledger_topup_keys (
      account_id text not null,
      key text not null,
      request_hash bytea not null,
      -- No foreign key: one would make TRUNCATE of the append-only ledger
      -- fail on the key instead of on the ledger's own guard.
      transaction_id bigint not null,
      created_at timestamptz not null default now(),
      primary key (account_id, key)
    );
  `.execute(db);
}
