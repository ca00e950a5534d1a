/**
 * Part and message states. A message's state is an explicit aggregate of its
 * parts, because a long message has one receipt per part.
 */
export type PartStatus =
  | 'scheduled'
  | 'queued'
  | 'sending'
  | 'submitted'
  | 'unknown'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'expired'
  | 'cancelled';

export type MessageStatus = 'scheduled' | 'queued' | 'submitted' | 'delivered' | 'undelivered' | 'failed' | 'expired' | 'unknown' | 'cancelled';

export const FINAL_PART: ReadonlySet<PartStatus> = new Set(['unknown', 'delivered', 'undelivered', 'failed', 'expired', 'cancelled']);
export const FINAL_MESSAGE: ReadonlySet<MessageStatus> = new Set(['delivered', 'undelivered', 'failed', 'expired', 'unknown', 'cancelled']);

// When parts end differently, the message shows the outcome that matters most
// to the sender: a failure hides a delivered part.
const SEVERITY: readonly MessageStatus[] = ['failed', 'undelivered', 'expired', 'unknown', 'cancelled', 'delivered'];

export function aggregateStatus(parts: readonly PartStatus[]): MessageStatus {
  if (parts.length === 0) throw new Error('a message has at least one part');
  if (parts.every((p) => p === 'scheduled')) return 'scheduled';
  if (parts.every((p) => FINAL_PART.has(p))) {
    for (const status of SEVERITY) if (parts.includes(status as PartStatus)) return status;
  }
  // A permanent failure of one part fails the message at once; the others are cancelled.
  if (parts.includes('failed')) return 'failed';
  const pending = parts.some((p) => p === 'queued' || p === 'sending' || p === 'scheduled');
  return pending ? 'queued' : 'submitted';
}

/** A receipt may move a part forward but never out of a final state. */
export function canApplyReceipt(current: PartStatus): boolean {
  return current === 'submitted' || current === 'sending' || current === 'queued';
}
