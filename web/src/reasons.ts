// The API's codes for refused numbers and failed messages, turned into keys the
// locales translate; a code the UI does not know yet falls back to the server's
// own (English) text, so nothing is ever hidden.

/** parse-number.ts's problems: the preview's `problem_code`, and a send's `rejected[].code`. */
export const NUMBER_PROBLEMS = new Set(['not_a_number', 'zero_before_country_code', 'unknown_country_code', 'too_short', 'too_long', 'invalid', 'not_mobile', 'premium_rate', 'country_not_allowed']);

/** Why a contact or an import row is refused (src/modules/contacts/types.ts CONTACT_PROBLEM_CODES), besides the number problems. */
export const CONTACT_PROBLEMS = ['name_missing', 'too_long', 'too_many', 'not_an_email', 'bad_phone_type', 'unreadable'] as const;

/** What else a send refuses a recipient for (contacts.resolveRecipients, prepare-send.ts). */
export const REJECTIONS = new Set([
  'duplicate', 'recipient_suppressed', 'recipient_opted_out', 'no_pool_number', 'pool_number_taken', 'contact_has_no_mobile', 'contact_has_no_number',
  'contact_not_found', 'list_not_found', 'not_a_phone_number',
]);

/** Why a password is refused (src/modules/accounts/passwords.ts, with the code weak_password). */
export const PASSWORD_PROBLEMS = ['too_short', 'too_long', 'control_characters', 'blank', 'common', 'repetitive'] as const;

/** Why a sender name is refused (src/modules/senders/parse-sender.ts), on registration or as a message's `sender`. */
export const SENDER_PROBLEMS = new Set(['sender_too_long', 'sender_invalid_characters']);

/** Why a message text is refused (src/modules/sms-text/analyse-text.ts); too_many_parts comes with `parts` and `max`. */
export const TEXT_PROBLEMS = new Set(['too_many_parts', 'empty', 'nul_character', 'lone_surrogate']);

/**
 * The other reasons a form can meet (src/http/schemas.ts lists them all), each `reasons.<code>`:
 * code_wrong comes with `attempts_left`.
 */
export const FORM_REASONS = [
  'send_at_past', 'send_at_too_far', 'code_wrong', 'code_wrong_last', 'code_expired', 'code_attempts_used',
  'shared_list_personal_contact', 'shared_list_personal_list', 'url_not_valid', 'url_scheme', 'url_credentials', 'url_internal',
  'url_unresolvable', 'url_too_long', 'sender_not_allowed', 'no_pool_numbers', 'unknown_time_zone', 'unknown_country', 'in_past',
  'email_taken', 'name_taken', 'mobile_taken', 'already_verified', 'invalid_text',
] as const;

// Fields that hold a phone number: there `too_long` is the number's, elsewhere a name's or a note's.
const NUMBER_FIELD = /(^|\.)(number|mobile|sender)$|^to(\[\d+\])?$/;

/**
 * The translation key of an API error's reason, or null when the UI does not
 * know it. Reasons share names across kinds (a password's and a number's
 * `too_short`, a number's and a name's `too_long`): the code and field say which.
 */
export function reasonKey(code: string, reason: string | null | undefined, field: string | null | undefined): string | null {
  if (!reason) return null;
  if (code === 'weak_password') return (PASSWORD_PROBLEMS as readonly string[]).includes(reason) ? `passwordProblems.${reason}` : null;
  if (field === 'text' && TEXT_PROBLEMS.has(reason)) return `textProblems.${reason}`;
  const numberProblem = NUMBER_PROBLEMS.has(reason) && NUMBER_FIELD.test(field ?? '');
  if (!numberProblem && (CONTACT_PROBLEMS as readonly string[]).includes(reason)) return `contactProblems.${reason}`;
  if ((FORM_REASONS as readonly string[]).includes(reason)) return `reasons.${reason}`;
  return refusalKey(reason);
}

/** The translation key of a refused recipient's (or sender's) code, or null when the UI does not know it. */
export function refusalKey(code: string | null | undefined): string | null {
  if (!code) return null;
  if (SENDER_PROBLEMS.has(code)) return `senderProblems.${code}`;
  if (NUMBER_PROBLEMS.has(code)) return `numberProblems.${code}`;
  if (REJECTIONS.has(code)) return `rejections.${code}`;
  return null;
}

/** A refused recipient in the user's language, or the server's text for a code we do not know. */
export function refusalText(t: (key: string) => string, code: string | null | undefined, serverText: string): string {
  const key = refusalKey(code);
  return key ? t(key) : serverText;
}

export const KNOWN_FAILURES = ['validity', 'no_route', 'no_receipt', 'lease_expired', 'unencodable', 'generic_nack', 'stopped', 'queue-timeout'];

/** A message's error code in plain words: our own codes, or the SMS centre's. */
export function failureKey(code: string | null): { key: string; code: string } | null {
  if (!code) return null;
  if (KNOWN_FAILURES.includes(code)) return { key: `failures.${code.replace('-', '_')}`, code };
  return { key: 'failures.network', code };
}

export const FINAL_STATUSES = new Set(['delivered', 'undelivered', 'failed', 'expired', 'unknown', 'cancelled']);
export const STATUSES = ['scheduled', 'queued', 'submitted', 'delivered', 'undelivered', 'failed', 'expired', 'unknown', 'cancelled'] as const;

/**
 * An import row's problem in the user's language. A number's problems use the
 * number codes (`too_long` there is the number's); the rest the contact codes.
 */
export function importProblemText(t: (key: string) => string, error: { code?: string | null; field: string | null; reason: string }): string {
  const code = error.code;
  if (!code) return error.reason;
  const isNumber = /^phones\[\d+\]\.number$/.test(error.field ?? '');
  if (NUMBER_PROBLEMS.has(code) && (isNumber || !(CONTACT_PROBLEMS as readonly string[]).includes(code))) return t(`numberProblems.${code}`);
  if ((CONTACT_PROBLEMS as readonly string[]).includes(code)) return t(`contactProblems.${code}`);
  return error.reason;
}

/** A line of a message's status history (read-messages.ts, cancel-message.ts, close-silent-parts.ts) in words; the server's text when unknown. */
export function historyDetail(t: (key: string, options?: Record<string, unknown>) => string, detail: string): string {
  if (detail === 'accepted') return t('sent.historyDetails.accepted');
  if (detail === 'cancelled by the sender') return t('sent.historyDetails.cancelled');
  if (detail === 'no receipt within the validity period') return t('failures.no_receipt');
  const replied = /^the recipient replied (\S+)$/.exec(detail);
  if (replied) return t('sent.historyDetails.replied', { word: replied[1] });
  const code = /^code (\S+)$/.exec(detail);
  const failure = code ? failureKey(code[1]!) : null;
  return failure ? t(failure.key, { code: failure.code }) : detail;
}
