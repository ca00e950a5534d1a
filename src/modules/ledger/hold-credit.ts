import type { Executor } from '../../platform/db/index.js';
import { invalid } from '../../platform/errors.js';
import { applyHolds } from './apply-holds.js';
import type { Hold, HoldInput, HoldResult } from './types.js';
import { inTransaction } from './wallet.js';

export type { HoldInput, HoldResult };

/**
 * Reserves `parts`: from the monthly quota first, then from provision at `pricePerPartMinor` a
 * part. Enforces the spending limit of every subaccount between the spender and its wallet owner
 * (valued at price × parts, whichever bucket pays). The wallet row is locked for the rest of the
 * caller's transaction, so concurrent holds on one wallet queue and never overdraw it.
 * Throws what `holdMany` reports for the item; in its own transaction, nothing is then written.
 */
export async function hold(db: Executor, input: HoldInput): Promise<Hold> {
  const now = input?.now ?? new Date();
  return inTransaction(db, async (tx) => {
    const [result] = await applyHolds(tx, [input], now, (_i, name) => name);
    if (!result!.ok) throw result!.error;
    return result!.hold;
  });
}

/**
 * `hold` for many items, as if by `hold` for each in input order in one transaction (each item
 * sees the balances and spending the earlier ones leave; a repeated reference returns the first
 * item's hold), but in a constant number of statements: for group commit. Items may spend from
 * several wallets; each is locked once, in account id order, in one statement, and rolled to the
 * current period. Never throws for an item: results in input order (see `HoldResult`); throws
 * only for a non-array `items` and for database errors (which leave the transaction aborted).
 * `options.now` is the one clock of every item.
 */
export async function holdMany(db: Executor, items: HoldInput[], options: { now?: Date } = {}): Promise<HoldResult[]> {
  if (!Array.isArray(items)) throw invalid('items', 'A list of items is needed');
  if (items.length === 0) return [];
  const now = options.now ?? new Date();
  return inTransaction(db, (tx) => applyHolds(tx, items, now, (i, name) => `items[${i}].${name}`));
}
