import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

// The `smpp` package ships no types and has no @types. Rather than an ambient
// `declare module 'smpp'` (which would clash with another declaration of the
// same module elsewhere in the project), it is loaded through `createRequire`
// and typed here with only what the simulator and its tests use.

/** A PDU as the `smpp` package represents it: header fields plus one property per parameter or TLV. */
export interface SmppPdu {
  command: string;
  command_id: number;
  command_status: number;
  sequence_number: number;
  [field: string]: unknown;
  isResponse(): boolean;
  response(options?: Record<string, unknown>): SmppPdu;
  toBuffer(): Buffer;
}

/** `new PDU(command, fields)` to build, `new PDU(buffer)` to decode a whole frame (throws on truncation). */
export interface SmppPduConstructor {
  new (command: string, fields?: Record<string, unknown>): SmppPdu;
  new (frame: Buffer): SmppPdu;
  /** Largest command_length the package accepts (16384). */
  maxLength: number;
}

/** The package's client session, used by tests to talk to the simulator over TCP. */
export interface SmppClientSession extends EventEmitter {
  readonly socket: Socket;
  send(pdu: SmppPdu, onResponse?: (resp: SmppPdu) => void, onSent?: (pdu: SmppPdu) => void): boolean;
  close(onClose?: () => void): void;
  destroy(onClose?: () => void): void;
}

interface SmppLib {
  PDU: SmppPduConstructor;
  connect(options: { host: string; port: number }, onConnect?: () => void): SmppClientSession;
  /** GSM 03.38 coder; `table` 0 is the default alphabet (no national shift). */
  gsmCoder: {
    encode(text: string, table: number): Buffer;
    decode(septets: Buffer, table: number): string;
  };
  /** `ASCII` is, despite its name, the GSM 03.38 default alphabet. */
  encodings: { ASCII: { match(text: string): boolean } };
}

const require = createRequire(import.meta.url);

/** The `smpp` package, typed for what Herald uses. */
export const smpp = require('smpp') as SmppLib;

/** Builds or decodes a PDU with the `smpp` package. */
export const SmppPDU = smpp.PDU;
