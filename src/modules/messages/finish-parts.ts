import type { Executor } from '../../platform/db/index.js';
import * as ledger from '../ledger/index.js';
import { cancelPendingParts, recomputeMessages, takeParkedReceipts, applyReceiptRows, type PartUpdate } from './progress.repository.js';

/**
 * Money and message state after parts moved: a part the centre accepted is
 * charged, a part that failed is refunded (and the rest of its message
 * cancelled and refunded), and receipts that raced ahead of the submit are
 * applied now that the provider's id is known.
 */
export async function finishParts(tx: Executor, parts: { id: string; message_id: string; hold_reference: string }[], updates: PartUpdate[]): Promise<void> {
  const byId = new Map(parts.map((p) => [p.id, p]));
  const settle: { holdReference: string; reference: string; parts: number }[] = [];
  const refund: { holdReference: string; reference: string; parts: number }[] = [];
  const failedMessages: string[] = [];
  for (const u of updates) {
    const part = byId.get(u.id)!;
    const item = { holdReference: part.hold_reference, reference: `part:${u.id}`, parts: 1 };
    if (u.status === 'submitted' || u.status === 'unknown') settle.push(item);
    else if (u.status === 'failed' || u.status === 'expired') {
      refund.push(item);
      failedMessages.push(part.message_id);
    }
  }
  for (const c of await cancelPendingParts(tx, failedMessages)) {
    refund.push({ holdReference: c.hold_reference, reference: `part:${c.id}`, parts: 1 });
  }
  const submitted = updates
    .filter((u) => u.status === 'submitted' && u.connectorId && u.providerMessageId)
    .map((u) => ({ connectorId: u.connectorId!, providerMessageId: u.providerMessageId! }));
  const early = await takeParkedReceipts(tx, submitted);
  const moved = await applyReceiptRows(tx, early);
  await recomputeMessages(tx, [...parts.map((p) => p.message_id), ...moved.map((m) => m.message_id)]);
  // Last, just before the commit: the wallet stays locked from here to the end
  // of the transaction, and concurrent sends of the account wait for it. One
  // call locks every wallet up front, so settling and refunding cannot deadlock.
  if (settle.length + refund.length > 0) await ledger.releaseMany(tx, { settle, refund });
}

