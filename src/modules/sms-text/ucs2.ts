/** Encodes text as UTF-16BE, the byte order SMPP uses for data_coding 0x08. */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/**
 * Decodes UTF-16BE (data_coding 0x08). Handsets send UTF-16 under the UCS-2
 * name, so surrogate pairs are kept; a trailing odd byte or a lone surrogate
 * (a part cut mid-pair by some other sender) becomes U+FFFD rather than
 * producing a string that cannot be stored as UTF-8.
 */
export function decodeUcs2(buf: Uint8Array): string {
  const even = buf.length - (buf.length % 2);
  const swapped = Buffer.from(buf.subarray(0, even)).swap16();
  const text = swapped.toString('utf16le').replace(LONE_SURROGATE, '\uFFFD');
  return even === buf.length ? text : `${text}\uFFFD`;
}

/** Matches a high surrogate not followed by a low one, or a low one not preceded by a high one. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
