import type { Executor } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import * as ledger from '../ledger/index.js';
import { findMessage, findPendingTo } from './messages.repository.js';
import { emitMessageEvents } from './finish-parts.js';
import { cancelPendingParts, recomputeMessages } from './progress.repository.js';

/**
 * Cancels a message that has not been sent yet and refunds it. A message
 * whose parts already reached the SMS centre cannot be called back.
 */
export async function cancelMessage(db: Executor, accountId: string, id: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const message = await findMessage(tx, accountId, id, true);
    if (!message) throw notFound('Message');
    if (message.status !== 'scheduled' && message.status !== 'queued') {
      throw new AppError('conflict', `The message is ${message.status} and can no longer be cancelled`);
    }
    const cancelled = (await cancelPendingParts(tx, [id], true)).length;
    if (cancelled < message.parts_count) {
      throw new AppError('conflict', 'Part of the message is being sent right now and can no longer be cancelled');
    }
    await ledger.refund(tx, message.hold_reference, { parts: cancelled, reference: `${id}:cancel` });
    // Cancelled is no webhook event today (EVENT_OF in finish-parts.ts); the call costs nothing then.
    await emitMessageEvents(tx, await recomputeMessages(tx, [id], 'cancelled by the sender'));
  });
}

/**
 * Calls back what the account has not sent yet to a number that just opted
 * out, refunding the parts that had not left; parts already at the SMS centre
 * go on. In the caller's transaction, with the opt-out itself.
 */
export async function cancelMessagesTo(tx: Executor, accountId: string, recipient: string, detail: string): Promise<number> {
  const pending = await findPendingTo(tx, accountId, recipient);
  if (pending.length === 0) return 0;
  const parts = await cancelPendingParts(tx, pending.map((m) => m.id), true);
  const byMessage = new Map<string, { hold: string; parts: number }>();
  for (const p of parts) {
    const entry = byMessage.get(p.message_id) ?? { hold: p.hold_reference, parts: 0 };
    entry.parts += 1;
    byMessage.set(p.message_id, entry);
  }
  for (const [id, { hold, parts: n }] of byMessage) await ledger.refund(tx, hold, { parts: n, reference: `${id}:opt-out` });
  await emitMessageEvents(tx, await recomputeMessages(tx, pending.map((m) => m.id), detail));
  return byMessage.size;
}
