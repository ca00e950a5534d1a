import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { analyseText, decodeGsm7, decodeUcs2, encodeGsm7, splitText, validateText } from './index.js';

const hex = (buf: Buffer | null): string | null => (buf ? buf.toString('hex') : null);

describe('analyseText', () => {
  it.each([
    ['160 GSM characters', 'a'.repeat(160), 'gsm7', 1, 160, 160],
    ['161 GSM characters', 'a'.repeat(161), 'gsm7', 2, 161, 153],
    ['70 UCS-2 units', 'Ж'.repeat(70), 'ucs2', 1, 70, 70],
    ['71 UCS-2 units', 'Ж'.repeat(71), 'ucs2', 2, 71, 67],
    ['the empty text', '', 'gsm7', 1, 0, 160],
    ['€ as two septets', '€', 'gsm7', 1, 2, 160],
    ['80 € (160 septets)', '€'.repeat(80), 'gsm7', 1, 160, 160],
    ['159 + € (161 septets)', `${'a'.repeat(159)}€`, 'gsm7', 2, 161, 153],
    ['an emoji as two units', '😀', 'ucs2', 1, 2, 70],
    ['68 + emoji (70 units)', `${'a'.repeat(68)}😀`, 'ucs2', 1, 70, 70],
    ['69 + emoji (71 units)', `${'a'.repeat(69)}😀`, 'ucs2', 2, 71, 67],
    ['153 × 3 septets', 'x'.repeat(459), 'gsm7', 3, 459, 153],
    ['153 × 3 + 1 septets', 'x'.repeat(460), 'gsm7', 4, 460, 153],
  ] as const)('counts %s', (_name, text, encoding, parts, units, unitsPerPart) => {
    const result = analyseText(text);
    expect(result).toMatchObject({ encoding, parts, units, unitsPerPart });
  });

  it('uses 152 / 66 per part with a 16-bit reference', () => {
    expect(analyseText('a'.repeat(305)).parts).toBe(2); // 153 + 152
    expect(analyseText('a'.repeat(305), { referenceBits: 16 })).toMatchObject({ parts: 3, unitsPerPart: 152 });
    expect(analyseText('Ж'.repeat(133), { referenceBits: 16 })).toMatchObject({ parts: 3, unitsPerPart: 66 });
    expect(analyseText('Ж'.repeat(132), { referenceBits: 16 }).parts).toBe(2);
  });

  it('lists distinct non-GSM characters in order of first appearance, whole clusters', () => {
    expect(analyseText('Hi 😀 Жé😀 ж 👍🏽 e\u0301').nonGsmCharacters).toEqual(['😀', 'Ж', 'ж', '👍🏽', 'e\u0301']);
    expect(analyseText('Plain {GSM} €5 @home').nonGsmCharacters).toEqual([]);
  });

  it('treats ç and backtick as non-GSM (only Ç is in the alphabet)', () => {
    expect(analyseText('Ç').encoding).toBe('gsm7');
    expect(analyseText('ç').encoding).toBe('ucs2');
    expect(analyseText('`').encoding).toBe('ucs2');
  });
});

