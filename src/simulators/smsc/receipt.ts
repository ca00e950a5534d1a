import type { MessageIdFormat, ReceiptIdFormat, ReceiptStat } from './types.js';

/** message_state TLV values (SMPP 3.4 §5.2.28) for each receipt `stat:`. */
export const MESSAGE_STATE: Record<ReceiptStat, number> = {
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
};

const PADDED_LENGTH = 16;

/** Writes a numeric id as submit_sm_resp carries it: upper-case hex (8 digits) or decimal. */
export function formatMessageId(value: number, format: MessageIdFormat): string {
  return format === 'hex' ? value.toString(16).toUpperCase().padStart(8, '0') : value.toString(10);
}

/** Reads back an id written by `formatMessageId`; null when it is not one. */
export function parseMessageId(id: string, format: MessageIdFormat): number | null {
  const valid = format === 'hex' ? /^[0-9a-f]+$/i.test(id) : /^\d+$/.test(id);
  if (!valid) return null;
  const value = Number.parseInt(id, format === 'hex' ? 16 : 10);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * The id as the receipt text shows it. Real centres answer the submit in one
 * representation and report in another (Kannel's `msg-id-type`), which is why
 * Herald must normalise ids before matching.
 */
export function formatReceiptId(value: number, respFormat: MessageIdFormat, receiptFormat: ReceiptIdFormat): string {
  switch (receiptFormat) {
    case 'same':
      return formatMessageId(value, respFormat);
    case 'padded':
      return formatMessageId(value, respFormat).padStart(PADDED_LENGTH, '0');
    default:
      return formatMessageId(value, receiptFormat);
  }
}

/** `YYMMDDhhmm` in UTC, the date format of the receipt text. */
export function receiptDate(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) + two(date.getUTCMonth() + 1) + two(date.getUTCDate()) +
    two(date.getUTCHours()) + two(date.getUTCMinutes())
  );
}

/**
 * The first 20 characters of the message for the `text:` field, keeping only
 * characters that are the same octet in ASCII and in the GSM default alphabet,
 * so the receipt reads the same whichever way the client decodes it.
 */
export function receiptSample(text: string): string {
  return text.slice(0, 20).replace(/[^A-Za-z0-9 !"#%&'()*+,\-./:;<=>?]/g, '?');
}

export interface ReceiptTextParts {
  id: string;
  stat: ReceiptStat;
  err?: string | undefined;
  submitDate: Date;
  doneDate: Date;
  sample: string;
}

/** The de-facto standard receipt text (SMPP 3.4 Appendix B). */
export function receiptText(parts: ReceiptTextParts): string {
  const delivered = parts.stat === 'DELIVRD';
  const err = parts.err ?? (delivered || parts.stat === 'ACCEPTD' ? '000' : '001');
  return (
    `id:${parts.id} sub:001 dlvrd:${delivered ? '001' : '000'} ` +
    `submit date:${receiptDate(parts.submitDate)} done date:${receiptDate(parts.doneDate)} ` +
    `stat:${parts.stat} err:${err} text:${parts.sample}`
  );
}

/** What a receipt needs to know about the message it reports on. */
export interface ReceiptSubject {
  /** Numeric id, from which every representation is written. */
  value: number;
  /** The id as returned in submit_sm_resp. */
  messageId: string;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  destination: string;
  destinationTon: number;
  destinationNpi: number;
  submitDate: Date;
  sample: string;
  /** Session that submitted, tried first for the receipt. */
  sessionId?: number;
  /** Only sessions bound with this system_id receive the receipt; null for any. */
  systemId: string | null;
}

const ESM_CLASS_DELIVERY_RECEIPT = 0x04;

/**
 * deliver_sm fields of a receipt: addresses swapped as centres do (the handset
 * is the source), the id in the text as asked, the TLVs with the
 * submit_sm_resp id and the numeric state.
 */
export function receiptFields(
  subject: ReceiptSubject,
  stat: ReceiptStat,
  textId: string,
  err?: string,
): Record<string, unknown> {
  const text = receiptText({ id: textId, stat, err, submitDate: subject.submitDate, doneDate: new Date(), sample: subject.sample });
  return {
    source_addr_ton: subject.destinationTon,
    source_addr_npi: subject.destinationNpi,
    source_addr: subject.destination,
    dest_addr_ton: subject.sourceTon,
    dest_addr_npi: subject.sourceNpi,
    destination_addr: subject.source,
    esm_class: ESM_CLASS_DELIVERY_RECEIPT,
    data_coding: 0x00,
    short_message: Buffer.from(text, 'latin1'),
    receipted_message_id: subject.messageId,
    message_state: MESSAGE_STATE[stat],
  };
}
