import { describe, expect, it } from 'vitest';
import { formatMessageId, formatReceiptId } from '../../simulators/smsc/receipt.js';
import { MessageIdCanon, normaliseMessageId } from './ids.js';
import { decodeGsm7, decodeText, splitUdh, toE164 } from './inbound-text.js';
import { backoffDelay, ThrottleState, TokenBucket } from './rate.js';
import { parseReceipt, parseReceiptText, statusFromStat } from './receipt.js';
import { resultForStatus } from './results.js';

describe('normaliseMessageId', () => {
  it('reads hex, decimal and zero-padded forms of one id to the same canonical id', () => {
    expect(normaliseMessageId('3A1B2C4D', 'hex')).toBe('3a1b2c4d');
    expect(normaliseMessageId('000000003A1B2C4D', 'hex')).toBe('3a1b2c4d');
    expect(normaliseMessageId('974859341', 'decimal')).toBe('3a1b2c4d');
    expect(normaliseMessageId('0000000974859341', 'auto')).toBe('3a1b2c4d');
    expect(normaliseMessageId('3a1b2c4d', 'auto')).toBe('3a1b2c4d');
    expect(normaliseMessageId('0000', 'decimal')).toBe('0');
  });

  it('keeps ids that are not numbers as received', () => {
    expect(normaliseMessageId(' msg-7f3e ', 'auto')).toBe('msg-7f3e');
    expect(normaliseMessageId('12ab', 'decimal')).toBe('12ab');
  });
});

describe('MessageIdCanon (auto)', () => {
  // Every receipt text format the simulator writes, against hex and decimal centres,
  // without the receipted_message_id TLV, before and after the submit is known.
  const values = [0x3a1b2c4d, 0x31234567, 0x10000000, 0x6fffffff, 0x12];
  for (const respFormat of ['hex', 'decimal'] as const) {
    for (const receiptFormat of ['same', 'hex', 'decimal', 'padded'] as const) {
      it(`matches text-only receipts: submit ids ${respFormat}, receipt ids ${receiptFormat}`, () => {
        const canon = new MessageIdCanon('auto');
        for (const value of values) {
          const submitted = canon.forSubmit(formatMessageId(value, respFormat));
          expect(canon.forReceipt(null, formatReceiptId(value, respFormat, receiptFormat))).toBe(submitted);
          expect(canon.forReceipt(formatMessageId(value, respFormat), null)).toBe(submitted);
        }
      });
    }
  }

  it('matches a receipt that comes before its submit_sm_resp once the centre is known to answer in hex', () => {
    const canon = new MessageIdCanon('auto');
    canon.forSubmit('3A1B2C4D');
    const value = 0x3a1b2c60;
    const early = canon.forReceipt(null, formatReceiptId(value, 'hex', 'decimal'));
    expect(canon.forSubmit(formatMessageId(value, 'hex'))).toBe(early);
    const early2 = canon.forReceipt(null, formatReceiptId(value + 1, 'hex', 'padded'));
    expect(canon.forSubmit(formatMessageId(value + 1, 'hex'))).toBe(early2);
  });

  it('matches a hex receipt that comes before its submit_sm_resp at a decimal centre', () => {
    const canon = new MessageIdCanon('auto');
    expect(canon.forSubmit('974859341')).toBe('974859341');
    const early = canon.forReceipt(null, '3A1B2C60');
    expect(canon.forSubmit('974859360')).toBe(early);
  });

  it('keeps the submit id as written, lower case without leading zeros', () => {
    const canon = new MessageIdCanon('auto');
    expect(canon.forSubmit('46965087')).toBe('46965087');
    expect(canon.forSubmit('00A1')).toBe('a1');
    expect(canon.forSubmit('msg-XY')).toBe('msg-XY');
    expect(canon.forReceipt(null, 'msg-XY')).toBe('msg-XY');
  });

  it('honours explicit formats and verbatim', () => {
    expect(new MessageIdCanon('hex').forReceipt(null, '00000012')).toBe('12');
    expect(new MessageIdCanon('decimal').forSubmit('18')).toBe('12');
    expect(new MessageIdCanon('verbatim').forSubmit(' 0012AB ')).toBe('0012AB');
  });
});

