import { sql, type Kysely } from 'kysely';

// Partial settles and refunds: a hold (now typically one per batch of messages) may be settled
// and refunded any number of times, each follow-up under its own reference (a message id),
// until its parts are used up.
//
// - The unique index on (kind, reference) stays: it makes each follow-up idempotent. What goes is
//   the rule "one settle and one refund per hold", which lived only in the code and in
//   `verifyLedger`.
// - `ledger_holds`: what each hold still reserves, per bucket. Mutable (the history stays
//   append-only), written in the same statement as the hold and as its follow-ups, under the
//   wallet lock. The CHECKs make an over-settle fail even if the code were wrong. Summing a
//   hold's follow-ups instead would cost O(follow-ups) per settle: O(n²) for a batch of n messages.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ledger_holds (
      hold_id bigint primary key references ledger_transactions(id),
      wallet_account_id text not null references ledger_wallets(account_id),
      quota_parts_held integer not null check (quota_parts_held >= 0),
      provision_parts_held integer not null check (provision_parts_held >= 0)
    );

    -- Holds written while this runs would miss their row: keep writers out until commit.
    lock table ledger_transactions in share mode;
    insert into ledger_holds (hold_id, wallet_account_id, quota_parts_held, provision_parts_held)
    select h.id, h.wallet_account_id, h.quota_parts - coalesce(sum(f.quota_parts), 0), h.provision_parts - coalesce(sum(f.provision_parts), 0)
    from ledger_transactions h left join ledger_transactions f on f.hold_id = h.id
    where h.kind = 'hold'
    group by h.id;
  `.execute(db);
}
