import { sql, type Executor } from '../../platform/db/index.js';
import type { TransactionRow } from './ledger.repository.js';
import { BUCKET_UNIT, type Posting } from './types.js';

/** The holds with these references, by reference; unknown ones are missing. */
export async function findHolds(db: Executor, references: string[]): Promise<Map<string, TransactionRow>> {
  // One array parameter, not one per reference (PostgreSQL takes at most 65,535).
  const result = await sql<TransactionRow>`
    select * from ledger_transactions where kind = 'hold' and reference = any(${references}::text[])`.execute(db);
  return new Map(result.rows.map((r) => [r.reference!, r]));
}

/** Locks wallets in account id order, one statement: two callers never wait on each other in a cycle. */
export async function lockWallets(db: Executor, walletAccountIds: string[]): Promise<void> {
  await sql`select account_id from ledger_wallets where account_id = any(${walletAccountIds}::text[]) order by account_id for update`.execute(db);
}

export interface HoldCounters {
  quotaParts: number;
  provisionParts: number;
}

/**
 * What each hold still reserves, read under its wallet's lock. A hold written without its
 * counter row (by a version before `0003_ledger_partial`, during a rolling upgrade) gets it now,
 * computed from its follow-ups.
 */
export async function readHoldCounters(db: Executor, holdIds: string[]): Promise<Map<string, HoldCounters>> {
  const result = await sql<{ hold_id: string; quota_parts_held: number; provision_parts_held: number }>`
    with missing as (
      insert into ledger_holds (hold_id, wallet_account_id, quota_parts_held, provision_parts_held)
      select h.id, h.wallet_account_id, h.quota_parts - coalesce(f.q, 0), h.provision_parts - coalesce(f.p, 0)
      from ledger_transactions h
      cross join lateral (select sum(quota_parts) as q, sum(provision_parts) as p from ledger_transactions where hold_id = h.id) f
      where h.id = any(${holdIds}::bigint[]) and h.kind = 'hold'
        and not exists (select 1 from ledger_holds lh where lh.hold_id = h.id)
      on conflict (hold_id) do nothing
      returning hold_id, quota_parts_held, provision_parts_held
    )
    select hold_id, quota_parts_held, provision_parts_held from ledger_holds where hold_id = any(${holdIds}::bigint[])
    union all
    select hold_id, quota_parts_held, provision_parts_held from missing`.execute(db);
  return new Map(result.rows.map((r) => [r.hold_id, { quotaParts: r.quota_parts_held, provisionParts: r.provision_parts_held }]));
}

export type FollowUpKind = 'settle' | 'refund';

export interface FollowUpRow extends TransactionRow {
  /** Quota parts of a refund that went back to an ended period and expired at once. */
  expired_quota_parts: number;
}

/** Settles (or refunds) already written under these references, by reference. */
export async function findFollowUps(db: Executor, kind: FollowUpKind, references: string[]): Promise<Map<string, FollowUpRow>> {
  const result = await sql<FollowUpRow>`
    select t.*, coalesce((select sum(e.amount) from ledger_entries e where e.transaction_id = t.id and e.bucket = 'quota_expired'), 0)::int
      as expired_quota_parts
    from ledger_transactions t where t.kind = ${kind} and t.reference = any(${references}::text[])`.execute(db);
  return new Map(result.rows.map((r) => [r.reference!, r]));
}

