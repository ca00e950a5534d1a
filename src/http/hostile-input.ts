import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '../platform/errors.js';
import { errorHandler, sendError } from './errors.js';

// PostgreSQL refuses NUL in text and JSON, and a lone surrogate is no
// character at all (it cannot be written as UTF-8): either reaching a query
// was a 500. They are refused here, once, for every route, before any
// handler (or the auth hook, which reads Herald-Account) sees them.
const HOSTILE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isHostileText = (text: string): boolean => HOSTILE.test(text);

const child = (base: string, key: string | number): string =>
  typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key;

/**
 * The first string (or object key) in `value` that holds a NUL or a lone
 * surrogate, named the way validation errors name fields (`to[2].contact`),
 * or null. Walks without recursion, so a deeply nested body cannot overflow the stack.
 */
export function findHostileText(value: unknown, base = ''): string | null {
  const stack: [unknown, string][] = [[value, base]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (isHostileText(v)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], child(path, i)]);
    } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && typeof (v as { pipe?: unknown }).pipe !== 'function') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        // A bad key is named with its characters escaped: the field name itself must be text.
        if (isHostileText(key)) return child(path, JSON.stringify(key).slice(1, -1));
        stack.push([(v as Record<string, unknown>)[key], child(path, key)]);
      }
    }
  }
  return null;
}

/** The 400 for a field that is not text. */
export const notText = (field: string) => invalid(field, `${field} is not text: it holds a NUL character, a lone surrogate or an escape that is not UTF-8`, 'invalid_text');

/** Set on a parsed query string: the parameter whose escapes were not UTF-8 (`%ED%A0%80`, a lone surrogate). */
const UNDECODABLE = Symbol('undecodable query parameter');

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * The query string as fast-querystring parses it (repeated keys make an
 * array, a key alone is ''), except that an escape that is not UTF-8 is
 * remembered instead of being kept as raw text.
 */
export function parseQuery(query: string): Record<string, string | string[]> {
  const result = Object.create(null) as Record<string, string | string[]> & { [UNDECODABLE]?: string };
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const key = decode(rawKey);
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (key === null || value === null) {
      result[UNDECODABLE] ??= key ?? rawKey;
      continue;
    }
    const seen = result[key];
    if (seen === undefined) result[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else result[key] = [seen, value];
  }
  return result;
}

function checkRequestLine(request: FastifyRequest): void {
  const undecodable = (request.query as { [UNDECODABLE]?: string } | undefined)?.[UNDECODABLE];
  if (undecodable !== undefined) throw notText(isHostileText(undecodable) ? 'query' : undecodable);
  for (const [part, value] of [['params', request.params], ['query', request.query]] as const) {
    const field = findHostileText(value);
    if (field !== null) throw notText(field || part);
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && findHostileText(value) !== null) throw notText(name);
  }
}

/**
 * Guards every route: NUL and lone surrogates in path and query parameters
 * and headers are refused before authentication, in parsed bodies before
 * validation. Streamed bodies (NDJSON, uploaded files) are checked by their
 * own readers. `frameworkErrors` goes to Fastify's constructor: it answers a
 * path the router cannot decode (`/v1/contacts/%ED%A0%80`) naming the parameter.
 */
export function hostileInputGuard() {
  const patterns: { methods: string[]; segments: string[] }[] = [];

  /** The parameter of a route the undecodable segment of `url` stands for; 'path' when none matches. */
  function paramAt(method: string, url: string): string {
    const segments = (url.split('?')[0] ?? '').split('/');
    const bad = segments.findIndex((s) => decode(s) === null);
    const matches = patterns.filter(({ segments: pattern }) =>
      pattern.length === segments.length && pattern[bad]?.startsWith(':') && pattern.every((p, i) => p.startsWith(':') || p === decode(segments[i]!)));
    // The route of this method, else one of another (which then answers 405 or 404 to a good path).
    const match = matches.find((m) => m.methods.includes(method)) ?? matches[0];
    return match ? match.segments[bad]!.slice(1) : 'path';
  }

  return {
    frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      if (error.code === 'FST_ERR_BAD_URL') {
        return errorHandler(notText(paramAt(request.raw.method ?? 'GET', request.raw.url ?? '')) as unknown as FastifyError, request, reply);
      }
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(request, reply, 414, 'invalid_request', 'A path parameter is too long', 'path');
      request.log.error({ err: error }, 'router error');
      return sendError(request, reply, 500, 'internal', 'Something went wrong on our side');
    },

    register(app: FastifyInstance): void {
      app.addHook('onRoute', (route) => {
        patterns.push({ methods: [route.method].flat(), segments: route.url.split('/') });
      });
      app.addHook('onRequest', async (request) => checkRequestLine(request));
      app.addHook('preValidation', async (request) => {
        const field = findHostileText(request.body);
        if (field !== null) throw notText(field || 'body');
      });
    },
  };
}
