import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, type ErrorCode } from '../platform/errors.js';

/** The one place that turns domain error codes into HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  weak_password: 400,
  invalid_token: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  setup_already_done: 409,
  idempotency_in_flight: 409,
  idempotency_mismatch: 422,
  insufficient_credit: 402,
  spending_limit_reached: 402,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string; reason?: string; params?: Record<string, string | number>; requestId: string };
}

function body(request: FastifyRequest, code: string, message: string, field?: string, reason?: string, params?: Record<string, string | number>): ErrorBody {
  return {
    error: { code, message, ...(field !== undefined && { field }), ...(reason !== undefined && { reason }), ...(params !== undefined && { params }), requestId: String(request.id) },
  };
}

// Errors of the driver that mean the database is out of reach, not a bug; a
// timed-out connect or statement (57014) means it is hung or overloaded.
const DB_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57014', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
function isDatabaseDown(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (e.code !== undefined && DB_DOWN.has(e.code)) || /Connection terminated|timeout exceeded when trying to connect|timeout expired|Query read timeout|not queryable/i.test(e.message ?? '');
}

function pointerToField(path: string): string {
  return path
    .replace(/^\//, '')
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** Names the field an Ajv error is about, and says why in words. */
function describeValidation(error: FastifyError): { field: string; message: string } {
  const first = error.validation?.[0];
  const part = error.validationContext ?? 'body';
  if (!first) return { field: part, message: error.message };
  const params = first.params as Record<string, unknown>;
  const base = pointerToField(first.instancePath);
  const join = (child: string) => (base ? `${base}.${child}` : child);
  if (first.keyword === 'required') return { field: join(String(params.missingProperty)), message: 'is required' };
  if (first.keyword === 'additionalProperties') return { field: join(String(params.additionalProperty)), message: 'is not a known field' };
  if (first.keyword === 'type' && !base && part === 'body') return { field: 'body', message: `must be a JSON ${String(params.type)}` };
  return { field: base || part, message: first.message ?? 'is not valid' };
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (isAppError(error)) {
    const status = STATUS[error.code];
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    if (error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.status(status).send(body(request, error.code, status >= 500 ? 'Something went wrong on our side' : error.publicMessage, error.field, error.reason, status >= 500 ? undefined : error.params));
  }
  if (error.validation) {
    const { field, message } = describeValidation(error);
    return reply.status(400).send(body(request, 'invalid_request', `${field} ${message}`, field));
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.status(413).send(body(request, 'payload_too_large', 'The request body is too large', 'body'));
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return reply.status(415).send(body(request, 'unsupported_media_type', 'Send the body as application/json', 'body'));
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return reply.status(400).send(body(request, 'malformed_json', `The body is not valid JSON: ${error.message}`, 'body'));
  }
  if (isDatabaseDown(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    reply.header('retry-after', '5');
    return reply.status(503).send(body(request, 'unavailable', 'Herald cannot reach its database right now; try again shortly'));
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) {
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(body(request, 'internal', 'Something went wrong on our side'));
  }
  return reply.status(status).send(body(request, 'invalid_request', error.message));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send(body(request, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
}

export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string, field?: string) {
  return reply.status(status).send(body(request, code, message, field));
}
