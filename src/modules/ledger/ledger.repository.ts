import type { Selectable } from 'kysely';
import { sql, type Executor } from '../../platform/db/index.js';
import type { LedgerTransactionKind, LedgerTransactionsTable, LedgerWalletsTable } from '../../platform/db/schema.js';
import { BUCKETS, BUCKET_UNIT, type LedgerBucket, type Posting } from './types.js';

export type WalletRow = Selectable<LedgerWalletsTable>;
export type TransactionRow = Selectable<LedgerTransactionsTable>;

/** An account on the way from the spender up to its wallet owner, with its clock. */
export interface ChainRow {
  id: string;
  parent_id: string | null;
  timezone: string;
  spending_limit_minor: string | null;
  /** First day of the account's current calendar month, local date `YYYY-MM-DD`. */
  month: string;
  /** The month containing `now` in the account's time zone. */
  period_start: Date;
  period_end: Date;
}

/** The spender first, its wallet owner (the top-level ancestor) last; empty when unknown. */
export async function findAccountChain(db: Executor, accountId: string, now: Date): Promise<ChainRow[]> {
  const result = await sql<ChainRow>`
    with recursive chain as (
      select id, parent_id, timezone, spending_limit_minor, 0 as depth from accounts where id = ${accountId}
      union all
      select a.id, a.parent_id, a.timezone, a.spending_limit_minor, c.depth + 1
      from accounts a join chain c on a.id = c.parent_id
    ), local as (
      select *, date_trunc('month', ${now}::timestamptz at time zone timezone) as m from chain
    )
    select id, parent_id, timezone, spending_limit_minor, m::date::text as month,
      m at time zone timezone as period_start, (m + interval '1 month') at time zone timezone as period_end
    from local order by depth`.execute(db);
  return result.rows;
}

/** An account of `findAccountChains`: a `ChainRow` and whether a wallet row exists for it. */
export interface ChainRowWithWallet extends ChainRow {
  has_wallet: boolean;
}

/**
 * Every account on the way up from any of `accountIds` to its wallet owner, each once, with its
 * clock at `now` (as `findAccountChain`); the caller follows `parent_id`. Unknown ids are missing.
 */
export async function findAccountChains(db: Executor, accountIds: string[], now: Date): Promise<ChainRowWithWallet[]> {
  const result = await sql<ChainRowWithWallet>`
    with recursive chain as (
      select id, parent_id, timezone, spending_limit_minor from accounts where id = any(${accountIds}::text[])
      union
      select a.id, a.parent_id, a.timezone, a.spending_limit_minor
      from accounts a join chain c on a.id = c.parent_id
    ), local as (
      select *, date_trunc('month', ${now}::timestamptz at time zone timezone) as m from chain
    )
    select id, parent_id, timezone, spending_limit_minor, m::date::text as month,
      m at time zone timezone as period_start, (m + interval '1 month') at time zone timezone as period_end,
      exists (select 1 from ledger_wallets w where w.account_id = local.id) as has_wallet
    from local`.execute(db);
  return result.rows;
}

/** Creates wallets and their zero balances on first use, in one statement; concurrent first uses are safe. */
export async function ensureWallets(db: Executor, walletAccountIds: string[]): Promise<void> {
  await sql`
    with w as (
      insert into ledger_wallets (account_id) select unnest(${walletAccountIds}::text[])
      on conflict (account_id) do nothing returning account_id
    )
    insert into ledger_balances (wallet_account_id, bucket, unit)
    select w.account_id, b.bucket, b.unit from w, unnest(${BUCKETS}::text[], ${BUCKETS.map((b) => BUCKET_UNIT[b])}::text[]) as b(bucket, unit)`.execute(db);
}

/** Creates the wallet and its zero balances on first use; concurrent first uses are safe. */
export function ensureWallet(db: Executor, walletAccountId: string): Promise<void> {
  return ensureWallets(db, [walletAccountId]);
}

/** Every change to a wallet's balances happens behind this one row lock. */
export async function lockWallet(db: Executor, walletAccountId: string): Promise<WalletRow> {
  const row = await tryLockWallet(db, walletAccountId);
  if (!row) throw new Error(`ledger wallet ${walletAccountId} missing after ensureWallet`);
  return row;
}

export async function tryLockWallet(db: Executor, walletAccountId: string): Promise<WalletRow | undefined> {
  const result = await sql<WalletRow>`select * from ledger_wallets where account_id = ${walletAccountId} for update`.execute(db);
  return result.rows[0];
}

export function findWallet(db: Executor, walletAccountId: string): Promise<WalletRow | undefined> {
  return db.selectFrom('ledger_wallets').selectAll().where('account_id', '=', walletAccountId).executeTakeFirst();
}

export async function setWalletPeriod(db: Executor, walletAccountId: string, start: Date, end: Date): Promise<void> {
  await db.updateTable('ledger_wallets').set({ period_start: start, period_end: end }).where('account_id', '=', walletAccountId).execute();
}

export async function setMonthlyQuota(db: Executor, walletAccountId: string, monthlyQuota: number): Promise<void> {
  await db.updateTable('ledger_wallets').set({ monthly_quota: monthlyQuota }).where('account_id', '=', walletAccountId).execute();
}

/** Every bucket at zero: what a wallet's balances start from before its rows are read in. */
export function zeroBalances(): Record<LedgerBucket, bigint> {
  return Object.fromEntries(BUCKETS.map((b) => [b, 0n])) as Record<LedgerBucket, bigint>;
}

