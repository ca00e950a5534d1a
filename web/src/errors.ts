// Errors in the user's language. The server's words are English and meant for
// developers; the UI says what went wrong from the stable codes instead: the
// error's `code`, its `reason` (a refused number…), and the field at fault
// named by its label on the form, never by its API path.
import { ApiError, NETWORK_ERROR } from './api';
import { PASSWORD_PROBLEMS, refusalKey } from './reasons';

type T = (key: string, options?: Record<string, unknown>) => string;

/** Every `error.code` the server answers with (src/platform/errors.ts, src/http/errors.ts, src/http/auth.ts); each has `errors.<code>`. */
export const SERVER_ERROR_CODES = [
  'invalid_request', 'not_found', 'unauthenticated', 'forbidden', 'conflict', 'rate_limited', 'setup_already_done', 'invalid_credentials', 'invalid_token',
  'weak_password', 'insufficient_credit', 'spending_limit_reached', 'idempotency_in_flight', 'idempotency_mismatch', 'unavailable', 'internal',
  'payload_too_large', 'unsupported_media_type', 'malformed_json', 'csrf_failed',
] as const;
const KNOWN = new Set<string>(SERVER_ERROR_CODES);

/**
 * A form's fields by their API path, with the array indexes left out
 * (`phones[].number`); a function gets the indexes (`[0]` for `phones[0].number`).
 */
export type FieldLabels = Record<string, string | ((indexes: number[]) => string)>;

/** The label of the field an error names, or null when that field is not on the form. */
export function fieldLabel(field: string | null | undefined, labels: FieldLabels | undefined): string | null {
  if (!field || !labels) return null;
  const label = labels[field] ?? labels[field.replace(/\[\d+\]/g, '[]')];
  if (label === undefined) return null;
  return typeof label === 'function' ? label([...field.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))) : label;
}

export function describeError(error: unknown, t: T, labels?: FieldLabels): string {
  if ((error as Error | null)?.name === 'TimeoutError') return t('errors.timeout');
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.code === NETWORK_ERROR) return t('errors.network');
  // A password's reasons share names with a number's (too_short): the code says which.
  const reasonKey = error.code === 'weak_password'
    ? (PASSWORD_PROBLEMS as readonly string[]).includes(error.reason ?? '') ? `passwordProblems.${error.reason}` : null
    : refusalKey(error.reason);
  let message: string;
  if (reasonKey) message = t(reasonKey);
  else if (error.code === 'invalid_request' && error.field && / is required$/.test(error.message)) message = t('errors.required');
  else if (KNOWN.has(error.code)) message = t(`errors.${error.code}`);
  else if (/^http_\d+$/.test(error.code)) message = t('errors.http', { status: error.status });
  else message = error.message;
  const label = fieldLabel(error.field, labels);
  return label ? t('errors.withField', { field: label, message }) : message;
}
