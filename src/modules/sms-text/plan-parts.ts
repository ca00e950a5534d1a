import { gsm7Cost } from './gsm7.js';
import { MULTIPART_UNITS, SINGLE_PART_UNITS, type ReferenceBits, type SmsEncoding } from './limits.js';

/** A slice of the text destined for one part: `text.slice(start, end)`, costing `units`. */
export interface PartSpan {
  start: number;
  end: number;
  units: number;
}

export interface PartPlan {
  encoding: SmsEncoding;
  units: number;
  unitsPerPart: number;
  nonGsmCharacters: string[];
  spans: PartSpan[];
}

/** An indivisible run of the text: one GSM character, or one grapheme cluster in UCS-2. */
interface Atom {
  start: number;
  units: number;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Decides encoding and part boundaries; analyseText and splitText share it so
 * the count shown before sending is the count sent.
 *
 * UCS-2 parts break between grapheme clusters, not merely between surrogate
 * pairs: a flag or a ZWJ family cut in two renders as stray symbols on handsets
 * that show parts as they arrive, and it is how Twilio's calculator (our test
 * oracle) counts. Two exceptions: CR LF may be split, as it is in GSM-7 and by
 * the oracle, and a cluster longer than a whole part is cut between code
 * points, which still never splits a surrogate pair.
 */
export function planParts(text: string, referenceBits: ReferenceBits = 8): PartPlan {
  const gsm = gsmAtoms(text);
  const encoding: SmsEncoding = gsm ? 'gsm7' : 'ucs2';
  const nonGsmCharacters: string[] = [];
  const perPart = MULTIPART_UNITS[referenceBits][encoding];
  const atoms = gsm ?? ucs2Atoms(text, perPart, nonGsmCharacters);
  let units = 0;
  for (const atom of atoms) units += atom.units;

  if (units <= SINGLE_PART_UNITS[encoding]) {
    return {
      encoding,
      units,
      unitsPerPart: SINGLE_PART_UNITS[encoding],
      nonGsmCharacters,
      spans: [{ start: 0, end: text.length, units }],
    };
  }

  const spans: PartSpan[] = [];
  let start = 0;
  let used = 0;
  for (const atom of atoms) {
    if (used + atom.units > perPart) {
      spans.push({ start, end: atom.start, units: used });
      start = atom.start;
      used = 0;
    }
    used += atom.units;
  }
  spans.push({ start, end: text.length, units: used });
  return { encoding, units, unitsPerPart: perPart, nonGsmCharacters, spans };
}

/** One atom per character with its septet cost, or null as soon as a character needs UCS-2. */
function gsmAtoms(text: string): Atom[] | null {
  const atoms: Atom[] = [];
  for (let i = 0; i < text.length; i++) {
    const units = gsm7Cost(text[i]!);
    if (units === 0) return null;
    atoms.push({ start: i, units });
  }
  return atoms;
}

function ucs2Atoms(text: string, perPart: number, nonGsm: string[]): Atom[] {
  const atoms: Atom[] = [];
  const seen = new Set<string>();
  for (const { segment, index } of graphemes.segment(text)) {
    if (!seen.has(segment) && !isGsmCluster(segment)) {
      seen.add(segment);
      nonGsm.push(segment);
    }
    if (segment === '\r\n') {
      atoms.push({ start: index, units: 1 }, { start: index + 1, units: 1 });
    } else if (segment.length <= perPart) {
      atoms.push({ start: index, units: segment.length });
    } else {
      let offset = index;
      for (const codePoint of segment) {
        atoms.push({ start: offset, units: codePoint.length });
        offset += codePoint.length;
      }
    }
  }
  return atoms;
}

function isGsmCluster(cluster: string): boolean {
  for (let i = 0; i < cluster.length; i++) {
    if (gsm7Cost(cluster[i]!) === 0) return false;
  }
  return true;
}