describe('receipts', () => {
  const text = 'id:0123456789 sub:001 dlvrd:001 submit date:2501021530 done date:2501021531 stat:DELIVRD err:000 text:Hello';

  it('parses the standard text', () => {
    expect(parseReceiptText(text)).toEqual({
      id: '0123456789', stat: 'DELIVRD', err: '000', doneAt: new Date(Date.UTC(2025, 0, 2, 15, 31)),
    });
  });

  it('maps every stat, unknown words included; ENROUTE is intermediate like ACCEPTD', () => {
    const stats = ['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED', 'ACCEPTD', 'ENROUTE', 'UNKNOWN', 'weird', null];
    expect(stats.map(statusFromStat)).toEqual([
      'delivered', 'undelivered', 'expired', 'rejected', 'deleted', 'accepted', 'accepted', 'unknown', 'unknown', 'unknown',
    ]);
  });

  it('prefers the receipted_message_id and message_state TLVs', () => {
    expect(parseReceipt(text, '75BCD15', 5)).toMatchObject({ tlvId: '75BCD15', textId: '0123456789', status: 'undelivered' });
    expect(parseReceipt(text, undefined, undefined)).toMatchObject({ tlvId: null, status: 'delivered' });
    expect(parseReceipt('garbage', undefined, undefined)).toMatchObject({ tlvId: null, textId: null, status: 'unknown', doneAt: null });
  });
});

describe('inbound text', () => {
  it('decodes GSM 7-bit with the extension table, Latin-1 and UCS-2', () => {
    expect(decodeGsm7(Buffer.from([0x00, 0x1b, 0x28, 0x1b, 0x65, 0x1b, 0x29, 0x11, 0x02]))).toBe('@{€}_$');
    expect(decodeText(Buffer.from('café', 'latin1'), 0x03)).toBe('café');
    expect(decodeText(Buffer.from('😀é', 'utf16le').swap16(), 0x08)).toBe('😀é');
    expect(decodeText(Buffer.from([0x48, 0x69]), 0xf0)).toBe('Hi');
    expect(decodeText(Buffer.from([0x01, 0x02]), 0x04)).toBe('');
  });

  it('splits UDHs and tolerates malformed ones', () => {
    expect(splitUdh(Buffer.from([0x05, 0x00, 0x03, 0x01, 0x02, 0x02, 0x41]))).toEqual({
      concat: { reference: 1, referenceBits: 8, total: 2, sequence: 2 }, body: Buffer.from([0x41]),
    });
    expect(splitUdh(Buffer.from([0x09, 0x00]))).toEqual({ concat: null, body: Buffer.from([0x09, 0x00]) });
  });

  it('writes numbers as E.164 and leaves short codes and names alone', () => {
    expect(toE164('447911123456', 1)).toBe('+447911123456');
    expect(toE164('447911123456', 0)).toBe('+447911123456');
    expect(toE164('60123', 3)).toBe('60123');
    expect(toE164('07911123456', 2)).toBe('07911123456');
    expect(toE164('Herald', 5)).toBe('Herald');
  });
});

describe('status mapping and pacing', () => {
  it('maps statuses as the table says', () => {
    expect(resultForStatus(0x58, 750)).toMatchObject({ kind: 'throttled', providerCode: '0x58', retryAfterMs: 750 });
    expect(resultForStatus(0x14, 0)).toMatchObject({ kind: 'transient', providerCode: '0x14', retryAfterMs: 60_000 });
    expect(resultForStatus(0x08, 0)).toMatchObject({ kind: 'transient', retryAfterMs: 5_000 });
    expect(resultForStatus(0x0b, 0)).toMatchObject({ kind: 'permanent', providerCode: '0x0B' });
    expect(resultForStatus(0x101, 0)).toMatchObject({ kind: 'permanent', providerCode: '0x101' });
  });

  it('caps the rate with a token bucket', () => {
    const bucket = new TokenBucket(100, 0);
    let taken = 0;
    while (bucket.take(0)) taken += 1;
    expect(taken).toBe(10);
    expect(bucket.waitMs(0)).toBe(10);
    expect(bucket.take(10)).toBe(true);
    expect(new TokenBucket(0, 0).waitMs(0)).toBe(0);
  });

  it('backs off exponentially with jitter above the floor', () => {
    expect(backoffDelay(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(30, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelay(30, 1000, 60_000, () => 0)).toBe(1000);
  });

  it('halves the window on a throttle and restores it gradually', () => {
    const t = new ThrottleState(100, 1000);
    expect(t.throttled(0)).toBeGreaterThanOrEqual(100);
    expect(t.window(10)).toBe(5);
    t.throttled(0); // during the pause: no further cut
    expect(t.window(10)).toBe(5);
    for (let i = 0; i < 5; i++) t.accepted();
    expect(t.window(10)).toBe(7);
    for (let i = 0; i < 20; i++) t.accepted();
    expect(t.window(10)).toBe(10);
  });
});