describe('splitText', () => {
  it('moves an escape pair that would straddle septet 153 whole into the next part', () => {
    const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`; // € would take septets 153 and 154
    const { parts } = splitText(text, { reference: 1 });
    expect(parts.map((p) => p.text)).toEqual(['a'.repeat(152), `€${'b'.repeat(10)}`]);
    expect(parts[0]!.payload.length).toBe(152);
    expect(hex(parts[1]!.payload)?.slice(0, 4)).toBe('1b65');
  });

  it('keeps an escape pair ending exactly at septet 153 in the first part', () => {
    const text = `${'a'.repeat(151)}€${'b'.repeat(10)}`;
    const { parts } = splitText(text, { reference: 1 });
    expect(parts[0]!.text).toBe(`${'a'.repeat(151)}€`);
    expect(parts[0]!.payload.length).toBe(153);
  });

  it('moves a surrogate pair that would straddle unit 67 whole into the next part', () => {
    const text = `${'Ж'.repeat(66)}😀${'Ж'.repeat(10)}`;
    const { parts, dataCoding } = splitText(text, { reference: 1 });
    expect(dataCoding).toBe(0x08);
    expect(parts.map((p) => p.text)).toEqual(['Ж'.repeat(66), `😀${'Ж'.repeat(10)}`]);
    expect(parts[0]!.payload.length).toBe(132);
    expect(hex(parts[1]!.payload)?.slice(0, 8)).toBe('d83dde00');
  });

  it('keeps a ZWJ sequence whole, and splits CR LF like the oracle does', () => {
    const family = '👨‍👩‍👧'; // 8 units
    const { parts } = splitText(`${'Ж'.repeat(60)}${family}${'Ж'.repeat(10)}`, { reference: 1 });
    expect(parts.map((p) => p.text)).toEqual(['Ж'.repeat(60), `${family}${'Ж'.repeat(10)}`]);
    const crlf = splitText(`${'Ж'.repeat(66)}\r\n${'Ж'.repeat(10)}`, { reference: 1 }).parts;
    expect(crlf.map((p) => p.text)).toEqual([`${'Ж'.repeat(66)}\r`, `\n${'Ж'.repeat(10)}`]);
  });

  it('keeps ❤️‍🔥 whole where the oracle (Unicode 10 grapheme data) splits it, so may use a part more', () => {
    const text = `${'Ж'.repeat(64)}❤️‍🔥${'Ж'.repeat(65)}`; // ❤ FE0F ZWJ 🔥 = 5 units, 134 in all
    expect(splitText(text, { reference: 1 }).parts.map((p) => p.text.length)).toEqual([64, 67, 3]);
    // The oracle puts "❤️‍" (3 units) at the end of part 1 and "🔥" at the start of part 2.
    expect(new SegmentedMessage(text).segmentsCount).toBe(2);
  });

  it('cuts a cluster longer than a part between code points; the oracle overflows instead', () => {
    const zalgo = `a${'\u0301'.repeat(100)}`; // one grapheme cluster of 101 units
    const { parts } = splitText(zalgo, { reference: 1 });
    expect(parts.map((p) => p.text.length)).toEqual([67, 34]);
    // The oracle leaves part 1 empty and puts 208 bytes in part 2; same count, impossible parts.
    const oracle = new SegmentedMessage(zalgo);
    expect(oracle.segments.map((s) => s.sizeInBits() / 8)).toEqual([6, 208]);
  });

  it('writes an 8-bit concatenation UDH', () => {
    const { parts, dataCoding } = splitText('a'.repeat(161), { reference: 0xab });
    expect(dataCoding).toBe(0x00);
    expect(parts.map((p) => hex(p.udh))).toEqual(['050003ab0201', '050003ab0202']);
  });

  it('writes a 16-bit concatenation UDH', () => {
    const { parts } = splitText('a'.repeat(305), { reference: 0x1234, referenceBits: 16 });
    expect(parts.map((p) => hex(p.udh))).toEqual(['06080412340301', '06080412340302', '06080412340303']);
    expect(parts.map((p) => p.payload.length)).toEqual([152, 152, 1]);
  });

  it('sends a single part without UDH', () => {
    const { parts } = splitText('Hello @ you', { reference: 9 });
    expect(parts).toHaveLength(1);
    expect(parts[0]!.udh).toBeNull();
    expect(hex(parts[0]!.payload)).toBe('48656c6c6f200020796f75');
  });

  it('draws a reference when none is given, and refuses one out of range', () => {
    const udh = splitText('a'.repeat(200)).parts[0]!.udh!;
    expect(udh.subarray(0, 3).toString('hex')).toBe('050003');
    expect(() => splitText('hi', { reference: 256 })).toThrow(RangeError);
    expect(() => splitText('hi', { reference: 256, referenceBits: 16 })).not.toThrow();
    expect(() => splitText('hi', { reference: -1, referenceBits: 16 })).toThrow(RangeError);
  });

  it('refuses what validateText reports, as invalid_request on field text', () => {
    for (const text of ['', 'a\u0000', '\uD83D']) {
      expect(() => splitText(text)).toThrow(AppError);
      try {
        splitText(text);
      } catch (error) {
        expect(error).toMatchObject({ code: 'invalid_request', field: 'text' });
      }
    }
    expect(() => splitText('a'.repeat(161), { maxParts: 1 })).toThrow(/needs 2 SMS parts; the limit is 1/);
  });
});

describe('validateText', () => {
  it.each([
    ['', 'empty', undefined],
    [' \n ', 'empty', undefined],
    ['ab\u0000c', 'nul_character', 2],
    ['a\uD83D', 'lone_surrogate', 1],
    ['\uDE00a', 'lone_surrogate', 0],
    ['😀\uDE00', 'lone_surrogate', 2],
  ] as const)('reports %j as %s', (text, code, position) => {
    const problem = validateText(text);
    expect(problem?.code).toBe(code);
    expect(problem?.position).toBe(position);
    expect(problem?.reason).toMatch(/^Text /);
  });

  it('accepts ordinary text, emoji included', () => {
    expect(validateText('Hello 😀 {there}')).toBeNull();
  });

  it('caps parts at 255 by protocol, or lower on request', () => {
    expect(validateText('a'.repeat(153 * 255))).toBeNull();
    expect(validateText('a'.repeat(153 * 255 + 1))?.code).toBe('too_many_parts');
    expect(validateText('a'.repeat(153 * 255), { maxParts: 1000 })).toBeNull();
    expect(validateText('a'.repeat(161), { maxParts: 1 })?.reason).toBe('Text needs 2 SMS parts; the limit is 1');
  });
});

describe('GSM-7 and UCS-2 codecs', () => {
  const basic =
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

  it('encodes @ as 0x00 and extension characters as escape + code', () => {
    expect(hex(encodeGsm7('@'))).toBe('00');
    expect(hex(encodeGsm7('@£$¥'))).toBe('00010203');
    expect(hex(encodeGsm7('^{}\\[~]|€\f'))).toBe('1b141b281b291b2f1b3c1b3d1b3e1b401b651b0a');
  });

  it('maps every basic septet except the escape', () => {
    const encoded = encodeGsm7(basic);
    expect(encoded.length).toBe(127);
    expect([...encoded]).toEqual([...Array(128).keys()].filter((n) => n !== 0x1b));
  });

  it('round-trips the whole alphabet', () => {
    const all = `${basic}^{}\\[~]|€\f`;
    expect(decodeGsm7(encodeGsm7(all))).toBe(all);
    expect(decodeUcs2(Buffer.from('00480069d83dde00', 'hex'))).toBe('Hi😀');
  });

  it('refuses characters outside GSM-7', () => {
    expect(() => encodeGsm7('ç')).toThrow(/not in the GSM 7-bit alphabet/);
  });

  it('decodes unknown escapes, a dangling escape and non-septets as 23.038 receivers do', () => {
    expect(decodeGsm7(Buffer.from([0x1b, 0x41]))).toBe('A');
    expect(decodeGsm7(Buffer.from([0x41, 0x1b]))).toBe('A ');
    expect(decodeGsm7(Buffer.from([0x1b, 0x1b, 0x41]))).toBe(' A');
    expect(decodeGsm7(Buffer.from([0x80]))).toBe('\uFFFD');
  });

  it('decodes an odd trailing byte and a lone surrogate in UCS-2 as U+FFFD', () => {
    expect(decodeUcs2(Buffer.from('004100', 'hex'))).toBe('A\uFFFD');
    expect(decodeUcs2(Buffer.from('0041d83d', 'hex'))).toBe('A\uFFFD');
  });
});
