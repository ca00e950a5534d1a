import type { ReceiptStatus } from '../channel.js';

/** What a delivery receipt says, before the id is normalised. */
export interface ParsedReceipt {
  /** Id from the receipted_message_id TLV (the submit_sm_resp form), if sent. */
  tlvId: string | null;
  /** Id from the `id:` field of the text, if any. */
  textId: string | null;
  status: ReceiptStatus;
  errorCode: string | null;
  doneAt: Date | null;
  raw: string;
}

const STAT: Record<string, ReceiptStatus> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undelivered',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
  DELETED: 'deleted',
  ACCEPTD: 'accepted',
  // Intermediate: the network is still trying. 'accepted' is the one intermediate status.
  ENROUTE: 'accepted',
  UNKNOWN: 'unknown',
};

// message_state TLV values (SMPP 3.4 §5.2.28); 1 ENROUTE is intermediate.
const STATE: Record<number, ReceiptStatus> = {
  1: 'accepted',
  2: 'delivered',
  3: 'expired',
  4: 'deleted',
  5: 'undelivered',
  6: 'accepted',
  7: 'unknown',
  8: 'rejected',
};

/** Maps the `stat:` word of a receipt text; an unrecognised vendor word is 'unknown'. */
export function statusFromStat(stat: string | null): ReceiptStatus {
  return (stat && STAT[stat.toUpperCase()]) || 'unknown';
}

/**
 * Reads the de-facto receipt text (SMPP 3.4 Appendix B):
 * `id:… sub:… dlvrd:… submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:… err:… text:…`.
 * Fields are found by name, so order, case and missing fields do not matter.
 */
export function parseReceiptText(text: string): { id: string | null; stat: string | null; err: string | null; doneAt: Date | null } {
  const field = (name: string): string | null => new RegExp(`(?:^|\\s)${name}:(\\S*)`, 'i').exec(text)?.[1] ?? null;
  return { id: field('id') || null, stat: field('stat'), err: field('err'), doneAt: parseReceiptDate(field('done date')) };
}

/** `YYMMDDhhmm[ss]`, taken as UTC (the text carries no zone); null when absent or invalid. */
export function parseReceiptDate(value: string | null): Date | null {
  const m = value ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value) : null;
  if (!m) return null;
  const [yy, mo, dd, hh, mi, ss] = m.slice(1).map((p) => Number(p ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss));
  // Date.UTC rolls 31 February over into March: refuse rather than invent a date.
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === dd ? date : null;
}

/**
 * A receipt from its text and TLVs. The TLVs win when present: the id in the
 * text is often truncated or re-based by the centre, and message_state is a
 * number rather than a vendor's word.
 */
export function parseReceipt(text: string, receiptedMessageId: unknown, messageState: unknown): ParsedReceipt {
  const parsed = parseReceiptText(text);
  const tlvId = typeof receiptedMessageId === 'string' && receiptedMessageId.trim() !== '' ? receiptedMessageId.trim() : null;
  const fromState = typeof messageState === 'number' ? STATE[messageState] : undefined;
  return {
    tlvId,
    textId: parsed.id,
    status: fromState ?? statusFromStat(parsed.stat),
    errorCode: parsed.err,
    doneAt: parsed.doneAt,
    raw: text,
  };
}
