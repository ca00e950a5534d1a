import type { Executor } from '../../platform/db/index.js';
import { followUpMany, followUpOne } from './apply-follow-ups.js';
import type { FollowUpOptions, HoldItem, HoldItemOutcome, HoldOutcome } from './types.js';

/** The options of `refund`, the same as `settle`'s. */
export type RefundOptions = FollowUpOptions;

/**
 * Gives back parts of a hold, on a permanent failure or a cancellation, to the bucket they came
 * from: provision first (the last taken, and the credit that never expires), then quota. Any
 * number of refunds per hold, each under its own `reference`, as for `settle`; without one, the
 * hold's reference is used. The spending-limit room goes back to the months the hold was
 * charged to.
 *
 * Quota held in a period that has since ended goes back to `quota` and expires at once, as two
 * entries of the refund, so it never adds to the current period.
 */
export function refund(db: Executor, holdReference: string, options: FollowUpOptions = {}): Promise<HoldOutcome> {
  return followUpOne(db, 'refund', holdReference, options);
}

/** `refund` for many items in one transaction, as `settleMany`. */
export function refundMany(db: Executor, items: HoldItem[], options: { now?: Date } = {}): Promise<HoldItemOutcome[]> {
  return followUpMany(db, 'refund', items, options);
}
