import type { Executor } from '../../platform/db/index.js';
import { emitEvents, type EventType, type NewEvent } from '../webhooks/index.js';
import { cancelPendingParts, recomputeMessages, type MessageChange, type WrittenPart } from './progress.repository.js';
import { applyReceiptRows, takeParkedReceipts } from './receipts.repository.js';
import type { MessageStatus } from './status.js';

// `unknown` (nobody will tell us more) and `cancelled` (the sender did it)
// are no news to a receiver, and queued/scheduled are not changes it asked about.
const EVENT_OF: Partial<Record<MessageStatus, EventType>> = {
  submitted: 'message.submitted',
  delivered: 'message.delivered',
  undelivered: 'message.failed',
  failed: 'message.failed',
  expired: 'message.expired',
};
// Outcomes only a receipt gives, so the centre took the message; `failed` and
// `expired` may come from a submit that never happened.
const SUBMITTED_FIRST: ReadonlySet<MessageStatus> = new Set(['delivered', 'undelivered']);

/** Webhook events of status changes, in the transaction that made them; to endpoints and each message's callback_url. */
export async function emitMessageEvents(tx: Executor, changes: MessageChange[]): Promise<void> {
  const events: NewEvent[] = [];
  for (const c of changes) {
    const type = EVENT_OF[c.status];
    if (!type) continue;
    const data: Record<string, unknown> = {
      id: c.id, status: c.status, to: c.recipient, from: c.sender, client_reference: c.client_reference, parts: c.parts_count,
    };
    if (c.error_code !== null) data.error_code = c.error_code;
    if (c.contact_id !== null) data.contact_id = c.contact_id;
    if (c.list_id !== null) data.list_id = c.list_id;
    const event = (t: EventType, d: Record<string, unknown>): NewEvent => ({ accountId: c.account_id, type: t, data: d, ...(c.callback_url ? { urls: [c.callback_url] } : {}) });
    // A receipt that overtook its submit moves a message from queued straight
    // to its outcome; receivers still hear that the centre took it, first.
    if (SUBMITTED_FIRST.has(c.status) && (c.previous === 'queued' || c.previous === 'scheduled')) {
      const { error_code: _e, ...submitted } = data;
      events.push(event('message.submitted', { ...submitted, status: 'submitted' }));
    }
    events.push(event(type, data));
  }
  await emitEvents(tx, events);
}

/**
 * Message state after parts moved: the rest of a message whose part failed is
 * cancelled, and receipts that raced ahead of the submit are applied now that
 * the provider's id is known. Charging is left to `chargeParts`.
 */
export async function finishParts(tx: Executor, written: WrittenPart[]): Promise<void> {
  const failedMessages = written.filter((w) => w.status === 'failed' || w.status === 'expired').map((w) => w.message_id);
  await cancelPendingParts(tx, failedMessages, false);
  const submitted = written
    .filter((w) => w.status === 'submitted' && w.connector_id && w.provider_message_id)
    .map((w) => ({ connectorId: w.connector_id!, providerMessageId: w.provider_message_id! }));
  const early = await takeParkedReceipts(tx, submitted);
  const moved = await applyReceiptRows(tx, early);
  // Latest last: a part a parked receipt moved is in `moved` as it is now.
  const parts = [...written, ...moved];
  await emitMessageEvents(tx, await recomputeMessages(tx, parts.map((w) => w.message_id), null, parts));
}
