import { getCountryCallingCode, parsePhoneNumberWithError, ParseError, type CountryCode, type NumberType } from 'libphonenumber-js/max';

/** Why a number cannot be used, in words a person can act on. */
export type NumberProblem =
  | 'not_a_number'
  | 'zero_before_country_code'
  | 'unknown_country_code'
  | 'too_short'
  | 'too_long'
  | 'invalid'
  | 'not_mobile'
  | 'premium_rate'
  | 'country_not_allowed';

const REASONS: Record<NumberProblem, string> = {
  not_a_number: 'is not a phone number',
  zero_before_country_code: 'has a zero before the country code (write +32…, not +032…)',
  unknown_country_code: 'is not in international format (start with + and the country code) or has an unknown country code',
  too_short: 'is too short',
  too_long: 'is too long',
  invalid: 'is not a valid number',
  not_mobile: 'is not a mobile number',
  premium_rate: 'is a premium-rate or shared-cost number',
  country_not_allowed: 'is in a country this account may not send to',
};

export interface ParsedNumber {
  /** E.164, the only form Herald stores: +32475123456. */
  e164: string;
  country: CountryCode | undefined;
  type: NumberType;
}

export type NumberResult = { ok: true; number: ParsedNumber } | { ok: false; problem: NumberProblem; reason: string };

export interface NumberRules {
  /** Country for national input (0475 12 34 56 in BE). */
  defaultCountry?: string;
  /** Refuse fixed lines: SMS cannot reach them. */
  requireMobile?: boolean;
  /** When set, only these ISO countries. */
  allowedCountries?: readonly string[] | null;
}

const fail = (problem: NumberProblem): NumberResult => ({ ok: false, problem, reason: REASONS[problem] });
const MAX_INPUT = 40;

/**
 * Parses what a person typed into E.164 with full metadata (the `max` set,
 * without which number types are unknown). Zeros are never stripped by hand:
 * Italian fixed numbers keep theirs.
 */
export function parseNumber(input: string, rules: NumberRules = {}): NumberResult {
  const text = input.trim();
  if (text.length === 0 || text.length > MAX_INPUT || !/^[+\d\s().\-/]+$/.test(text)) return fail(text.length > MAX_INPUT ? 'too_long' : 'not_a_number');
  if (/^(\+|00)\s*0/.test(text)) return fail('zero_before_country_code');
  let parsed;
  try {
    const international = text.startsWith('+') ? text : text.startsWith('00') ? `+${text.slice(2)}` : null;
    parsed = international
      ? parsePhoneNumberWithError(international)
      : parsePhoneNumberWithError(text, rules.defaultCountry as CountryCode | undefined);
  } catch (error) {
    if (error instanceof ParseError) {
      if (error.message === 'TOO_SHORT') return fail('too_short');
      if (error.message === 'TOO_LONG') return fail('too_long');
      if (error.message === 'INVALID_COUNTRY') return fail('unknown_country_code');
    }
    return fail('not_a_number');
  }
  if (!parsed.isValid()) return fail(parsed.isPossible() ? 'invalid' : parsed.nationalNumber.length < 6 ? 'too_short' : 'invalid');
  const type = parsed.getType() ?? 'UNKNOWN' as NumberType;
  if (type === 'PREMIUM_RATE' || type === 'SHARED_COST') return fail('premium_rate');
  if (rules.requireMobile && !['MOBILE', 'FIXED_LINE_OR_MOBILE'].includes(type as string)) return fail('not_mobile');
  if (rules.allowedCountries && (!parsed.country || !rules.allowedCountries.includes(parsed.country))) return fail('country_not_allowed');
  return { ok: true, number: { e164: parsed.number, country: parsed.country, type } };
}

/** The calling code of an ISO country (BE → 32), or null for a code libphonenumber does not know. */
export function countryCallingCode(country: string): string | null {
  try {
    return getCountryCallingCode(country as CountryCode);
  } catch {
    return null;
  }
}
