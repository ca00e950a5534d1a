import { createRequire } from 'node:module';

// The `smpp` package (0.5.1) ships no types. It is loaded with createRequire and
// typed here with the little we use: its PDU encoder and its tables of
// parameter and TLV types. Its Session is not used at all: its reader stalls
// for good after one parse error, it drops response callbacks on close and it
// decodes short_message to text (unknown characters become spaces). We frame
// the TCP stream ourselves and keep every request in our own pending map.

interface FieldType {
  read(buffer: Buffer, offset: number, length?: number): unknown;
  size(value: unknown): number;
}

interface SmppDefs {
  PDU: new (command: string, fields?: Record<string, unknown>) => { toBuffer(): Buffer };
  commandsById: Record<number, { command: string; params?: Record<string, { type: FieldType }> }>;
  tlvsById: Record<number, { tag: string; type: FieldType; multiple?: boolean }>;
}

const smpp = createRequire(import.meta.url)('smpp') as SmppDefs;

/** SMPP 3.4 command ids we dispatch on (§5.1.2.1). */
export const Cmd = {
  GENERIC_NACK: 0x80000000,
  BIND_TRANSCEIVER_RESP: 0x80000009,
  DELIVER_SM: 0x00000005,
  UNBIND: 0x00000006,
  ENQUIRE_LINK: 0x00000015,
} as const;

/** Largest PDU we accept; the package's own bound (pdu.js `PDU.maxLength`). */
export const MAX_PDU_LENGTH = 16384;

/** A decoded PDU: the header and its parameters and TLVs by the package's names, bytes left as bytes. */
export interface Pdu {
  command: string;
  commandId: number;
  status: number;
  sequence: number;
  fields: Record<string, unknown>;
}

/**
 * Encodes a PDU with the package. Message bytes go in as Buffers: the package's
 * `message` filter returns a Buffer untouched (defs.js filters.message.encode),
 * so neither the text encoder nor its data_coding/esm_class guessing runs; the
 * caller sets both explicitly.
 */
export function encodePdu(command: string, fields: Record<string, unknown>): Buffer {
  return new smpp.PDU(command, fields).toBuffer();
}

/**
 * Decodes one complete frame with the package's parameter and TLV tables but
 * without its decode filters, so short_message and message_payload stay raw
 * bytes (the filters would turn them into lossy text). Throws on a frame whose
 * body does not fit its length.
 */
export function decodePdu(frame: Buffer): Pdu {
  const length = frame.readUInt32BE(0);
  const commandId = frame.readUInt32BE(4);
  const pdu: Pdu = {
    command: 'unknown',
    commandId,
    status: frame.readUInt32BE(8),
    sequence: frame.readUInt32BE(12),
    fields: {},
  };
  const def = smpp.commandsById[commandId];
  if (!def) return pdu;
  pdu.command = def.command;
  // Responses with an error status usually have no body at all (§4.4.2).
  let at = 16;
  for (const [name, param] of Object.entries(def.params ?? {})) {
    if (at >= length) break;
    const value = param.type.read(frame, at);
    const size = param.type.size(value);
    if (at + size > length) throw new RangeError(`${def.command}.${name} runs past the PDU`);
    pdu.fields[name] = value;
    at += size;
  }
  while (at + 4 <= length) {
    const tag = frame.readUInt16BE(at);
    const size = frame.readUInt16BE(at + 2);
    at += 4;
    if (at + size > length) throw new RangeError(`TLV 0x${tag.toString(16)} runs past the PDU`);
    // A view bounded by the TLV's length, so a C-string without its NUL cannot run on.
    const body = frame.subarray(at, at + size);
    const tlv = smpp.tlvsById[tag];
    if (tlv && !tlv.multiple) pdu.fields[tlv.tag] = tlv.type.read(body, 0, size);
    at += size;
  }
  return pdu;
}

/** A command_length no PDU can have: the stream cannot be resynchronised. */
export class FramingError extends Error {}

/** Cuts the TCP byte stream into whole PDUs. */
export class PduFramer {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The next complete frame, or null until more bytes arrive; throws FramingError on a bad length. */
  next(): Buffer | null {
    if (this.buffer.length < 4) return null;
    const length = this.buffer.readUInt32BE(0);
    if (length < 16 || length > MAX_PDU_LENGTH) throw new FramingError(`command_length ${length} out of range`);
    if (this.buffer.length < length) return null;
    const frame = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return frame;
  }
}

/** '0x%02X': how Herald writes an SMPP command_status. */
export function hexStatus(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(2, '0')}`;
}
