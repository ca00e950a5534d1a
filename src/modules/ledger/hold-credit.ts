import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid } from '../../platform/errors.js';
import { addSpending, findByReference, postTransaction, readBalances, readSpending, type ChainRow, type TransactionRow } from './ledger.repository.js';
import type { Hold } from './types.js';
import { inTransaction, openWallet } from './wallet.js';

/**
 * A reservation of credit for one reference, made when it is accepted: a message, or a whole
 * batch charged once and then settled or refunded message by message (`settle` / `settleMany`).
 */
export interface HoldInput {
  /** The spending account: the wallet owner or one of its subaccounts. */
  accountId: string;
  /** Opaque and unique (a message or batch id): holding it again returns the first hold. */
  reference: string;
  /** SMS parts to reserve, at least 1. */
  parts: number;
  /** Price of one part when paid from provision, and the value counted against spending limits. */
  pricePerPartMinor: bigint;
  /** The clock, for the quota period and the spending month; defaults to now. */
  now?: Date;
}

/**
 * Reserves `parts`: from the monthly quota first, then from provision at `pricePerPartMinor` a
 * part. Enforces the spending limit of every subaccount between the spender and its wallet owner
 * (valued at price × parts, whichever bucket pays). The wallet row is locked for the rest of the
 * caller's transaction, so concurrent holds on one wallet queue and never overdraw it.
 */
export async function hold(db: Executor, input: HoldInput): Promise<Hold> {
  const { accountId, reference, parts, pricePerPartMinor } = input;
  if (!Number.isSafeInteger(parts) || parts < 1) throw invalid('parts', 'At least one part is needed');
  if (typeof pricePerPartMinor !== 'bigint' || pricePerPartMinor < 0n) throw invalid('price', 'The price must be zero or more');
  if (typeof reference !== 'string' || reference.length === 0) throw invalid('reference', 'A reference is needed');
  const now = input.now ?? new Date();
  return inTransaction(db, async (tx) => {
    const { chain, owner, wallet } = await openWallet(tx, accountId, now);
    const existing = await findByReference(tx, 'hold', reference);
    if (existing) {
      if (existing.account_id !== accountId) throw new AppError('conflict', `Reference ${reference} is held by another account`);
      return toHold(existing, false);
    }
    const balances = await readBalances(tx, owner.id);
    const quotaParts = Number(balances.quota < BigInt(parts) ? balances.quota : BigInt(parts));
    const provisionParts = parts - quotaParts;
    const provisionMinor = BigInt(provisionParts) * pricePerPartMinor;
    if (provisionMinor > balances.provision) {
      throw new AppError(
        'insufficient_credit',
        `Not enough credit for ${parts} SMS part(s): ${balances.quota} part(s) of monthly quota left and ` +
          `${balances.provision} of provision, ${provisionMinor} needed for ${provisionParts} part(s) at ${pricePerPartMinor} each`,
        { context: { parts, quotaRemaining: balances.quota.toString(), provisionMinor: balances.provision.toString(), neededMinor: provisionMinor.toString() } },
      );
    }
    const value = BigInt(parts) * pricePerPartMinor;
    const limitMonths = await checkSpendingLimits(tx, chain.slice(0, -1), value);
    const holdId = await postTransaction(
      tx,
      {
        kind: 'hold',
        walletAccountId: owner.id,
        accountId,
        at: now,
        reference,
        periodStart: wallet.period_start ?? owner.period_start,
        quotaParts,
        provisionParts,
        pricePerPartMinor,
        limitMonths,
      },
      [
        { bucket: 'quota', amount: -BigInt(quotaParts) },
        { bucket: 'held_quota', amount: BigInt(quotaParts) },
        { bucket: 'provision', amount: -provisionMinor },
        { bucket: 'held_provision', amount: provisionMinor },
      ],
    );
    await addSpending(tx, limitMonths ?? {}, value);
    return { holdId, walletAccountId: owner.id, accountId, reference, quotaParts, provisionParts, provisionMinor, pricePerPartMinor, created: true };
  });
}

/**
 * Checks each subaccount on the way up (the spender and its ancestors below the wallet owner)
 * against its limit for its own current month; returns the months to charge, one per
 * subaccount, or null for a top-level spender.
 */
async function checkSpendingLimits(tx: Executor, subaccounts: ChainRow[], value: bigint): Promise<Record<string, string> | null> {
  if (subaccounts.length === 0) return null;
  const spent = await readSpending(tx, subaccounts.map((a) => ({ accountId: a.id, month: a.month })));
  for (const account of subaccounts) {
    if (account.spending_limit_minor === null) continue;
    const limit = BigInt(account.spending_limit_minor);
    const already = spent.get(`${account.id}|${account.month}`) ?? 0n;
    if (already + value > limit) {
      throw new AppError(
        'spending_limit_reached',
        `Spending limit of account ${account.id} reached: ${already} of ${limit} spent this month, ` +
          `${limit - already > 0n ? limit - already : 0n} left, ${value} needed`,
        { context: { accountId: account.id, limitMinor: limit.toString(), spentMinor: already.toString(), neededMinor: value.toString() } },
      );
    }
  }
  return Object.fromEntries(subaccounts.map((a) => [a.id, a.month]));
}

function toHold(row: TransactionRow, created: boolean): Hold {
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
    created,
  };
}
