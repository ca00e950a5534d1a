import type { InboundSms } from '../channel.js';

// Inbound decoding lives here, not in the sms-text module: a channel imports
// no modules, and decoding what the network hands us needs far less than
// encoding and splitting (no segment counting, no choice of alphabet).

// GSM 03.38 default alphabet, one character per septet value; 0x1B is the escape.
const GSM_DEFAULT =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

// Extension table: the septet after an escape.
const GSM_EXTENSION: Record<number, string> = {
  0x0a: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[', 0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€',
};

/** GSM 7-bit, one septet per octet (unpacked, as SMPP carries it). An unknown escape reads as a space, per 23.038. */
export function decodeGsm7(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = (bytes[i] as number) & 0x7f;
    if (septet === 0x1b && i + 1 < bytes.length) {
      i += 1;
      out += GSM_EXTENSION[(bytes[i] as number) & 0x7f] ?? ' ';
    } else {
      out += septet === 0x1b ? ' ' : GSM_DEFAULT[septet];
    }
  }
  return out;
}

/** UTF-16BE; a dangling odd octet is dropped. */
export function decodeUcs2(bytes: Buffer): string {
  const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return even.swap16().toString('utf16le');
}

/**
 * Text of a message body (UDH already removed) by SMPP data_coding (§5.2.19):
 * 0x00 GSM default, 0x01 IA5/ASCII, 0x03 Latin-1, 0x08 UCS-2, and the GSM
 * coding groups (0x10–0x3F general, 0xF0–0xFF class) by their alphabet bits.
 * Binary and codings we do not know decode to ''.
 */
export function decodeText(bytes: Buffer, dataCoding: number): string {
  switch (dataCoding) {
    case 0x00:
      return decodeGsm7(bytes);
    case 0x01:
      return bytes.toString('latin1').replace(/[\x80-\xff]/g, '?');
    case 0x03:
      return bytes.toString('latin1');
    case 0x08:
      return decodeUcs2(bytes);
  }
  if ((dataCoding & 0xf0) === 0xf0) return dataCoding & 0x04 ? '' : decodeGsm7(bytes);
  if ((dataCoding & 0xc0) === 0x00 && dataCoding >= 0x10) {
    const alphabet = (dataCoding >> 2) & 0x03;
    if (alphabet === 0) return decodeGsm7(bytes);
    if (alphabet === 2) return decodeUcs2(bytes);
  }
  return '';
}

/** Concatenation info of one part, as `InboundSms.concat` carries it. */
export type Concat = NonNullable<InboundSms['concat']>;

/**
 * Splits a user data header off the message (3GPP TS 23.040 §9.2.3.24) and
 * reads its concatenation element: IEI 0x00 (8-bit reference) or 0x08
 * (16-bit). A malformed header yields no concat and the bytes as they are.
 */
export function splitUdh(message: Buffer): { concat: Concat | null; body: Buffer } {
  const udhl = message[0];
  if (udhl === undefined || udhl + 1 > message.length) return { concat: null, body: message };
  let concat: Concat | null = null;
  let at = 1;
  while (at + 2 <= udhl + 1) {
    const iei = message[at] as number;
    const length = message[at + 1] as number;
    if (at + 2 + length > udhl + 1) return { concat: null, body: message };
    const data = message.subarray(at + 2, at + 2 + length);
    if (iei === 0x00 && length === 3) {
      concat = { reference: data[0] as number, referenceBits: 8, total: data[1] as number, sequence: data[2] as number };
    } else if (iei === 0x08 && length === 4) {
      concat = { reference: data.readUInt16BE(0), referenceBits: 16, total: data[2] as number, sequence: data[3] as number };
    }
    at += 2 + length;
  }
  return { concat, body: message.subarray(udhl + 1) };
}

/**
 * E.164 for what is a phone number: international TON (1), or an unknown TON
 * with 8–15 digits. National numbers, short codes and alphanumeric senders are
 * kept as received: turning them into E.164 needs a country we do not know.
 */
export function toE164(address: string, ton: number): string {
  const digits = address.replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return address;
  if (ton === 1 || (ton === 0 && digits.length >= 8 && digits.length <= 15)) return `+${digits}`;
  return address;
}