export async function readBalances(db: Executor, walletAccountId: string): Promise<Record<LedgerBucket, bigint>> {
  const rows = await db.selectFrom('ledger_balances').select(['bucket', 'balance']).where('wallet_account_id', '=', walletAccountId).execute();
  const out = zeroBalances();
  for (const row of rows) out[row.bucket] = BigInt(row.balance);
  return out;
}

/** `readBalances` of several wallets, by wallet. */
export async function readWalletBalances(db: Executor, walletAccountIds: string[]): Promise<Map<string, Record<LedgerBucket, bigint>>> {
  const { rows } = await sql<{ wallet_account_id: string; bucket: LedgerBucket; balance: string }>`
    select wallet_account_id, bucket, balance from ledger_balances where wallet_account_id = any(${walletAccountIds}::text[])`.execute(db);
  const out = new Map<string, Record<LedgerBucket, bigint>>();
  for (const id of walletAccountIds) out.set(id, zeroBalances());
  for (const row of rows) out.get(row.wallet_account_id)![row.bucket] = BigInt(row.balance);
  return out;
}

export interface TransactionHeader {
  kind: LedgerTransactionKind;
  walletAccountId: string;
  /** The spender (or, for top-ups, grants and expiries, the wallet owner). */
  accountId: string;
  at: Date;
  reference?: string;
  holdId?: string;
  periodStart?: Date;
  quotaParts?: number;
  provisionParts?: number;
  pricePerPartMinor?: bigint;
  limitMonths?: Record<string, string> | null;
  note?: string | null;
  createdBy?: string | null;
}

/**
 * Writes a transaction, its entries and the balance changes in one statement (for a hold, also
 * its `ledger_holds` row). Postings must sum to zero per unit; zero amounts are dropped. A
 * balance CHECK violation aborts the statement. Settles and refunds go through `postFollowUps`.
 */
export async function postTransaction(db: Executor, h: TransactionHeader, postings: Posting[]): Promise<string> {
  const lines = postings.filter((p) => p.amount !== 0n);
  const buckets = lines.map((p) => p.bucket);
  const units = lines.map((p) => BUCKET_UNIT[p.bucket]);
  const amounts = lines.map((p) => p.amount.toString());
  const w = h.walletAccountId;
  const result = await sql<{ id: string }>`
    with t as (
      insert into ledger_transactions (kind, wallet_account_id, account_id, reference, hold_id, period_start,
        quota_parts, provision_parts, price_per_part_minor, limit_months, note, created_by, at)
      values (${h.kind}, ${w}, ${h.accountId}, ${h.reference ?? null}, ${h.holdId ?? null}, ${h.periodStart ?? null},
        ${h.quotaParts ?? 0}, ${h.provisionParts ?? 0}, ${h.pricePerPartMinor?.toString() ?? null},
        ${h.limitMonths ? JSON.stringify(h.limitMonths) : null}::jsonb, ${h.note ?? null}, ${h.createdBy ?? null}, ${h.at})
      returning id
    ), e as (
      insert into ledger_entries (transaction_id, wallet_account_id, bucket, unit, amount, spender_account_id, at)
      select t.id, ${w}, p.bucket, p.unit, p.amount, ${h.accountId}, ${h.at}
      from t, unnest(${buckets}::text[], ${units}::text[], ${amounts}::bigint[]) as p(bucket, unit, amount)
    ), b as (
      update ledger_balances lb set balance = lb.balance + p.amount
      from (select bucket, sum(amount) as amount from unnest(${buckets}::text[], ${amounts}::bigint[]) as x(bucket, amount) group by bucket) p
      where lb.wallet_account_id = ${w} and lb.bucket = p.bucket
    )${
      h.kind === 'hold'
        ? sql`, h as (
      insert into ledger_holds (hold_id, wallet_account_id, quota_parts_held, provision_parts_held)
      select t.id, ${w}, ${h.quotaParts ?? 0}, ${h.provisionParts ?? 0} from t
    )`
        : sql``
    }
    select id from t`.execute(db);
  return result.rows[0]!.id;
}

/** Spent value per `(account, month)`; missing rows are zero. */
export async function readSpending(db: Executor, keys: { accountId: string; month: string }[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (keys.length === 0) return out;
  const result = await sql<{ account_id: string; month: string; spent_minor: string }>`
    select s.account_id, s.month::text as month, s.spent_minor from ledger_spending s
    join unnest(${keys.map((k) => k.accountId)}::text[], ${keys.map((k) => k.month)}::date[]) as k(account_id, month)
      on s.account_id = k.account_id and s.month = k.month`.execute(db);
  for (const row of result.rows) out.set(`${row.account_id}|${row.month}`, BigInt(row.spent_minor));
  return out;
}

/** Wallets whose period has ended by `now`, or that have a plan but no period yet. */
export async function listWalletsToRoll(db: Executor, now: Date, limit: number, after: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ledger_wallets')
    .select('account_id')
    .where((eb) => eb.or([eb('period_end', '<=', now), eb.and([eb('period_start', 'is', null), eb('monthly_quota', '>', 0)])]))
    .where('account_id', '>', after)
    .orderBy('account_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.account_id);
}

export function findGrant(db: Executor, walletAccountId: string, periodStart: Date): Promise<TransactionRow | undefined> {
  return db
    .selectFrom('ledger_transactions')
    .selectAll()
    .where('wallet_account_id', '=', walletAccountId)
    .where('kind', '=', 'grant')
    .where('period_start', '=', periodStart)
    .executeTakeFirst();
}
