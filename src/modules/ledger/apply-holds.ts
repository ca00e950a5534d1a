import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { findHolds, lockWalletsWithBalances, postHolds, type HoldDraft } from './ledger-holds.repository.js';
import { ensureWallets, findAccountChains, readSpending, type ChainRow, type TransactionRow } from './ledger.repository.js';
import type { Hold, HoldInput, HoldResult } from './types.js';
import { planRoll } from './wallet.js';

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** What one wallet has left while the items are computed, and the period its holds belong to. */
interface WalletState {
  quota: bigint;
  provision: bigint;
  periodStart: Date;
}

/** The checks `hold` makes before touching the database; `field` names the input (`parts`, `items[3].parts`). */
function checkItem(item: HoldInput, now: Date, field: (name: string) => string): AppError | null {
  if (item === null || typeof item !== 'object') return invalid(field('item'), 'A hold item is needed');
  const { parts, pricePerPartMinor, reference } = item;
  if (!Number.isSafeInteger(parts) || parts < 1) return invalid(field('parts'), 'At least one part is needed');
  if (typeof pricePerPartMinor !== 'bigint' || pricePerPartMinor < 0n) return invalid(field('price'), 'The price must be zero or more');
  if (typeof reference !== 'string' || reference.length === 0) return invalid(field('reference'), 'A reference is needed');
  if (item.now !== undefined && !(item.now instanceof Date && item.now.getTime() === now.getTime())) {
    return invalid(field('now'), 'All items of one call share its clock: pass it as the options\' now');
  }
  if (typeof item.accountId !== 'string' || item.accountId.length === 0) return notFound('Account');
  return null;
}

/** The spender first, its wallet owner last, from the rows of `findAccountChains`. */
function chainOf(accountId: string, rows: Map<string, ChainRow>): ChainRow[] {
  const chain: ChainRow[] = [];
  for (let row = rows.get(accountId); row; row = row.parent_id === null ? undefined : rows.get(row.parent_id)) {
    if (chain.length > rows.size) throw new Error(`ledger: the account chain of ${accountId} has a cycle`);
    chain.push(row);
  }
  return chain;
}

function insufficientCredit(parts: number, quota: bigint, provision: bigint, provisionParts: number, neededMinor: bigint, price: bigint): AppError {
  return new AppError(
    'insufficient_credit',
    `Not enough credit for ${parts} SMS part(s): ${quota} part(s) of monthly quota left and ` +
      `${provision} of provision, ${neededMinor} needed for ${provisionParts} part(s) at ${price} each`,
    { context: { parts, quotaRemaining: quota.toString(), provisionMinor: provision.toString(), neededMinor: neededMinor.toString() } },
  );
}

/** Names whose limit it is without its id: a subaccount never learns its parent's. */
function spendingLimitReached(limitAccountId: string, spenderId: string, limit: bigint, already: bigint, value: bigint): AppError {
  const whose = limitAccountId === spenderId ? "This account's spending limit" : "A parent account's spending limit";
  return new AppError(
    'spending_limit_reached',
    `${whose} is reached: ${already} of ${limit} spent this month, ${limit - already > 0n ? limit - already : 0n} left, ${value} needed`,
    { context: { accountId: limitAccountId, spenderAccountId: spenderId, limitMinor: limit.toString(), spentMinor: already.toString(), neededMinor: value.toString() } },
  );
}

function toHold(row: TransactionRow): Hold {
  const price = BigInt(row.price_per_part_minor ?? 0);
  return {
    holdId: row.id,
    walletAccountId: row.wallet_account_id,
    accountId: row.account_id,
    reference: row.reference ?? '',
    quotaParts: row.quota_parts,
    provisionParts: row.provision_parts,
    provisionMinor: BigInt(row.provision_parts) * price,
    pricePerPartMinor: price,
    created: false,
  };
}

/**
 * Holds every item as `hold` would, one after the other in input order, in the caller's
 * transaction, at a constant number of statements: the account chains, (on first use) the new
 * wallets, the wallet locks with their balances (in account id order, one statement), earlier holds and
 * spending, then one statement writing every roll, hold, entry, counter and balance change.
 * Items are computed in memory against the balances as the earlier items leave them.
 */
