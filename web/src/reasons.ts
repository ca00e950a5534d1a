// The API's codes for refused numbers and failed messages, turned into keys the
// locales translate; a code the UI does not know yet falls back to the server's
// own (English) text, so nothing is ever hidden.

/** parse-number.ts's problems: the preview's `problem_code`, and a send's `rejected[].code`. */
const NUMBER_PROBLEMS = new Set(['not_a_number', 'zero_before_country_code', 'unknown_country_code', 'too_short', 'too_long', 'invalid', 'not_mobile', 'premium_rate', 'country_not_allowed']);

/** What else a send refuses a recipient for (contacts.resolveRecipients, prepare-send.ts). */
const REJECTIONS = new Set([
  'duplicate', 'recipient_suppressed', 'recipient_opted_out', 'no_pool_number', 'contact_has_no_mobile', 'contact_has_no_number',
  'contact_not_found', 'list_not_found', 'not_a_phone_number',
]);

/** The translation key of a refused recipient's code, or null when the UI does not know it. */
export function refusalKey(code: string | null | undefined): string | null {
  if (!code) return null;
  if (NUMBER_PROBLEMS.has(code)) return `numberProblems.${code}`;
  if (REJECTIONS.has(code)) return `rejections.${code}`;
  return null;
}

/** A refused recipient in the user's language, or the server's text for a code we do not know. */
export function refusalText(t: (key: string) => string, code: string | null | undefined, serverText: string): string {
  const key = refusalKey(code);
  return key ? t(key) : serverText;
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
