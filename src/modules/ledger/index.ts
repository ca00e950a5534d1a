// The credit ledger: double-entry, append-only, in integer units. Depends on `platform/` only;
// knows messages only as an opaque `reference`. Use cases take the Executor first, so a caller
// can hold credit in the same transaction as the rows it pays for.
export { topUp, type TopUpInput } from './top-up.js';
export { setPlan, type Plan } from './set-plan.js';
export { hold, holdMany } from './hold-credit.js';
export { settle, settleMany, releaseMany } from './settle-hold.js';
export { refund, refundMany, type RefundOptions } from './refund-hold.js';
export { getBalances, getProvisionBalances } from './get-balances.js';
export { getUsage, type UsageQuery } from './get-usage.js';
export { rollQuotaPeriods } from './roll-quota-periods.js';
export { verifyLedger } from './verify-ledger.js';
export type { Balances, FollowUpOptions, Hold, HoldInput, HoldResult, HoldItem, HoldItemOutcome, HoldOutcome, LedgerReport, UsagePoint, LedgerBucket, LedgerUnit } from './types.js';
