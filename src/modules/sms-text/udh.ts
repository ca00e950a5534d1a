import type { ReferenceBits } from './limits.js';

/** A concatenation header as read from an incoming `short_message`. */
export interface ConcatenationHeader {
  reference: number;
  total: number;
  /** 1-based position of this part. */
  sequence: number;
  referenceBits: ReferenceBits;
  /** What follows the UDH: the part's text, still encoded. */
  body: Buffer;
}

/** Builds `05 00 03 ref total seq` (8-bit reference) or `06 08 04 refHi refLo total seq` (16-bit). */
export function buildUdh(reference: number, referenceBits: ReferenceBits, total: number, sequence: number): Buffer {
  return referenceBits === 8
    ? Buffer.from([0x05, 0x00, 0x03, reference, total, sequence])
    : Buffer.from([0x06, 0x08, 0x04, reference >> 8, reference & 0xff, total, sequence]);
}

/**
 * Reads the concatenation element of a User Data Header at the start of
 * `shortMessage` (the caller has seen UDHI, esm_class bit 0x40). Returns null
 * when the header is malformed or carries no concatenation element, or when
 * the element is one 3GPP TS 23.040 says to ignore (total 0, sequence 0 or
 * beyond total). Other elements (ports, etc.) are skipped.
 */
export function parseUdh(shortMessage: Uint8Array): ConcatenationHeader | null {
  const length = shortMessage[0];
  if (length === undefined || length === 0 || 1 + length > shortMessage.length) return null;
  const end = 1 + length;
  let found: Omit<ConcatenationHeader, 'body'> | null = null;
  let i = 1;
  while (i < end) {
    if (i + 2 > end) return null;
    const iei = shortMessage[i]!;
    const size = shortMessage[i + 1]!;
    const data = i + 2;
    if (data + size > end) return null;
    // 23.040 lets a repeated element override the earlier one, so keep scanning.
    if (iei === 0x00 && size === 3) {
      found = { reference: shortMessage[data]!, total: shortMessage[data + 1]!, sequence: shortMessage[data + 2]!, referenceBits: 8 };
    } else if (iei === 0x08 && size === 4) {
      found = {
        reference: (shortMessage[data]! << 8) | shortMessage[data + 1]!,
        total: shortMessage[data + 2]!,
        sequence: shortMessage[data + 3]!,
        referenceBits: 16,
      };
    }
    i = data + size;
  }
  if (!found || found.total === 0 || found.sequence === 0 || found.sequence > found.total) return null;
  return { ...found, body: Buffer.from(shortMessage.subarray(end)) };
}
