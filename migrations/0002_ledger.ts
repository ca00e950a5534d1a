import { sql, type Kysely } from 'kysely';

// The credit ledger: double-entry, append-only, in integer units.
//
// - `ledger_wallets`: one per top-level account (the wallet owner): its plan (monthly quota in SMS
//   parts) and the quota period granted last. Mutable; a hold locks this row, so every change to
//   one wallet is serialised behind one row lock (no lock-order questions, no deadlocks).
// - `ledger_balances`: one row per wallet and bucket, kept in the same transaction as the entries
//   so that reads and guarded debits are O(1). CHECKs forbid negative wallet buckets; the sources
//   (`quota_grants`, `topups`) only ever go down, the sinks only up.
// - `ledger_transactions` / `ledger_entries`: the history. Every transaction's entries sum to zero
//   per unit. Idempotency is in unique indexes: one hold, settle and refund per reference, one grant
//   and one expiry per wallet and period.
// - `ledger_spending`: per subaccount and calendar month (of that subaccount's time zone) the value
//   spent by it and its descendants, for spending limits; recomputable from the holds and refunds.
//
// Append-only is enforced by triggers that raise on UPDATE, DELETE and TRUNCATE of
// `ledger_transactions` and `ledger_entries`, so that even a superuser connection used by the
// application cannot rewrite history by mistake. (Someone who can ALTER TABLE … DISABLE TRIGGER or
// set session_replication_role can still; a separate database role without those rights is a
// deployment matter.)
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ledger_wallets (
      account_id text primary key references accounts(id),
      monthly_quota integer not null default 0 check (monthly_quota >= 0),
      period_start timestamptz,
      period_end timestamptz,
      created_at timestamptz not null default now(),
      check ((period_start is null) = (period_end is null) and (period_start is null or period_start < period_end))
    );
    create index ledger_wallets_period_end on ledger_wallets (period_end);

    create table ledger_balances (
      wallet_account_id text not null references ledger_wallets(account_id),
      bucket text not null check (bucket in (
        'quota', 'held_quota', 'quota_grants', 'quota_expired', 'spent_quota',
        'provision', 'held_provision', 'topups', 'spent_provision')),
      unit text not null check (unit in ('sms', 'money')),
      balance bigint not null default 0,
      primary key (wallet_account_id, bucket),
      check ((unit = 'sms') = (bucket in ('quota', 'held_quota', 'quota_grants', 'quota_expired', 'spent_quota'))),
      check (case when bucket in ('quota_grants', 'topups') then balance <= 0 else balance >= 0 end)
    );

    create table ledger_transactions (
      id bigint generated always as identity primary key,
      kind text not null check (kind in ('topup', 'grant', 'expire', 'hold', 'settle', 'refund')),
      wallet_account_id text not null references ledger_wallets(account_id),
      account_id text not null references accounts(id),
      reference text,
      hold_id bigint references ledger_transactions(id),
      period_start timestamptz,
      quota_parts integer not null default 0 check (quota_parts >= 0),
      provision_parts integer not null default 0 check (provision_parts >= 0),
      price_per_part_minor bigint check (price_per_part_minor >= 0),
      limit_months jsonb,
      note text,
      created_by text,
      at timestamptz not null,
      created_at timestamptz not null default now(),
      check ((kind in ('hold', 'settle', 'refund')) = (reference is not null)),
      check ((kind in ('settle', 'refund')) = (hold_id is not null)),
      check ((kind in ('grant', 'expire', 'hold')) = (period_start is not null))
    );
    create unique index ledger_transactions_reference on ledger_transactions (kind, reference)
      where kind in ('hold', 'settle', 'refund');
    create unique index ledger_transactions_period on ledger_transactions (wallet_account_id, kind, period_start)
      where kind in ('grant', 'expire');
    create index ledger_transactions_hold on ledger_transactions (hold_id) where hold_id is not null;
    create index ledger_transactions_wallet on ledger_transactions (wallet_account_id, at);

    create table ledger_entries (
      id bigint generated always as identity primary key,
      transaction_id bigint not null references ledger_transactions(id),
      wallet_account_id text not null,
      bucket text not null,
      unit text not null check (unit in ('sms', 'money')),
      amount bigint not null check (amount <> 0),
      spender_account_id text not null references accounts(id),
      at timestamptz not null,
      foreign key (wallet_account_id, bucket) references ledger_balances (wallet_account_id, bucket)
    );
    create index ledger_entries_transaction on ledger_entries (transaction_id);
    create index ledger_entries_wallet on ledger_entries (wallet_account_id, bucket, at);

    create table ledger_spending (
      account_id text not null references accounts(id),
      month date not null,
      spent_minor bigint not null default 0 check (spent_minor >= 0),
      primary key (account_id, month)
    );

    create function ledger_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'ledger history is append-only: % on % is not allowed', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
    end
    $$;
    create trigger ledger_transactions_append_only before update or delete on ledger_transactions
      for each row execute function ledger_append_only();
    create trigger ledger_transactions_no_truncate before truncate on ledger_transactions
      for each statement execute function ledger_append_only();
    create trigger ledger_entries_append_only before update or delete on ledger_entries
      for each row execute function ledger_append_only();
    create trigger ledger_entries_no_truncate before truncate on ledger_entries
      for each statement execute function ledger_append_only();
  `.execute(db);
}
