import { sql, type Executor } from '../../platform/db/index.js';
import { zeroBalances, type TransactionRow, type WalletRow } from './ledger.repository.js';
import { BUCKET_UNIT, type LedgerBucket, type Posting } from './types.js';

/** The holds with these references, by reference; unknown ones are missing. */
export async function findHolds(db: Executor, references: string[]): Promise<Map<string, TransactionRow>> {
  // One array parameter, not one per reference (PostgreSQL takes at most 65,535).
  const result = await sql<TransactionRow>`
    select * from ledger_transactions where kind = 'hold' and reference = any(${references}::text[])`.execute(db);
  return new Map(result.rows.map((r) => [r.reference!, r]));
}

/**
 * Locks wallets in account id order, one statement: two callers never wait on each other in a
 * cycle. Returns the locked rows (in that order); read anything else in a later statement, as this
 * one's snapshot predates the wait for the locks.
 */
export async function lockWallets(db: Executor, walletAccountIds: string[]): Promise<WalletRow[]> {
  const result = await sql<WalletRow>`
    select * from ledger_wallets where account_id = any(${walletAccountIds}::text[]) order by account_id for update`.execute(db);
  return result.rows;
}

/**
 * `lockWallets`, and the wallets' balances read in the same statement: the
 * balance rows are locked too, which is what makes that read current. A row
 * locked after waiting for another transaction is returned as that
 * transaction left it (PostgreSQL reads the locked version again), where a
 * row only read would be as this statement's snapshot had it, before the
 * wait. Each wallet is locked before its balances, as every writer does.
 */
export async function lockWalletsWithBalances(db: Executor, walletAccountIds: string[]): Promise<{ wallets: WalletRow[]; balances: Map<string, Record<LedgerBucket, bigint>> }> {
  const result = await sql<WalletRow & { bucket: LedgerBucket; balance: string }>`
    select w.*, b.bucket, b.balance from ledger_wallets w join ledger_balances b on b.wallet_account_id = w.account_id
    where w.account_id = any(${walletAccountIds}::text[]) order by w.account_id, b.bucket for update`.execute(db);
  const wallets = new Map<string, WalletRow>();
  const balances = new Map<string, Record<LedgerBucket, bigint>>();
  for (const { bucket, balance, ...wallet } of result.rows) {
    if (!wallets.has(wallet.account_id)) {
      wallets.set(wallet.account_id, wallet);
      balances.set(wallet.account_id, zeroBalances());
    }
    balances.get(wallet.account_id)![bucket] = BigInt(balance);
  }
  return { wallets: [...wallets.values()], balances };
}

export interface HoldCounters {
  quotaParts: number;
  provisionParts: number;
}

/**
 * What each hold still reserves, read under its wallet's lock. A hold written without its
 * counter row (by a version before `0003_ledger_partial`, during a rolling upgrade) gets it now,
 * computed from its follow-ups.
 *
 * Two statements, so that a hold's follow-ups are summed only when its row is missing: in one
 * statement the planner summed them (O(follow-ups), 100,000 rows for a large batch) before the
 * NOT EXISTS discarded the result, on every settle of the hold.
 */
