import type { InboundSms } from '../channel.js';
import type { MessageIdCanon } from './ids.js';
import { decodeText, splitUdh, toE164 } from './inbound-text.js';
import type { Pdu } from './pdu.js';
import { parseReceipt, type ParsedReceipt } from './receipt.js';

/** What a deliver_sm carries: a receipt or a mobile-originated message. */
export type Delivery =
  | { kind: 'receipt'; receipt: ParsedReceipt; providerMessageId: string }
  | { kind: 'inbound'; sms: InboundSms };

// esm_class message type bits (§5.2.12): 0x04 SMSC delivery receipt, 0x08 SME delivery acknowledgement.
const RECEIPT_BITS = 0x04 | 0x08;
const UDHI = 0x40;

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Reads a deliver_sm decoded by `decodePdu` (message bytes raw). */
export function readDeliverSm(pdu: Pdu, connectorId: string, canon: MessageIdCanon, now = new Date()): Delivery {
  const f = pdu.fields;
  const esmClass = num(f.esm_class);
  const dataCoding = num(f.data_coding);
  const short = Buffer.isBuffer(f.short_message) ? f.short_message : Buffer.alloc(0);
  // Longer texts come in message_payload with an empty short_message.
  const message = short.length === 0 && Buffer.isBuffer(f.message_payload) ? f.message_payload : short;

  if (esmClass & RECEIPT_BITS) {
    // The receipt text is plain ASCII whatever data_coding says.
    const receipt = parseReceipt(message.toString('latin1'), f.receipted_message_id, f.message_state);
    return { kind: 'receipt', receipt, providerMessageId: canon.forReceipt(receipt.tlvId, receipt.textId) };
  }

  const { concat, body } = esmClass & UDHI ? splitUdh(message) : { concat: null, body: message };
  return {
    kind: 'inbound',
    sms: {
      connectorId,
      from: toE164(str(f.source_addr), num(f.source_addr_ton)),
      to: toE164(str(f.destination_addr), num(f.dest_addr_ton)),
      dataCoding,
      concat,
      text: decodeText(body, dataCoding),
      receivedAt: now,
    },
  };
}