export async function applyHolds(tx: Executor, items: HoldInput[], now: Date, field: (i: number, name: string) => string): Promise<HoldResult[]> {
  const results: (HoldResult | undefined)[] = items.map((item, i) => {
    const error = checkItem(item, now, (name) => field(i, name));
    return error ? { ok: false, error } : undefined;
  });
  const pending = items.flatMap((item, i) => (results[i] ? [] : [{ item, i }]));
  if (pending.length === 0) return results as HoldResult[];

  const rows = await findAccountChains(tx, unique(pending.map((p) => p.item.accountId)), now);
  const byId = new Map<string, ChainRow>(rows.map((r) => [r.id, r]));
  const chains = new Map<string, ChainRow[]>();
  for (const { item, i } of pending) {
    const chain = chains.get(item.accountId) ?? chainOf(item.accountId, byId);
    chains.set(item.accountId, chain);
    if (chain.length === 0) results[i] = { ok: false, error: notFound('Account') };
  }
  const live = pending.filter((p) => !results[p.i]);
  if (live.length === 0) return results as HoldResult[];
  const ownerOf = (accountId: string): ChainRow => chains.get(accountId)!.at(-1)!;
  const walletIds = unique(live.map((p) => ownerOf(p.item.accountId).id)).sort();
  const withWallet = new Set(rows.filter((r) => r.has_wallet).map((r) => r.id));
  const missing = walletIds.filter((id) => !withWallet.has(id));
  if (missing.length > 0) await ensureWallets(tx, missing);
  // The balances come with the locks, as the holds that these waited for left them.
  const { wallets, balances } = await lockWalletsWithBalances(tx, walletIds);
  if (wallets.length !== walletIds.length) throw new Error(`ledger: locked ${wallets.length} of ${walletIds.length} wallets`);
  const drafts: HoldDraft[] = [];
  const periods: { walletAccountId: string; start: Date; end: Date }[] = [];
  const state = new Map<string, WalletState>();
  for (const wallet of wallets) {
    const w = wallet.account_id;
    const owner = byId.get(w)!;
    const b = balances.get(w)!;
    const plan = planRoll(wallet, owner, b.quota);
    let quota = b.quota;
    if (plan?.expire) {
      const { at, periodStart, quotaParts } = plan.expire;
      drafts.push({ kind: 'expire', walletAccountId: w, accountId: w, reference: null, periodStart, at, quotaParts: Number(quotaParts), provisionParts: 0,
        pricePerPartMinor: null, limitMonths: null, postings: [{ bucket: 'quota', amount: -quotaParts }, { bucket: 'quota_expired', amount: quotaParts }] });
      quota -= quotaParts;
    }
    if (plan?.grant) {
      const { at, periodStart, quotaParts } = plan.grant;
      drafts.push({ kind: 'grant', walletAccountId: w, accountId: w, reference: null, periodStart, at, quotaParts, provisionParts: 0,
        pricePerPartMinor: null, limitMonths: null, postings: [{ bucket: 'quota_grants', amount: -BigInt(quotaParts) }, { bucket: 'quota', amount: BigInt(quotaParts) }] });
      quota += BigInt(quotaParts);
    }
    if (plan) periods.push({ walletAccountId: w, start: plan.period.start, end: plan.period.end });
    state.set(w, { quota, provision: b.provision, periodStart: plan?.period.start ?? wallet.period_start ?? owner.period_start });
  }

  const held = new Map<string, Hold>();
  for (const [reference, row] of await findHolds(tx, unique(live.map((p) => p.item.reference)))) held.set(reference, toHold(row));
  const subaccounts = unique(live.flatMap((p) => chains.get(p.item.accountId)!.slice(0, -1)));
  const spent = await readSpending(tx, subaccounts.map((a) => ({ accountId: a.id, month: a.month })));
  const spending: { accountId: string; month: string; deltaMinor: bigint }[] = [];
  const created: Hold[] = [];
  const repeats: { i: number; hold: Hold }[] = [];

  for (const { item, i } of live) {
    const { accountId, reference, parts, pricePerPartMinor: price } = item;
    const earlier = held.get(reference);
    if (earlier) {
      // A hold created by an earlier item has its id only once written: copied at the end.
      if (earlier.accountId === accountId) repeats.push({ i, hold: earlier });
      else results[i] = { ok: false, error: new AppError('conflict', `Reference ${reference} is held by another account`) };
      continue;
    }
    const chain = chains.get(accountId)!;
    const owner = chain.at(-1)!;
    const wallet = state.get(owner.id)!;
    const quotaParts = Number(wallet.quota < BigInt(parts) ? wallet.quota : BigInt(parts));
    const provisionParts = parts - quotaParts;
    const provisionMinor = BigInt(provisionParts) * price;
    if (provisionMinor > wallet.provision) {
      results[i] = { ok: false, error: insufficientCredit(parts, wallet.quota, wallet.provision, provisionParts, provisionMinor, price) };
      continue;
    }
    const value = BigInt(parts) * price;
    const limited = chain.slice(0, -1);
    const over = limited.find((a) => a.spending_limit_minor !== null && (spent.get(`${a.id}|${a.month}`) ?? 0n) + value > BigInt(a.spending_limit_minor));
    if (over) {
      results[i] = { ok: false, error: spendingLimitReached(over.id, accountId, BigInt(over.spending_limit_minor!), spent.get(`${over.id}|${over.month}`) ?? 0n, value) };
      continue;
    }
    wallet.quota -= BigInt(quotaParts);
    wallet.provision -= provisionMinor;
    const limitMonths = limited.length > 0 ? Object.fromEntries(limited.map((a) => [a.id, a.month])) : null;
    if (value > 0n) {
      for (const a of limited) {
        const key = `${a.id}|${a.month}`;
        spent.set(key, (spent.get(key) ?? 0n) + value);
        spending.push({ accountId: a.id, month: a.month, deltaMinor: value });
      }
    }
    drafts.push({ kind: 'hold', walletAccountId: owner.id, accountId, reference, periodStart: wallet.periodStart, at: now, quotaParts, provisionParts,
      pricePerPartMinor: price, limitMonths, postings: [
        { bucket: 'quota', amount: -BigInt(quotaParts) },
        { bucket: 'held_quota', amount: BigInt(quotaParts) },
        { bucket: 'provision', amount: -provisionMinor },
        { bucket: 'held_provision', amount: provisionMinor },
      ] });
    const hold: Hold = { holdId: '', walletAccountId: owner.id, accountId, reference, quotaParts, provisionParts, provisionMinor, pricePerPartMinor: price, created: true };
    held.set(reference, hold);
    created.push(hold);
    results[i] = { ok: true, hold };
  }

  if (drafts.length > 0 || periods.length > 0) {
    const ids = await postHolds(tx, drafts, spending, periods);
    for (const hold of created) hold.holdId = ids.get(hold.reference)!;
  }
  for (const { i, hold } of repeats) results[i] = { ok: true, hold: { ...hold, created: false } };
  return results as HoldResult[];
}