export async function readHoldCounters(db: Executor, holdIds: string[]): Promise<Map<string, HoldCounters>> {
  type Row = { hold_id: string; quota_parts_held: number; provision_parts_held: number };
  const found = await sql<Row>`
    select hold_id, quota_parts_held, provision_parts_held from ledger_holds where hold_id = any(${holdIds}::bigint[])`.execute(db);
  const out = new Map(found.rows.map((r) => [r.hold_id, { quotaParts: r.quota_parts_held, provisionParts: r.provision_parts_held }]));
  const missing = [...new Set(holdIds)].filter((id) => !out.has(id));
  if (missing.length === 0) return out;
  const repaired = await sql<Row>`
    with missing as (
      insert into ledger_holds (hold_id, wallet_account_id, quota_parts_held, provision_parts_held)
      select h.id, h.wallet_account_id, h.quota_parts - coalesce(f.q, 0), h.provision_parts - coalesce(f.p, 0)
      from ledger_transactions h
      cross join lateral (select sum(quota_parts) as q, sum(provision_parts) as p from ledger_transactions where hold_id = h.id) f
      where h.id = any(${missing}::bigint[]) and h.kind = 'hold'
        and not exists (select 1 from ledger_holds lh where lh.hold_id = h.id)
      on conflict (hold_id) do nothing
      returning hold_id, quota_parts_held, provision_parts_held
    )
    select hold_id, quota_parts_held, provision_parts_held from ledger_holds where hold_id = any(${missing}::bigint[])
    union all
    select hold_id, quota_parts_held, provision_parts_held from missing`.execute(db);
  for (const r of repaired.rows) out.set(r.hold_id, { quotaParts: r.quota_parts_held, provisionParts: r.provision_parts_held });
  return out;
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

/** One transaction for `postHolds`: a hold, or the grant or expiry of a lazy period roll. */
export interface HoldDraft {
  kind: 'hold' | 'grant' | 'expire';
  walletAccountId: string;
  accountId: string;
  /** Set for holds (distinct within a call), null for grants and expiries (one of each per wallet). */
  reference: string | null;
  periodStart: Date;
  at: Date;
  quotaParts: number;
  provisionParts: number;
  pricePerPartMinor: bigint | null;
  limitMonths: Record<string, string> | null;
  postings: Posting[];
}

/**
 * Writes holds, grants and expiries of any wallets in one statement: the transactions, their
 * entries, the balances (one update per wallet and bucket), each hold's counter row, the spending
 * counters (positive deltas, summed per subaccount and month) and the wallets' new periods.
 * Returns the hold ids by reference.
 */
export async function postHolds(
  db: Executor,
  drafts: HoldDraft[],
  spending: { accountId: string; month: string; deltaMinor: bigint }[],
  periods: { walletAccountId: string; start: Date; end: Date }[],
): Promise<Map<string, string>> {
  // Arrays bound as single parameters: PostgreSQL takes at most 65,535 per statement.
  const lines = drafts.flatMap((d, n) => d.postings.filter((p) => p.amount !== 0n).map((p) => ({ n: n + 1, p })));
  const result = await sql<{ id: string; kind: string; reference: string | null }>`
    with x as (
      select * from unnest(${drafts.map((d) => d.kind)}::text[], ${drafts.map((d) => d.walletAccountId)}::text[],
        ${drafts.map((d) => d.accountId)}::text[], ${drafts.map((d) => d.reference)}::text[],
        ${drafts.map((d) => d.periodStart.toISOString())}::timestamptz[], ${drafts.map((d) => d.at.toISOString())}::timestamptz[],
        ${drafts.map((d) => d.quotaParts)}::int[], ${drafts.map((d) => d.provisionParts)}::int[],
        ${drafts.map((d) => d.pricePerPartMinor?.toString() ?? null)}::bigint[],
        ${drafts.map((d) => (d.limitMonths ? JSON.stringify(d.limitMonths) : null))}::text[])
        with ordinality as x(kind, wallet, account, reference, period_start, at, q, p, price, limit_months, n)
    ), t as (
      insert into ledger_transactions (kind, wallet_account_id, account_id, reference, period_start, quota_parts, provision_parts,
        price_per_part_minor, limit_months, at)
      select kind, wallet, account, reference, period_start, q, p, price, limit_months::jsonb, at from x order by n
      returning id, kind, wallet_account_id, reference
    ), joined as (
      select t.id, x.* from t join x on x.kind = t.kind and x.wallet = t.wallet_account_id and coalesce(x.reference, '') = coalesce(t.reference, '')
    ), l as (
      select * from unnest(${lines.map((l) => l.n)}::int[], ${lines.map((l) => l.p.bucket)}::text[],
        ${lines.map((l) => BUCKET_UNIT[l.p.bucket])}::text[], ${lines.map((l) => l.p.amount.toString())}::bigint[]) as l(n, bucket, unit, amount)
    ), e as (
      insert into ledger_entries (transaction_id, wallet_account_id, bucket, unit, amount, spender_account_id, at)
      select j.id, j.wallet, l.bucket, l.unit, l.amount, j.account, j.at from l join joined j on j.n = l.n order by l.n
    ), b as (
      update ledger_balances lb set balance = lb.balance + s.amount
      from (select x.wallet, l.bucket, sum(l.amount) as amount from l join x on x.n = l.n group by 1, 2) s
      where lb.wallet_account_id = s.wallet and lb.bucket = s.bucket
    ), h as (
      insert into ledger_holds (hold_id, wallet_account_id, quota_parts_held, provision_parts_held)
      select id, wallet, q, p from joined where kind = 'hold'
    )${
      // Only the parts a call needs: planning is a good share of this statement's cost.
      spending.length > 0
        ? sql`, s as (
      insert into ledger_spending (account_id, month, spent_minor)
      select account_id, month, sum(delta)
      from unnest(${spending.map((k) => k.accountId)}::text[], ${spending.map((k) => k.month)}::date[],
        ${spending.map((k) => k.deltaMinor.toString())}::bigint[]) as k(account_id, month, delta)
      group by 1, 2
      on conflict (account_id, month) do update set spent_minor = ledger_spending.spent_minor + excluded.spent_minor
    )`
        : sql``
    }${
      periods.length > 0
        ? sql`, w as (
      update ledger_wallets lw set period_start = p.start_at, period_end = p.end_at
      from unnest(${periods.map((p) => p.walletAccountId)}::text[], ${periods.map((p) => p.start.toISOString())}::timestamptz[],
        ${periods.map((p) => p.end.toISOString())}::timestamptz[]) as p(account_id, start_at, end_at)
      where lw.account_id = p.account_id
    )`
        : sql``
    }
    select id, kind, reference from t`.execute(db);
  if (result.rows.length !== drafts.length) throw new Error(`ledger: wrote ${result.rows.length} of ${drafts.length} transactions`);
  return new Map(result.rows.filter((r) => r.kind === 'hold').map((r) => [r.reference!, r.id]));
}