export async function hasSettle(db: Executor, holdId: string): Promise<boolean> {
  const row = await db.selectFrom('ledger_transactions').select('id').where('hold_id', '=', holdId).where('kind', '=', 'settle').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** One settle or refund to write: a part of one hold. */
export interface FollowUpDraft {
  holdId: string;
  walletAccountId: string;
  accountId: string;
  reference: string;
  quotaParts: number;
  provisionParts: number;
  pricePerPartMinor: bigint;
  limitMonths: Record<string, string> | null;
  postings: Posting[];
}

/**
 * Writes settles or refunds of any holds and wallets in one statement: the transactions, their
 * entries, the balances (one update per wallet and bucket), the hold counters (whose CHECKs
 * refuse an over-settle) and the spending counters (`spending`: negative deltas per subaccount
 * and month). References must be distinct. Returns the number of transactions written.
 */
export async function postFollowUps(
  db: Executor,
  kind: FollowUpKind,
  drafts: FollowUpDraft[],
  spending: { accountId: string; month: string; deltaMinor: bigint }[],
  now: Date,
): Promise<number> {
  const lines = drafts.flatMap((d) => d.postings.filter((p) => p.amount !== 0n).map((p) => ({ d, p })));
  const result = await sql<{ n: string }>`
    with t as (
      insert into ledger_transactions (kind, wallet_account_id, account_id, reference, hold_id, quota_parts, provision_parts,
        price_per_part_minor, limit_months, at)
      select ${kind}, x.wallet, x.account, x.reference, x.hold_id, x.q, x.p, x.price, x.limit_months::jsonb, ${now}::timestamptz
      from unnest(${drafts.map((d) => d.walletAccountId)}::text[], ${drafts.map((d) => d.accountId)}::text[],
        ${drafts.map((d) => d.reference)}::text[], ${drafts.map((d) => d.holdId)}::bigint[], ${drafts.map((d) => d.quotaParts)}::int[],
        ${drafts.map((d) => d.provisionParts)}::int[], ${drafts.map((d) => d.pricePerPartMinor.toString())}::bigint[],
        ${drafts.map((d) => (d.limitMonths ? JSON.stringify(d.limitMonths) : null))}::text[])
        as x(wallet, account, reference, hold_id, q, p, price, limit_months)
      returning id, reference
    ), e as (
      insert into ledger_entries (transaction_id, wallet_account_id, bucket, unit, amount, spender_account_id, at)
      select t.id, l.wallet, l.bucket, l.unit, l.amount, l.spender, ${now}::timestamptz
      from unnest(${lines.map((l) => l.d.reference)}::text[], ${lines.map((l) => l.d.walletAccountId)}::text[],
        ${lines.map((l) => l.p.bucket)}::text[], ${lines.map((l) => BUCKET_UNIT[l.p.bucket])}::text[],
        ${lines.map((l) => l.p.amount.toString())}::bigint[], ${lines.map((l) => l.d.accountId)}::text[])
        as l(reference, wallet, bucket, unit, amount, spender)
      join t on t.reference = l.reference
    ), b as (
      update ledger_balances lb set balance = lb.balance + s.amount
      from (select wallet, bucket, sum(amount) as amount
        from unnest(${lines.map((l) => l.d.walletAccountId)}::text[], ${lines.map((l) => l.p.bucket)}::text[],
          ${lines.map((l) => l.p.amount.toString())}::bigint[]) as y(wallet, bucket, amount)
        group by 1, 2) s
      where lb.wallet_account_id = s.wallet and lb.bucket = s.bucket
    ), h as (
      update ledger_holds lh set quota_parts_held = lh.quota_parts_held - s.q, provision_parts_held = lh.provision_parts_held - s.p
      from (select hold_id, sum(q) as q, sum(p) as p
        from unnest(${drafts.map((d) => d.holdId)}::bigint[], ${drafts.map((d) => d.quotaParts)}::int[],
          ${drafts.map((d) => d.provisionParts)}::int[]) as z(hold_id, q, p)
        group by 1) s
      where lh.hold_id = s.hold_id
    ), s as (
      update ledger_spending ls set spent_minor = ls.spent_minor + k.delta
      from (select account_id, month, sum(delta) as delta
        from unnest(${spending.map((k) => k.accountId)}::text[], ${spending.map((k) => k.month)}::date[],
          ${spending.map((k) => k.deltaMinor.toString())}::bigint[]) as k(account_id, month, delta)
        group by 1, 2) k
      where ls.account_id = k.account_id and ls.month = k.month
    )
    select count(*) as n from t`.execute(db);
  return Number(result.rows[0]!.n);
}
