import type { Receipt } from '../../channels/channel.js';
import { transactionWithRetry, type Executor } from '../../platform/db/index.js';
import { emitMessageEvents } from './finish-parts.js';
import { recomputeMessages } from './progress.repository.js';
import { applyReceiptRows, recentlyFinalProviderIds, parkReceipts, takeMatchedParkedReceipts } from './receipts.repository.js';
import type { PartStatus } from './status.js';

const RECEIPT_TO_PART: Record<Receipt['status'], PartStatus | null> = {
  delivered: 'delivered',
  undelivered: 'undelivered',
  rejected: 'undelivered',
  deleted: 'undelivered',
  expired: 'expired',
  unknown: 'unknown',
  // An intermediate report: the part stays submitted.
  accepted: null,
};

/**
 * Stores receipts before the SMS centre is answered. Duplicates and late ones
 * change nothing (a final state never goes back); one whose submit is not
 * recorded yet is parked and applied when it is; unknown ids stay as orphans.
 */
export async function recordReceipts(db: Executor, receipts: Receipt[]): Promise<void> {
  const updates = receipts.flatMap((r) => {
    const status = RECEIPT_TO_PART[r.status];
    // SMPP receipts say err:000 when there is no error.
    const errorCode = r.errorCode && !/^0+$/.test(r.errorCode) ? r.errorCode : null;
    return status ? [{ connectorId: r.connectorId, providerMessageId: r.providerMessageId, status, errorCode, raw: r.raw, doneAt: r.doneAt }] : [];
  });
  if (updates.length === 0) return;
  await transactionWithRetry(db, async (tx) => {
    const moved = await applyReceiptRows(tx, updates);
    const movedKeys = new Set(moved.map((m) => `${m.connector_id} ${m.provider_message_id}`));
    const rest = updates.filter((u) => !movedKeys.has(`${u.connectorId} ${u.providerMessageId}`));
    // Not applied and not a duplicate: the submit is not recorded yet (or never
    // will be). Parked; the reconcile job applies it once the part is known.
    const done = await recentlyFinalProviderIds(tx, rest);
    await parkReceipts(tx, rest.filter((u) => !done.has(`${u.connectorId} ${u.providerMessageId}`)));
    await emitMessageEvents(tx, await recomputeMessages(tx, moved.map((m) => m.message_id), null, moved));
  });
}

/** Parked receipts whose submit has since been recorded (a race the dispatcher cannot close alone). */
export async function reconcileParkedReceipts(db: Executor): Promise<number> {
  return transactionWithRetry(db, async (tx) => {
    const updates = await takeMatchedParkedReceipts(tx);
    if (updates.length === 0) return 0;
    const moved = await applyReceiptRows(tx, updates);
    await emitMessageEvents(tx, await recomputeMessages(tx, moved.map((m) => m.message_id), null, moved));
    return updates.length;
  });
}
