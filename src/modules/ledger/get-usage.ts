import type { Executor } from '../../platform/db/index.js';
import { invalid } from '../../platform/errors.js';
import { usageSeries } from './ledger-reports.repository.js';
import { currentWallet } from './get-balances.js';
import type { UsagePoint } from './types.js';

/** The window of `getUsage`: `[from, to)`, cut into local days or months of the account. */
export interface UsageQuery {
  from: Date;
  to: Date;
  interval: 'day' | 'month';
  now?: Date;
}

const MAX_POINTS = { day: 400, month: 120 } as const;

/**
 * Used and remaining credit over time, for the quota graph: what the account (and its
 * subaccounts) used per interval, and what its wallet had left at each interval's end.
 */
export async function getUsage(db: Executor, accountId: string, query: UsageQuery): Promise<UsagePoint[]> {
  const { from, to, interval } = query;
  if (interval !== 'day' && interval !== 'month') throw invalid('interval', 'Use day or month');
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw invalid('from', 'A valid date is needed');
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw invalid('to', 'A valid date is needed');
  if (to.getTime() <= from.getTime()) throw invalid('to', 'Must be after from');
  const approxPoints = (to.getTime() - from.getTime()) / (interval === 'day' ? 86_400_000 : 28 * 86_400_000);
  if (approxPoints > MAX_POINTS[interval] + 1) throw invalid('from', `At most ${MAX_POINTS[interval]} ${interval}s at a time`);
  const { chain, owner } = await currentWallet(db, accountId, query.now ?? new Date());
  const rows = await usageSeries(db, { walletAccountId: owner.id, accountId, timezone: chain[0]!.timezone, from, to, interval });
  return rows.map((r) => ({
    start: r.start,
    quotaUsed: Number(r.quota_used),
    provisionUsedMinor: BigInt(r.provision_used),
    quotaRemaining: Number(r.quota_remaining),
    provisionRemainingMinor: BigInt(r.provision_remaining),
  }));
}
