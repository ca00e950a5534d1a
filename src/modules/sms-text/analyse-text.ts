import { MAX_PARTS, type ReferenceBits, type SmsEncoding } from './limits.js';
import { planParts } from './plan-parts.js';
import { LONE_SURROGATE } from './ucs2.js';

export interface TextAnalysis {
  encoding: SmsEncoding;
  /** Parts the text is sent as; an empty text still counts as one part. */
  parts: number;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  units: number;
  /** Capacity of each part in the same units: 160/70 for a single part, 153/67 or 152/66 when concatenated. */
  unitsPerPart: number;
  /** Distinct user-perceived characters (grapheme clusters) that force UCS-2, in order of first appearance. */
  nonGsmCharacters: string[];
}

export interface AnalyseOptions {
  /** Size of the concatenation reference, which decides per-part capacity; default 8. */
  referenceBits?: ReferenceBits;
}

/** Counts encoding, units and parts for a message text, exactly as `splitText` would send it. */
export function analyseText(text: string, options: AnalyseOptions = {}): TextAnalysis {
  const plan = planParts(text, options.referenceBits ?? 8);
  return {
    encoding: plan.encoding,
    parts: plan.spans.length,
    units: plan.units,
    unitsPerPart: plan.unitsPerPart,
    nonGsmCharacters: plan.nonGsmCharacters,
  };
}

export type TextProblemCode = 'empty' | 'nul_character' | 'lone_surrogate' | 'too_many_parts';

export interface TextProblem {
  code: TextProblemCode;
  /** A sentence fit for an HTTP 400 `message` on the text field. */
  reason: string;
  /** UTF-16 index of the offending character, when there is one. */
  position?: number;
  /** What the reason's sentence says in numbers (`parts`, `max`), for a client to say in its own words. */
  params?: Record<string, number>;
}

export interface ValidateOptions extends AnalyseOptions {
  /** Refuse texts needing more parts than this; default and ceiling 255 (the UDH counts in one octet). */
  maxParts?: number;
}

/**
 * Returns why a message text cannot be sent, or null when `splitText` will
 * accept it. Callers map a problem to `invalid('text', problem.reason)`.
 */
export function validateText(text: string, options: ValidateOptions = {}): TextProblem | null {
  const problem = characterProblem(text);
  if (problem) return problem;
  const maxParts = Math.min(options.maxParts ?? MAX_PARTS, MAX_PARTS);
  const parts = planParts(text, options.referenceBits ?? 8).spans.length;
  if (parts > maxParts) {
    return { code: 'too_many_parts', reason: `Text needs ${parts} SMS parts; the limit is ${maxParts}`, params: { parts, max: maxParts } };
  }
  return null;
}

/** The checks that do not depend on segmenting, shared with splitText. */
export function characterProblem(text: string): TextProblem | null {
  if (text.trim() === '') return { code: 'empty', reason: 'Text is empty' };
  // NUL terminates C strings in SMSC software and is not in GSM-7 either.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    return { code: 'nul_character', reason: `Text contains a NUL character (U+0000) at position ${nul}`, position: nul };
  }
  const lone = text.search(LONE_SURROGATE);
  if (lone >= 0) {
    return {
      code: 'lone_surrogate',
      reason: `Text contains an unpaired UTF-16 surrogate at position ${lone} (broken emoji or truncated text)`,
      position: lone,
    };
  }
  return null;
}
