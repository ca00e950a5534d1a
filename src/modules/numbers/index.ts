export { countryCallingCode, parseNumber, type NumberProblem, type NumberResult, type NumberRules, type ParsedNumber } from './parse-number.js';
