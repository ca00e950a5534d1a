import { describe, expect, it } from 'vitest';
import { decodeText, joinParts, parseUdh, splitText } from './index.js';

const buf = (hexString: string): Buffer => Buffer.from(hexString.replace(/ /g, ''), 'hex');

describe('parseUdh', () => {
  it('reads an 8-bit reference', () => {
    expect(parseUdh(buf('05 00 03 ab 03 02 41 42'))).toEqual({
      reference: 0xab, total: 3, sequence: 2, referenceBits: 8, body: buf('41 42'),
    });
  });

  it('reads a 16-bit reference', () => {
    expect(parseUdh(buf('06 08 04 12 34 02 01 00 41'))).toEqual({
      reference: 0x1234, total: 2, sequence: 1, referenceBits: 16, body: buf('00 41'),
    });
  });

  it('skips other elements, such as application ports', () => {
    expect(parseUdh(buf('0b 05 04 0b 84 23 f0 00 03 07 02 01 ff'))).toMatchObject({
      reference: 7, total: 2, sequence: 1, body: buf('ff'),
    });
  });

  it.each([
    ['no concatenation element', '06 05 04 0b 84 23 f0 41'],
    ['a UDH longer than the message', '05 00 03 01 02'],
    ['an element longer than the UDH', '04 00 03 01 02 41'],
    ['sequence 0', '05 00 03 01 02 00 41'],
    ['sequence beyond total', '05 00 03 01 02 03 41'],
    ['total 0', '05 00 03 01 00 00 41'],
    ['an empty message', ''],
  ])('returns null for %s', (_name, hexString) => {
    expect(parseUdh(buf(hexString))).toBeNull();
  });
});

describe('joinParts', () => {
  it('orders parts, drops duplicates and rejoins an escape pair split by another sender', () => {
    const parts = [
      { sequence: 2, body: buf('65 21') }, // code of € then !
      { sequence: 1, body: buf('48 69 20 1b') }, // "Hi " then escape
      { sequence: 2, body: buf('65 21') },
    ];
    expect(joinParts(parts, 0x00)).toBe('Hi €!');
  });

  it('rejoins a surrogate pair split across UCS-2 parts', () => {
    expect(joinParts([{ sequence: 2, body: buf('de 00') }, { sequence: 1, body: buf('00 41 d8 3d') }], 0x08)).toBe('A😀');
  });

  it('reassembles what splitText produced, in any order', () => {
    const text = `${'Ж'.repeat(100)} 😀 done`;
    const { parts, dataCoding } = splitText(text, { reference: 0x1234, referenceBits: 16 });
    const received = parts.map((p) => parseUdh(Buffer.concat([p.udh!, p.payload]))!).reverse();
    expect(received.every((p) => p.reference === 0x1234 && p.total === parts.length)).toBe(true);
    expect(joinParts(received, dataCoding)).toBe(text);
  });

  it('decodes Latin-1, IA5 and the GSM message-class group; refuses binary', () => {
    expect(decodeText(buf('e9 74 e9'), 0x03)).toBe('été');
    expect(decodeText(buf('48 69'), 0x01)).toBe('Hi');
    expect(decodeText(buf('00 1b 65'), 0xf1)).toBe('@€');
    expect(() => decodeText(buf('00'), 0x04)).toThrow(/Unsupported data_coding 0x04/);
    expect(() => decodeText(buf('00'), 0xf4)).toThrow(/0xf4/);
  });
});
