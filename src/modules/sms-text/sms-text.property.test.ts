import fc from 'fast-check';
import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, it } from 'vitest';
import { analyseText, decodeGsm7, decodeUcs2, joinParts, parseUdh, splitText } from './index.js';

// Written out here rather than imported, so a wrong table in the code cannot agree with itself.
const GSM_BASIC = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?',
  ...'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
];
const GSM_EXTENSION = [...'^{}\\[~]|€\f'];
const OTHER = [
  ...'çőłśžışğŽŒœÿáíóúâêôõãÀÈ', // Latin outside GSM-7 (note ç, while Ç is in it)
  ...'ΑβγδλμπσωάΔΩ', // Greek: capitals that look Latin are not GSM-7; Δ and Ω are
  ...'ЖжЯящыЇґ', // Cyrillic
  'e\u0301', // e + combining acute: a two-unit cluster
  ...'\u00a0’“”…–',
];
/** Emoji on which Intl.Segmenter and the oracle's grapheme-splitter agree. */
const EMOJI = [
  '😀', '😂', '👍', '👍🏽', '✌🏿', '🫠', '☺️', '1️⃣', '🇫🇷', '🇧🇪', '🇯🇵', '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '👨‍👩‍👧‍👦', '👨‍👩‍👧', '🏳️‍🌈', '🧑‍💻', '👩‍❤️‍👨', '👩🏽‍🚀', '🧔‍♂️', '🤷🏻‍♂️',
];
/**
 * ZWJ sequences newer than the oracle's grapheme data (grapheme-splitter,
 * Unicode 10 era): it sees two clusters where Unicode 15+ sees one.
 */
const EMOJI_NEWER = ['❤️‍🔥', '🐕‍🦺', '🏴‍☠️'];

const printableAscii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const gsmPiece = fc.oneof(
  { arbitrary: fc.constantFrom(...GSM_BASIC), weight: 5 },
  { arbitrary: fc.constantFrom(...GSM_EXTENSION), weight: 2 },
  { arbitrary: printableAscii.filter((c) => c !== '`'), weight: 3 },
);
const nonGsmPiece = fc.oneof(
  { arbitrary: fc.constantFrom(...OTHER), weight: 3 },
  { arbitrary: fc.constantFrom(...EMOJI), weight: 2 },
  { arbitrary: fc.constant('`'), weight: 1 },
);
const anyPiece = fc.oneof(
  { arbitrary: gsmPiece, weight: 8 },
  { arbitrary: nonGsmPiece, weight: 3 },
  { arbitrary: printableAscii, weight: 2 },
);
/**
 * Piece counts spread over 0..700, weighted towards the first few part
 * boundaries (160/161, 306/307 septets; 70/71, 134/135 units) because the
 * oracle costs about 5 µs a character and this runs 10,000 times.
 */
const pieceCount = fc.oneof({ arbitrary: fc.nat(220), weight: 2 }, { arbitrary: fc.nat(700), weight: 1 });
const textOf = (piece: fc.Arbitrary<string>, maxPieces: number): fc.Arbitrary<string> =>
  pieceCount
    .map((n) => Math.min(n, maxPieces))
    .chain((n) => fc.array(piece, { minLength: n, maxLength: n }))
    .map((pieces) => pieces.join(''));

/** Texts of 0 to ~700 UTF-16 units: all-GSM, mixed, GSM with one intruder, dense UCS-2, and a few newer emoji. */
const textArb = fc.oneof(
  { arbitrary: textOf(gsmPiece, 700), weight: 4 },
  { arbitrary: textOf(anyPiece, 450), weight: 3 },
  {
    arbitrary: fc.tuple(textOf(gsmPiece, 400), nonGsmPiece, textOf(gsmPiece, 300)).map(([a, b, c]) => a + b + c),
    weight: 2,
  },
  { arbitrary: textOf(fc.oneof(nonGsmPiece, gsmPiece), 300), weight: 2 },
  {
    arbitrary: fc.tuple(textOf(anyPiece, 300), fc.constantFrom(...EMOJI_NEWER), textOf(anyPiece, 300)).map(([a, b, c]) => a + b + c),
    weight: 1,
  },
);

const RUNS = 10_000;
// 10,000 runs take several seconds; a generous limit so a busy machine still passes.
const TIMEOUT = 180_000;
/**
 * Runs `RUNS` checks of `property` in batches of 500, each with a seed of its
 * own (fast-check prints it on failure), yielding to the event loop between
 * batches. One synchronous stretch of 10,000 runs kept the test worker from
 * answering vitest for over 60 s on a loaded machine, and vitest then failed
 * the whole run with "Timeout calling onTaskUpdate" although every test passed.
 */
async function assertInBatches<T>(property: fc.IProperty<T>): Promise<void> {
  const batch = 500;
  const seed = Date.now() | 0;
  for (let done = 0; done < RUNS; done += batch) {
    fc.assert(property, { numRuns: Math.min(batch, RUNS - done), seed: (seed + done) | 0 });
    await new Promise((resolve) => setImmediate(resolve));
  }
}
const clusters = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Grapheme clusters as the code sees them: CR LF counts as two, as in the oracle. */
const clustersOf = (text: string): string[] =>
  [...clusters.segment(text)].flatMap(({ segment }) => (segment === '\r\n' ? ['\r', '\n'] : [segment]));

const SINGLE = { gsm7: 160, ucs2: 70 } as const;
const MULTI = { 8: { gsm7: 153, ucs2: 67 }, 16: { gsm7: 152, ucs2: 66 } } as const;

