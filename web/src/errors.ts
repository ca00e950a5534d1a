// Errors in the user's language. The server's words are English and meant for
// developers; the UI says what went wrong from the stable codes instead: the
// error's `code`, its `reason` (a refused number…), and the field at fault
// named by its label on the form, never by its API path. A reason the UI does
// not know yet keeps the server's own words, which say more than "not valid".
import { ApiError, NETWORK_ERROR } from './api';
import { reasonKey } from './reasons';

type T = (key: string, options?: Record<string, unknown>) => string;

/** Every `error.code` the server answers with (src/platform/errors.ts, src/http/errors.ts, src/http/auth.ts); each has `errors.<code>`. */
export const SERVER_ERROR_CODES = [
  'invalid_request', 'not_found', 'unauthenticated', 'forbidden', 'conflict', 'rate_limited', 'setup_already_done', 'invalid_credentials', 'invalid_token',
  'weak_password', 'insufficient_credit', 'spending_limit_reached', 'idempotency_in_flight', 'idempotency_mismatch', 'unavailable', 'internal',
  'payload_too_large', 'unsupported_media_type', 'malformed_json', 'csrf_failed',
] as const;
const KNOWN = new Set<string>(SERVER_ERROR_CODES);
/** Codes whose translation is only a category: the server's sentence for them says what exactly. */
const VAGUE = new Set(['invalid_request', 'conflict']);

/**
 * A form's fields by their API path, with the array indexes left out
 * (`phones[].number`); a function gets the indexes (`[0]` for `phones[0].number`).
 */
export type FieldLabels = Record<string, string | ((indexes: number[]) => string)>;

/** `phones[2].number` as `phones[].number`: the path of the field whatever its index. */
export const fieldPattern = (field: string): string => field.replace(/\[\d+\]/g, '[]');

/** The label of the field an error names, or null when that field is not on the form. */
export function fieldLabel(field: string | null | undefined, labels: FieldLabels | undefined): string | null {
  if (!field || !labels) return null;
  const label = labels[field] ?? labels[fieldPattern(field)];
  if (label === undefined) return null;
  return typeof label === 'function' ? label([...field.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))) : label;
}

/** The server's sentence without the API path it starts with (`send_at must be…`). */
function serverWords(error: ApiError): string {
  const path = error.field ? `${error.field} ` : null;
  return path && error.message.startsWith(path) ? error.message.slice(path.length) : error.message;
}

/** Why a request failed, in words, without naming the field (for a note beside that field). */
export function describeReason(error: unknown, t: T): string {
  if ((error as Error | null)?.name === 'TimeoutError') return t('errors.timeout');
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.code === NETWORK_ERROR) return t('errors.network');
  const key = reasonKey(error.code, error.reason, error.field);
  // attempts_left picks the plural (count) and is said as {{n}}, like every counted number.
  if (key) return t(key, { ...error.params, count: error.params?.attempts_left, n: error.params?.attempts_left });
  if (error.code === 'invalid_request' && error.field && / is required$/.test(error.message)) return t('errors.required');
  if (VAGUE.has(error.code) && error.message.trim()) return serverWords(error);
  if (KNOWN.has(error.code)) return t(`errors.${error.code}`);
  if (/^http_\d+$/.test(error.code)) return t('errors.http', { status: error.status });
  return error.message;
}

export function describeError(error: unknown, t: T, labels?: FieldLabels): string {
  const message = describeReason(error, t);
  const label = error instanceof ApiError ? fieldLabel(error.field, labels) : null;
  return label ? t('errors.withField', { field: label, message }) : message;
}

/** A sentence as it stands alone under a field: reasons are written to follow "Field: ". */
const sentence = (text: string): string => text.charAt(0).toLocaleUpperCase() + text.slice(1);

/**
 * An error split over a form: `at(field)` is the reason to show beside that field
 * (by its API path, or its pattern `phones[].number`) when the error names it;
 * `rest` is the error when it names none of `onForm`, for a note above the form.
 */
export function splitError(error: unknown, t: T, onForm: readonly string[]): { at: (field: string) => string | null; rest: unknown } {
  const named = error instanceof ApiError && error.field ? error.field : null;
  const matches = (field: string) => named !== null && (named === field || fieldPattern(named) === field);
  const shown = onForm.some(matches);
  return { at: (field) => (shown && matches(field) ? sentence(describeReason(error, t)) : null), rest: shown ? null : error };
}
