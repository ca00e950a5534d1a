import { invalid } from '../../platform/errors.js';

/**
 * GSM 03.38 / 3GPP TS 23.038 default alphabet, indexed by septet. 0x1B is the
 * escape to the extension table, so its slot is never produced by a lookup.
 * 0x09 is capital Ç as in the Unicode consortium's GSM0338 mapping; small ç is
 * not in the alphabet, so mapping it here would break decode(encode(x)) === x.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

/** Extension table reached through 0x1B; each of these costs two septets. */
const EXTENSION: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

export const GSM7_ESCAPE = 0x1b;

const basicCode = new Map<string, number>();
for (let i = 0; i < BASIC.length; i++) {
  if (i !== GSM7_ESCAPE) basicCode.set(BASIC[i]!, i);
}
const extensionCode = new Map<string, number>(EXTENSION);
const extensionChar = new Map<number, string>(EXTENSION.map(([char, code]) => [code, char]));

if (BASIC.length !== 128) throw new Error(`GSM 03.38 basic table has ${BASIC.length} entries, expected 128`);

/**
 * Septets one UTF-16 code unit costs in GSM-7: 1 (basic table), 2 (escape +
 * extension code) or 0 when the character is not representable at all.
 */
export function gsm7Cost(char: string): 0 | 1 | 2 {
  if (basicCode.has(char)) return 1;
  if (extensionCode.has(char)) return 2;
  return 0;
}

/** Whether every character of `text` is in the GSM-7 default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (gsm7Cost(text[i]!) === 0) return false;
  }
  return true;
}

/**
 * Encodes text as unpacked GSM-7: one septet per byte, extension characters as
 * 0x1B followed by their code. This is the form SMPP `short_message` carries
 * for data_coding 0x00; the SMS centre packs septets for the air interface.
 * Throws `invalid_request` (field `text`) on a character outside GSM-7.
 */
export function encodeGsm7(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const basic = basicCode.get(char);
    if (basic !== undefined) {
      out[n++] = basic;
      continue;
    }
    const ext = extensionCode.get(char);
    if (ext === undefined) {
      throw invalid('text', `Character ${JSON.stringify(char)} at position ${i} is not in the GSM 7-bit alphabet`);
    }
    out[n++] = GSM7_ESCAPE;
    out[n++] = ext;
  }
  return out.subarray(0, n);
}

/**
 * Decodes unpacked GSM-7 (one septet per byte). Follows 3GPP TS 23.038 for
 * receivers: an escape followed by a code missing from the extension table
 * shows the basic-table character; a dangling escape shows as a space. Bytes
 * above 0x7F cannot be septets and become U+FFFD.
 */
export function decodeGsm7(buf: Uint8Array): string {
  let out = '';
  for (let i = 0; i < buf.length; i++) {
    const byte = buf[i]!;
    if (byte > 0x7f) {
      out += '\uFFFD';
    } else if (byte !== GSM7_ESCAPE) {
      out += BASIC[byte]!;
    } else if (i + 1 >= buf.length) {
      out += ' ';
    } else {
      const code = buf[++i]!;
      if (code > 0x7f) out += '\uFFFD';
      // 0x1B 0x1B is reserved for a further extension table no handset implements.
      else if (code === GSM7_ESCAPE) out += ' ';
      else out += extensionChar.get(code) ?? BASIC[code]!;
    }
  }
  return out;
}