describe('sms-text properties', () => {
  it(`agrees with sms-segments-calculator on encoding, units and parts (${RUNS} texts)`, async () => {
    let excluded = 0;
    await assertInBatches(
      fc.property(textArb, (text) => {
        const ours = analyseText(text);
        const oracle = new SegmentedMessage(text);
        const encoding = oracle.encodingName === 'GSM-7' ? 'gsm7' : 'ucs2';
        const sameClusters = encoding === 'gsm7' || clustersOf(text).join('\u0000') === oracle.graphemes.join('\u0000');
        if (!sameClusters) {
          // The one known difference (see the ❤️‍🔥 unit test): the oracle breaks inside
          // the EMOJI_NEWER clusters, so it may need fewer parts, never more. Any other
          // disagreement on clusters still fails here.
          excluded++;
          expect({
            encoding: ours.encoding,
            explained: EMOJI_NEWER.some((emoji) => text.includes(emoji)),
            atLeastOracle: ours.parts >= oracle.segmentsCount,
          }).toEqual({ encoding, explained: true, atLeastOracle: true });
          return;
        }
        expect({ encoding: ours.encoding, units: ours.units, parts: ours.parts, nonGsm: ours.nonGsmCharacters }).toEqual({
          encoding,
          units: oracle.messageSize / (encoding === 'gsm7' ? 7 : 16),
          parts: oracle.segmentsCount,
          nonGsm: [...new Set(oracle.getNonGsmCharacters())],
        });
      }),
    );
    // Only the texts with a newer emoji (about 1 in 12) may be excluded.
    expect(excluded).toBeLessThan(RUNS * 0.12);
  }, TIMEOUT);

  it(`splits into parts that decode back, fit, and cut nothing in two (${RUNS} texts)`, async () => {
    await assertInBatches(
      fc.property(textArb, fc.constantFrom(8 as const, 16 as const), fc.nat(0xffff), (text, referenceBits, n) => {
        if (text.trim() === '') {
          expect(() => splitText(text)).toThrow();
          return;
        }
        const reference = referenceBits === 8 ? n & 0xff : n;
        // One expect per run: vitest's expect is slow enough to matter 10,000 times over.
        expect(splitProblems(text, reference, referenceBits)).toEqual([]);
      }),
    );
  }, TIMEOUT);
});

/** Every way the split of `text` breaks properties (2), (3) and (4); empty when it is right. */
function splitProblems(text: string, reference: number, referenceBits: 8 | 16): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  const { encoding, dataCoding, parts } = splitText(text, { reference, referenceBits });
  const gsm = encoding === 'gsm7';
  check(dataCoding === (gsm ? 0x00 : 0x08), `data_coding ${dataCoding} for ${encoding}`);
  check(parts.length === analyseText(text, { referenceBits }).parts, 'splitText and analyseText disagree on parts');

  // (2) each payload decodes to its part's text, and the parts join to the original.
  const decoded = parts.map((p) => (gsm ? decodeGsm7(p.payload) : decodeUcs2(p.payload)));
  decoded.forEach((d, i) => check(d === parts[i]!.text, `part ${i + 1} decodes to ${JSON.stringify(d)}, not its text`));
  check(decoded.join('') === text, 'decoded parts do not join to the text');

  // (3) units within the limit and UDH + payload within 140 octets.
  const multi = parts.length > 1;
  const limit = multi ? MULTI[referenceBits][encoding] : SINGLE[encoding];
  const udhLength = multi ? (referenceBits === 8 ? 6 : 7) : 0;
  const units = parts.map((p) => (gsm ? p.payload.length : p.payload.length / 2));
  parts.forEach((p, i) => {
    check(units[i]! <= limit, `part ${i + 1} has ${units[i]} units, limit ${limit}`);
    check(!multi || units[i]! > 0, `part ${i + 1} is empty`);
    check((p.udh?.length ?? 0) === udhLength, `part ${i + 1} UDH is ${p.udh?.length ?? 0} octets`);
    check(udhLength * 8 + units[i]! * (gsm ? 7 : 16) <= 1120, `part ${i + 1} exceeds 140 octets`);
  });
  // Not wasteful either: a part ends early only because what comes next would not fit.
  for (let i = 0; i + 1 < parts.length; i++) {
    const next = parts[i + 1]!.text;
    const nextCost = gsm ? (GSM_EXTENSION.includes(next[0]!) ? 2 : 1) : clustersOf(next)[0]!.length;
    check(nextCost > limit || units[i]! + nextCost > limit, `part ${i + 1} (${units[i]} units) had room for ${nextCost} more`);
  }

  // (4) no part starts with a low surrogate, ends with a high one, or ends on a bare escape.
  parts.forEach((p, i) => {
    const first = p.text.charCodeAt(0);
    const last = p.text.charCodeAt(p.text.length - 1);
    check(!(first >= 0xdc00 && first <= 0xdfff), `part ${i + 1} starts with a low surrogate`);
    check(!(last >= 0xd800 && last <= 0xdbff), `part ${i + 1} ends with a high surrogate`);
    check(!gsm || p.payload[p.payload.length - 1] !== 0x1b, `part ${i + 1} ends with a bare escape`);
  });

  // And over the wire: UDH + payload, parsed and rejoined in reverse order.
  if (multi) {
    const received = parts.map((p) => parseUdh(Buffer.concat([p.udh!, p.payload])));
    received.forEach((r, i) => {
      const ok = r && r.reference === reference && r.referenceBits === referenceBits && r.total === parts.length && r.sequence === i + 1;
      check(Boolean(ok), `part ${i + 1} UDH parses as ${JSON.stringify(r && { ...r, body: undefined })}`);
    });
    if (received.every((r) => r)) check(joinParts(received.reverse() as NonNullable<(typeof received)[number]>[], dataCoding) === text, 'joinParts does not give the text back');
  }
  return problems;
}
