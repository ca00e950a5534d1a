/**
 * The one error type of Herald's domain. Modules throw it with a stable `code`;
 * `http/error-handler.ts` maps codes to HTTP statuses, so domain code never
 * knows about HTTP.
 */
export type ErrorCode =
  | 'invalid_request'
  | 'not_found'
  | 'unauthenticated'
  | 'forbidden'
  | 'conflict'
  | 'rate_limited'
  | 'setup_already_done'
  | 'invalid_credentials'
  | 'invalid_token'
  | 'weak_password'
  | 'insufficient_credit'
  | 'spending_limit_reached'
  | 'idempotency_in_flight'
  | 'idempotency_mismatch'
  | 'unavailable'
  | 'internal';

export interface AppErrorOptions {
  /** Which input field is at fault, as a JSON pointer-ish path (`email`, `to[3]`). */
  field?: string;
  /** Safe to show to the user; defaults to the message. */
  publicMessage?: string;
  context?: Record<string, unknown>;
  cause?: unknown;
  /** For rate limits: when the caller may try again. */
  retryAfterSeconds?: number;
  /** Why, as a stable code a client can translate (`not_mobile`, `recipient_opted_out`…). */
  reason?: string;
  /** Values the reason's sentence needs (`attempts_left`, `parts`…), so a client can say it in its own words. */
  params?: Record<string, string | number>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly publicMessage: string;
  readonly context: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly reason: string | undefined;
  readonly params: Record<string, string | number> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.publicMessage = options.publicMessage ?? message;
    this.context = options.context;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.reason = options.reason;
    this.params = options.params;
  }
}

export const invalid = (field: string, message: string, reason?: string, params?: Record<string, string | number>): AppError =>
  new AppError('invalid_request', message, { field, ...(reason !== undefined && { reason }), ...(params !== undefined && { params }) });

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
