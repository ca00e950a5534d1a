import type { Udh } from './types.js';

/** SMPP 3.4 command ids the simulator dispatches on (§5.1.2.1). */
export const CommandId = {
  GENERIC_NACK: 0x80000000,
  BIND_RECEIVER: 0x00000001,
  BIND_TRANSMITTER: 0x00000002,
  SUBMIT_SM: 0x00000004,
  DELIVER_SM: 0x00000005,
  DELIVER_SM_RESP: 0x80000005,
  UNBIND: 0x00000006,
  UNBIND_RESP: 0x80000006,
  BIND_TRANSCEIVER: 0x00000009,
  ENQUIRE_LINK: 0x00000015,
  ENQUIRE_LINK_RESP: 0x80000015,
} as const;

/** SMPP command_status values the simulator answers with (§5.1.3). */
export const Status = {
  OK: 0x00,
  INVMSGLEN: 0x01,
  INVCMDLEN: 0x02,
  INVCMDID: 0x03,
  INVBNDSTS: 0x04,
  ALYBND: 0x05,
  SYSERR: 0x08,
  BINDFAIL: 0x0d,
  INVPASWD: 0x0e,
  INVSYSID: 0x0f,
  THROTTLED: 0x58,
} as const;

/** Largest PDU accepted; the same bound as the `smpp` package (pdu.js `PDU.maxLength`). */
export const MAX_PDU_LENGTH = 16384;

export interface PduHeader {
  length: number;
  commandId: number;
  status: number;
  sequence: number;
}

/** Reads the 16-octet header of a complete frame. */
export function readHeader(frame: Buffer): PduHeader {
  return {
    length: frame.readUInt32BE(0),
    commandId: frame.readUInt32BE(4),
    status: frame.readUInt32BE(8),
    sequence: frame.readUInt32BE(12),
  };
}

/** A command_length no PDU can have: the stream cannot be resynchronised. */
export class FramingError extends Error {}

/** A frame whose body does not match its command. */
export class MalformedPduError extends Error {}

const EMPTY = Buffer.alloc(0);

/**
 * Cuts a TCP byte stream into PDUs. We frame ourselves rather than use the
 * package's Session because its reader stalls for good after one parse error
 * (smpp.js `_extractPDUs` returns from its catch with `_busy` still true) and
 * decodes short_message to text, losing the bytes a test needs to see.
 */
export class PduFramer {
  private buffer: Buffer = EMPTY;
  private offset = 0;

  push(chunk: Buffer): void {
    if (this.offset >= this.buffer.length) {
      this.buffer = chunk;
    } else {
      this.buffer = Buffer.concat([this.buffer.subarray(this.offset), chunk]);
    }
    this.offset = 0;
  }

  /** The next complete frame (a view on the received bytes), or null until more arrive. */
  next(): Buffer | null {
    const available = this.buffer.length - this.offset;
    if (available < 4) return null;
    const length = this.buffer.readUInt32BE(this.offset);
    if (length < 16 || length > MAX_PDU_LENGTH) {
      throw new FramingError(`command_length ${length} out of range`);
    }
    if (available < length) return null;
    const frame = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return frame;
  }
}

/** The fields of a submit_sm (§4.4.1), short_message copied so the frame can be released. */
export interface RawSubmitSm {
  serviceType: string;
  sourceTon: number;
  sourceNpi: number;
  source: string;
  destinationTon: number;
  destinationNpi: number;
  destination: string;
  esmClass: number;
  protocolId: number;
  registeredDelivery: number;
  dataCoding: number;
  shortMessage: Buffer;
}

const TLV_MESSAGE_PAYLOAD = 0x0424;

/** Parses a submit_sm frame field by field; throws MalformedPduError when truncated. */
export function parseSubmitSm(frame: Buffer): RawSubmitSm {
  const end = frame.length;
  let at = 16;
  const u8 = (): number => {
    if (at >= end) throw new MalformedPduError('submit_sm truncated');
    return frame[at++] as number;
  };
  const cstring = (): string => {
    const zero = frame.indexOf(0, at);
    if (zero < 0 || zero >= end) throw new MalformedPduError('unterminated C-octet string');
    const value = frame.toString('latin1', at, zero);
    at = zero + 1;
    return value;
  };
  const serviceType = cstring();
  const sourceTon = u8();
  const sourceNpi = u8();
  const source = cstring();
  const destinationTon = u8();
  const destinationNpi = u8();
  const destination = cstring();
  const esmClass = u8();
  const protocolId = u8();
  u8(); // priority_flag
  cstring(); // schedule_delivery_time
  cstring(); // validity_period
  const registeredDelivery = u8();
  u8(); // replace_if_present_flag
  const dataCoding = u8();
  u8(); // sm_default_msg_id
  const smLength = u8();
  if (at + smLength > end) throw new MalformedPduError('short_message runs past the PDU');
  let shortMessage = Buffer.from(frame.subarray(at, at + smLength));
  at += smLength;
  // Long messages may come in message_payload instead (§5.3.2.32).
  while (at + 4 <= end) {
    const tag = frame.readUInt16BE(at);
    const length = frame.readUInt16BE(at + 2);
    at += 4;
    if (at + length > end) throw new MalformedPduError('TLV runs past the PDU');
    if (tag === TLV_MESSAGE_PAYLOAD && shortMessage.length === 0) {
      shortMessage = Buffer.from(frame.subarray(at, at + length));
    }
    at += length;
  }
  return {
    serviceType, sourceTon, sourceNpi, source, destinationTon, destinationNpi, destination,
    esmClass, protocolId, registeredDelivery, dataCoding, shortMessage,
  };
}

/** Parses the UDH at the start of a short_message; null when it is malformed. */
export function parseUdh(shortMessage: Buffer): Udh | null {
  const udhl = shortMessage[0];
  if (udhl === undefined || udhl + 1 > shortMessage.length) return null;
  const elements: Udh['elements'] = [];
  let concat: Udh['concat'] = null;
  let at = 1;
  while (at < udhl + 1) {
    const iei = shortMessage[at];
    const length = shortMessage[at + 1];
    if (iei === undefined || length === undefined || at + 2 + length > udhl + 1) return null;
    const data = shortMessage.subarray(at + 2, at + 2 + length);
    elements.push({ iei, data });
    if (iei === 0x00 && length === 3) {
      concat = { reference: data[0] as number, referenceBits: 8, total: data[1] as number, sequence: data[2] as number };
    } else if (iei === 0x08 && length === 4) {
      concat = { reference: data.readUInt16BE(0), referenceBits: 16, total: data[2] as number, sequence: data[3] as number };
    }
    at += 2 + length;
  }
  return { raw: shortMessage.subarray(0, udhl + 1), elements, concat };
}
