import type { Executor } from '../../platform/db/index.js';
import { followUpBoth, followUpMany, followUpOne } from './apply-follow-ups.js';
import type { FollowUpOptions, HoldItem, HoldItemOutcome, HoldOutcome } from './types.js';

/**
 * Charges parts of a hold when the SMS centre has accepted them: held quota and provision move
 * to the spent buckets, quota parts first. Any number of settles per hold, each under its own
 * `reference` (a message id of the batch); without one, the hold's reference is used, so
 * `settle(db, ref)` charges all still held once and repeating it is a replay. Takes the wallet
 * lock, so concurrent settles and refunds of one hold never release more than it holds.
 */
export function settle(db: Executor, holdReference: string, options: FollowUpOptions = {}): Promise<HoldOutcome> {
  return followUpOne(db, 'settle', holdReference, options);
}

/**
 * `settle` for many items (of any holds and wallets) in one transaction: every wallet locked once,
 * in account id order, and one multi-row write. Results in input order; see `HoldItemOutcome`.
 */
export function settleMany(db: Executor, items: HoldItem[], options: { now?: Date } = {}): Promise<HoldItemOutcome[]> {
  return followUpMany(db, 'settle', items, options);
}

/**
 * `settleMany` then `refundMany` in one transaction, with every wallet of both lists locked once
 * up front. Use it rather than the two calls in one transaction: those lock their own wallet sets
 * one after the other, so two such transactions over several wallets could deadlock.
 */
export function releaseMany(
  db: Executor,
  lists: { settle?: HoldItem[]; refund?: HoldItem[] },
  options: { now?: Date } = {},
): Promise<{ settled: HoldItemOutcome[]; refunded: HoldItemOutcome[] }> {
  return followUpBoth(db, lists, options);
}
