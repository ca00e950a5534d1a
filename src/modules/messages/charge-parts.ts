import { transactionWithRetry, type Executor } from '../../platform/db/index.js';
import { newId } from '../../platform/ids.js';
import * as ledger from '../ledger/index.js';
import { takeUnchargedParts } from './charges.repository.js';

/**
 * Settles the parts the SMS centre took and refunds those that never left,
 * in batches, with one ledger transaction per hold and kind for each batch.
 * Dispatch rounds and receipts only record what happened; charging here
 * keeps them off the wallet lock, which every accept of the account needs.
 * The mark on each part and its ledger entries commit together, so a part is
 * charged once however many workers run this. Returns the parts charged.
 */
export async function chargeParts(db: Executor, options: { limit?: number } = {}): Promise<number> {
  return transactionWithRetry(db, async (tx) => {
    const groups = await takeUnchargedParts(tx, options.limit ?? 5000);
    if (groups.length === 0) return 0;
    const run = newId('chg');
    const items = (charge: 'settled' | 'refunded') =>
      groups.filter((g) => g.charge === charge).map((g) => ({ holdReference: g.hold_reference, reference: `${g.hold_reference}:${charge}:${run}`, parts: g.parts }));
    const { settled, refunded } = await ledger.releaseMany(tx, { settle: items('settled'), refund: items('refunded') });
    // Each part's hold reserved it, so a refusal means the ledger and the parts disagree: roll back and say so.
    const wrong = [...settled, ...refunded].find((o) => o.status !== 'settled' && o.status !== 'refunded');
    if (wrong) throw new Error(`charging parts: hold ${wrong.holdReference} answered ${wrong.status}${wrong.error ? `: ${wrong.error}` : ''}`);
    return groups.reduce((n, g) => n + g.parts, 0);
  });
}
