import type { Executor } from '../../platform/db/index.js';
import { invalid, notFound } from '../../platform/errors.js';
import { ensureWallet, findAccountChain, findGrant, lockWallet, postTransaction, setMonthlyQuota } from './ledger.repository.js';
import { inTransaction, rollWallet } from './wallet.js';

/** A wallet's plan: the SMS parts included each calendar month of the owner's time zone. */
export interface Plan {
  /** Parts granted at the start of each period and lost at its end; 0 = no plan. */
  monthlyQuota: number;
}

/**
 * Sets the plan of a top-level account. A period that has had its grant keeps it (a change
 * applies from the next period); a current period without a grant (no plan until now) gets
 * the new quota at once.
 */
export async function setPlan(db: Executor, walletAccountId: string, plan: Plan, now: Date = new Date()): Promise<void> {
  if (!Number.isSafeInteger(plan.monthlyQuota) || plan.monthlyQuota < 0 || plan.monthlyQuota > 2_000_000_000) {
    throw invalid('monthly_quota', 'The monthly quota must be a whole number of SMS parts, zero or more');
  }
  await inTransaction(db, async (tx) => {
    const chain = await findAccountChain(tx, walletAccountId, now);
    const owner = chain[0];
    if (!owner) throw notFound('Account');
    if (chain.length > 1) throw invalid('account', 'A plan belongs to a top-level account');
    await ensureWallet(tx, walletAccountId);
    const locked = await lockWallet(tx, walletAccountId);
    await setMonthlyQuota(tx, walletAccountId, plan.monthlyQuota);
    const wallet = await rollWallet(tx, { ...locked, monthly_quota: plan.monthlyQuota }, owner);
    const current = wallet.period_start;
    if (plan.monthlyQuota > 0 && current && current.getTime() === owner.period_start.getTime() && !(await findGrant(tx, walletAccountId, current))) {
      const grant = BigInt(plan.monthlyQuota);
      await postTransaction(
        tx,
        { kind: 'grant', walletAccountId, accountId: walletAccountId, at: now, periodStart: current, quotaParts: plan.monthlyQuota },
        [
          { bucket: 'quota_grants', amount: -grant },
          { bucket: 'quota', amount: grant },
        ],
      );
    }
  });
}
