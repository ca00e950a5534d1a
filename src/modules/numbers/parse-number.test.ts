import { describe, expect, it } from 'vitest';
import { parseNumber, type NumberProblem } from './index.js';

const ok = (input: string, rules = {}) => {
  const r = parseNumber(input, rules);
  if (!r.ok) throw new Error(`${input}: ${r.reason}`);
  return r.number;
};
const problem = (input: string, rules = {}): NumberProblem | null => {
  const r = parseNumber(input, rules);
  return r.ok ? null : r.problem;
};

describe('parseNumber', () => {
  it('stores E.164 from international and national input', () => {
    expect(ok('+32 475 12 34 56').e164).toBe('+32475123456');
    expect(ok('0032475123456').e164).toBe('+32475123456');
    expect(ok('07911 123456', { defaultCountry: 'GB' }).e164).toBe('+447911123456');
    expect(ok('0475/12.34.56', { defaultCountry: 'BE' })).toMatchObject({ e164: '+32475123456', country: 'BE', type: 'MOBILE' });
  });

  it('keeps the zero that belongs to the number', () => {
    expect(ok('+39 06 1234 5678').e164).toBe('+390612345678');
  });

  it('refuses a zero before the country code, and national input without a country', () => {
    expect(problem('+032475123456')).toBe('zero_before_country_code');
    expect(problem('000032475123456')).toBe('zero_before_country_code');
    expect(problem('0475123456')).toBe('unknown_country_code');
    expect(problem('+999 123 456')).toBe('unknown_country_code');
  });

  it('says what is wrong with nonsense, short and long input', () => {
    expect(problem('hello')).toBe('not_a_number');
    expect(problem('')).toBe('not_a_number');
    expect(problem('+32 4')).toBe('too_short');
    expect(problem('+32 475 12 34 56 78 90 12 34 56 78 90 12 34 56 78 90 12')).toBe('too_long');
    expect(problem('+32 2 123 45 6')).toBe('invalid');
  });

  it('refuses landlines for SMS but accepts numbers that may be either', () => {
    expect(problem('+32 2 279 22 11', { requireMobile: true })).toBe('not_mobile');
    expect(ok('+33 1 42 68 53 00').type).toBe('FIXED_LINE');
    expect(ok('+1 415 555 2671', { requireMobile: true }).type).toBe('FIXED_LINE_OR_MOBILE');
  });

  it('refuses premium-rate and shared-cost numbers outright', () => {
    expect(problem('+31 900 123456')).toBe('premium_rate');
    expect(problem('+1 900 555 0123')).toBe('premium_rate');
    expect(problem('+44 871 123 4567')).toBe('premium_rate');
  });

  it('keeps to the allowed destination countries', () => {
    expect(problem('+44 7911 123456', { allowedCountries: ['BE', 'NL'] })).toBe('country_not_allowed');
    expect(ok('+31 6 12345678', { allowedCountries: ['BE', 'NL'] }).country).toBe('NL');
  });
});
