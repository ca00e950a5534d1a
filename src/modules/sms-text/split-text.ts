import { randomInt } from 'node:crypto';
import { invalid } from '../../platform/errors.js';
import { characterProblem } from './analyse-text.js';
import { encodeGsm7 } from './gsm7.js';
import { MAX_PARTS, type ReferenceBits, type SmsEncoding } from './limits.js';
import { planParts } from './plan-parts.js';
import { encodeUcs2 } from './ucs2.js';
import { buildUdh } from './udh.js';

export interface SplitOptions {
  /**
   * Concatenation reference shared by the parts of this message: 0–255 for
   * 8-bit, 0–65535 for 16-bit. Handsets join parts by (sender, reference), so
   * consecutive long messages to one number need different references; when
   * omitted a random one is drawn.
   */
  reference?: number;
  /** Default 8 (153 septets / 67 units per part); 16 leaves 152 / 66. */
  referenceBits?: ReferenceBits;
  /** Refuse texts needing more parts than this; default and ceiling 255. */
  maxParts?: number;
}

export interface SmsPart {
  /** The concatenation UDH, or null for a single-part message. Send with esm_class UDHI (0x40). */
  udh: Buffer | null;
  /** Encoded text after the UDH: unpacked septets (GSM-7) or UTF-16BE (UCS-2). */
  payload: Buffer;
  /** The slice of the original text this part carries. */
  text: string;
}

export interface SplitText {
  encoding: SmsEncoding;
  /** SMPP data_coding: 0x00 (SMSC default alphabet, GSM-7) or 0x08 (UCS-2). */
  dataCoding: 0x00 | 0x08;
  parts: SmsPart[];
}

/**
 * Encodes a message text into SMS parts ready for SMPP `short_message` (UDH
 * then payload) or `message_payload`. Never splits a GSM escape pair, a
 * surrogate pair or (within a part's capacity) a grapheme cluster. Throws
 * `invalid_request` on field `text` for anything `validateText` reports.
 */
export function splitText(text: string, options: SplitOptions = {}): SplitText {
  const referenceBits = options.referenceBits ?? 8;
  if (referenceBits !== 8 && referenceBits !== 16) throw new RangeError(`referenceBits must be 8 or 16, got ${referenceBits}`);
  const maxReference = referenceBits === 8 ? 0xff : 0xffff;
  const reference = options.reference ?? randomInt(0, maxReference + 1);
  if (!Number.isInteger(reference) || reference < 0 || reference > maxReference) {
    throw new RangeError(`reference must be an integer 0–${maxReference} for ${referenceBits}-bit references, got ${reference}`);
  }

  const problem = characterProblem(text);
  if (problem) throw invalid('text', problem.reason);
  const plan = planParts(text, referenceBits);
  const maxParts = Math.min(options.maxParts ?? MAX_PARTS, MAX_PARTS);
  const total = plan.spans.length;
  if (total > maxParts) throw invalid('text', `Text needs ${total} SMS parts; the limit is ${maxParts}`);

  const encode = plan.encoding === 'gsm7' ? encodeGsm7 : encodeUcs2;
  const parts = plan.spans.map((span, index): SmsPart => {
    const partText = text.slice(span.start, span.end);
    return {
      udh: total === 1 ? null : buildUdh(reference, referenceBits, total, index + 1),
      payload: encode(partText),
      text: partText,
    };
  });
  return { encoding: plan.encoding, dataCoding: plan.encoding === 'gsm7' ? 0x00 : 0x08, parts };
}
