// Reasons the API gives in English, turned into keys the locales translate.

/** parse-number.ts's reasons, as the preview writes them after the number. */
const NUMBER_REASONS: Record<string, string> = {
  'is not a phone number': 'not_a_number',
  'has a zero before the country code': 'zero_before_country_code',
  'is not in international format': 'unknown_country_code',
  'is too short': 'too_short',
  'is too long': 'too_long',
  'is not a valid number': 'invalid',
  'is not a mobile number': 'not_mobile',
  'is a premium-rate or shared-cost number': 'premium_rate',
  'is in a country this account may not send to': 'country_not_allowed',
};

/** The translation key of a refused number's reason, or null when it is one we do not know. */
export function numberProblemKey(problem: string): string | null {
  for (const [text, key] of Object.entries(NUMBER_REASONS)) if (problem.includes(text)) return `numberProblems.${key}`;
  return null;
}

const KNOWN_FAILURES = ['validity', 'no_route', 'no_receipt', 'lease_expired', 'unencodable', 'generic_nack', 'stopped', 'queue-timeout'];

/** A message's error code in plain words: our own codes, or the SMS centre's. */
export function failureKey(code: string | null): { key: string; code: string } | null {
  if (!code) return null;
  if (KNOWN_FAILURES.includes(code)) return { key: `failures.${code.replace('-', '_')}`, code };
  return { key: 'failures.network', code };
}

export const FINAL_STATUSES = new Set(['delivered', 'undelivered', 'failed', 'expired', 'unknown', 'cancelled']);
export const STATUSES = ['scheduled', 'queued', 'submitted', 'delivered', 'undelivered', 'failed', 'expired', 'unknown', 'cancelled'] as const;
