import type { LedgerBucket, LedgerUnit } from '../../platform/db/schema.js';
import type { AppError } from '../../platform/errors.js';

export type { LedgerBucket, LedgerUnit };

/**
 * The ledger accounts of one wallet. Wallet buckets never go negative (CHECK constraints);
 * `quota_grants` and `topups` are sources (never positive), the rest sinks.
 */
export const BUCKET_UNIT: Readonly<Record<LedgerBucket, LedgerUnit>> = {
  quota: 'sms',
  held_quota: 'sms',
  quota_grants: 'sms',
  quota_expired: 'sms',
  spent_quota: 'sms',
  provision: 'money',
  held_provision: 'money',
  topups: 'money',
  spent_provision: 'money',
};

export const BUCKETS = Object.keys(BUCKET_UNIT) as LedgerBucket[];

/** One line of a ledger transaction: `amount` is added to the bucket's balance. */
export interface Posting {
  bucket: LedgerBucket;
  amount: bigint;
}

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
  /**
   * The clock, for the quota period and the spending month; defaults to now. `holdMany` has one
   * clock for all items (its `options.now`): an item whose `now` differs fails as `invalid_request`.
   */
  now?: Date;
}

/**
 * The outcome of one `HoldInput` of `holdMany`, in input order: the hold (`created: false` when
 * the reference was held before, by an earlier call or an earlier item), or the `AppError` that
 * `hold` would have thrown for it (`invalid_request`, `not_found`, `conflict`,
 * `insufficient_credit`, `spending_limit_reached`), nothing written for that item.
 */
export type HoldResult = { ok: true; hold: Hold } | { ok: false; error: AppError };

/** What `hold` reserved for one reference (a message id, or a batch id settled message by message). */
export interface Hold {
  /** The hold's ledger transaction id. */
  holdId: string;
  /** The wallet (top-level account) that pays. */
  walletAccountId: string;
  /** The account that spends (the wallet owner or one of its subaccounts). */
  accountId: string;
  reference: string;
  /** SMS parts taken from the monthly quota. */
  quotaParts: number;
  /** SMS parts paid from provision, at `pricePerPartMinor` each. */
  provisionParts: number;
  /** Money taken from provision: `provisionParts × pricePerPartMinor`. */
  provisionMinor: bigint;
  pricePerPartMinor: bigint;
  /** False when the reference had been held before and this is the first hold, returned again. */
  created: boolean;
}

/** Options of `settle` and `refund`: one part of a hold, under its own reference. */
export interface FollowUpOptions {
  /**
   * Parts to settle or refund, at least 1 and at most what the hold still reserves (else a
   * `conflict` error, nothing written); default all it still reserves.
   */
  parts?: number;
  /**
   * This settle's (or refund's) own reference, e.g. a message id of a batch's hold; unique per
   * kind across the ledger. Repeating it returns the first result and writes nothing. Defaults to
   * the hold's reference, so a hold settled or refunded without references gets one of each.
   */
  reference?: string;
  now?: Date;
}

/**
 * The outcome of `settle` or `refund`. Neither throws for an unknown hold or one with nothing
 * left to release (when `parts` is omitted); both throw `conflict` for more parts than held, or
 * for a reference already used on another hold.
 */
export interface HoldOutcome {
  /**
   * `settled` / `refunded`: parts moved, by this call or (`replayed`) by the first call with this
   * reference. `already_settled` / `already_refunded`: nothing was left to move (`parts` omitted),
   * nothing written; `already_settled` when any of the hold was settled, else `already_refunded`.
   */
  status: 'settled' | 'refunded' | 'unknown_hold' | 'already_settled' | 'already_refunded';
  /** The settle's or refund's own reference (the hold's when none was given). */
  reference: string;
  /** True when the reference had been applied before: the amounts are that first call's; nothing was written. */
  replayed: boolean;
  /** Quota parts moved (0 on a no-op). */
  quotaParts: number;
  /** Provision parts moved (0 on a no-op). */
  provisionParts: number;
  /** Money moved (0 on a no-op). */
  provisionMinor: bigint;
  /** Refunded quota parts whose period had already ended, so expired at once. */
  expiredQuotaParts: number;
  /** Parts the hold still reserves after this call (on a replay: now, not then). */
  partsStillHeld: number;
}

/** One item of `settleMany` / `refundMany`: `parts` of the hold `holdReference`, under `reference`. */
export interface HoldItem {
  holdReference: string;
  /** The item's own reference (a message id); unique per kind, as in `FollowUpOptions`. */
  reference: string;
  /** At least 1, at most what the hold still reserves when the item's turn comes. */
  parts: number;
}

/**
 * The outcome of one `HoldItem`, in input order. Items run as if by `settle` / `refund` one after
 * the other, except that what those would throw is reported as `conflict` (with `error`), nothing
 * written for that item, and the other items still apply.
 */
export interface HoldItemOutcome extends Omit<HoldOutcome, 'status'> {
  status: HoldOutcome['status'] | 'conflict';
  holdReference: string;
  /** Why a `conflict` item was refused. */
  error?: string;
}

/** Balances of the wallet an account spends from. */
export interface Balances {
  walletAccountId: string;
  quota: {
    /** Parts granted each period by the plan (0 = no plan). */
    monthly: number;
    /** Parts left this period; lost at `periodEnd`. */
    remaining: number;
    /** Parts reserved by messages not yet settled or refunded. */
    held: number;
    periodStart: Date | null;
    periodEnd: Date | null;
  };
  provision: {
    /** Bought credit that never expires, in minor units. */
    availableMinor: bigint;
    heldMinor: bigint;
  };
  /** For a subaccount: its spending limit and what it (with its descendants) spent this month. */
  spending: { limitMinor: bigint | null; spentMinor: bigint; month: string } | null;
}

/** One interval of `getUsage`, for the quota graph. */
export interface UsagePoint {
  /** Start of the interval (local midnight of the account's time zone). */
  start: Date;
  /** Quota parts held in the interval minus those refunded in it, by the account and its descendants. */
  quotaUsed: number;
  /** Likewise for provision, in minor units. */
  provisionUsedMinor: bigint;
  /** The wallet's quota left at the end of the interval. */
  quotaRemaining: number;
  /** The wallet's provision left at the end of the interval. */
  provisionRemainingMinor: bigint;
}

/** The result of `verifyLedger`: `ok` when `problems` is empty. */
export interface LedgerReport {
  ok: boolean;
  problems: string[];
}
