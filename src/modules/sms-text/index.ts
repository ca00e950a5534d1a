export { analyseText, validateText, type TextAnalysis, type AnalyseOptions, type TextProblem, type TextProblemCode, type ValidateOptions } from './analyse-text.js';
export { splitText, type SplitOptions, type SplitText, type SmsPart } from './split-text.js';
export { encodeGsm7, decodeGsm7, isGsm7 } from './gsm7.js';
export { encodeUcs2, decodeUcs2 } from './ucs2.js';
export { parseUdh, type ConcatenationHeader } from './udh.js';
export { joinParts, decodeText } from './join-parts.js';
export { MAX_PARTS, SINGLE_PART_UNITS, MULTIPART_UNITS, type SmsEncoding, type ReferenceBits } from './limits.js';
