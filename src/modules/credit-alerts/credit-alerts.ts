import type { Executor } from '../../platform/db/index.js';
import { invalid } from '../../platform/errors.js';
import { accountAdminRecipients } from '../accounts/index.js';
import { getBalances, getProvisionBalances } from '../ledger/index.js';
import { enqueueEmail } from '../mail/index.js';
import { formatMoney, textsFor, type Locale } from '../texts/index.js';
import { emitEvents } from '../webhooks/index.js';
import * as repo from './credit-alerts.repository.js';

export interface CreditAlert {
  thresholdMinor: bigint;
  /** Whether the credit is below the threshold now (as of the last check). */
  below: boolean;
  lastAlertAt: Date | null;
}

const view = (r: repo.CreditAlertRow): CreditAlert => ({ thresholdMinor: BigInt(r.threshold_minor), below: r.below, lastAlertAt: r.last_alert_at });

export async function getCreditAlert(db: Executor, accountId: string): Promise<CreditAlert | null> {
  const row = await repo.findAlert(db, accountId);
  return row ? view(row) : null;
}

/** Sets the threshold (null removes the alert). Only an account with a wallet of its own has credit to watch. */
export async function setCreditAlert(db: Executor, accountId: string, thresholdMinor: bigint | null): Promise<CreditAlert | null> {
  if (thresholdMinor === null) {
    await repo.deleteAlert(db, accountId);
    return null;
  }
  if (thresholdMinor < 0n) throw invalid('threshold', 'must be zero or more');
  const balances = await getBalances(db, accountId);
  if (balances.walletAccountId !== accountId) throw invalid('threshold', 'A subaccount spends its parent account\'s credit: set the alert there');
  return view(await repo.upsertAlert(db, accountId, thresholdMinor));
}

function alertEmail(available: bigint, threshold: bigint, locale: Locale, currency: string) {
  return textsFor(locale).creditLow(formatMoney(available, locale, currency), formatMoney(threshold, locale, currency));
}

/**
 * Looks at every account with an alert: one whose available bought credit has
 * fallen below its threshold gets one email (to its owners and administrators)
 * and one `credit.low` event; nothing more until the credit has been back above
 * it. Checked by a worker loop rather than at each debit, so that sending
 * never waits for it; an alert comes within one loop's interval.
 */
export async function checkCreditAlerts(db: Executor, options: { now?: Date; batch?: number; currency?: string } = {}): Promise<number> {
  const currency = options.currency ?? 'EUR';
  const now = options.now ?? new Date();
  let alerted = 0;
  let after = '';
  for (;;) {
    const done = await db.transaction().execute(async (tx) => {
      const rows = await repo.lockAlerts(tx, after, options.batch ?? 100);
      // Alerts are set only on accounts that own their wallet: one read covers the batch.
      const balances = await getProvisionBalances(tx, rows.map((r) => r.account_id));
      for (const row of rows) {
        after = row.account_id;
        const threshold = BigInt(row.threshold_minor);
        const available = balances.get(row.account_id) ?? 0n;
        const below = available < threshold;
        if (below === row.below) continue;
        await repo.setBelow(tx, row.account_id, below, below ? now : null);
        if (!below) continue;
        alerted++;
        for (const { email, locale } of await accountAdminRecipients(tx, row.account_id)) {
          await enqueueEmail(tx, { to: email, accountId: row.account_id, ...alertEmail(available, threshold, locale, currency) });
        }
        await emitEvents(tx, [{
          accountId: row.account_id,
          type: 'credit.low',
          data: { account_id: row.account_id, available: Number(available), threshold: Number(threshold), currency },
        }]);
      }
      return rows.length < (options.batch ?? 100);
    });
    if (done) return alerted;
  }
}
