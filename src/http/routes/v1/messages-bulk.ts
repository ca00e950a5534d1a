import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as contacts from '../../../modules/contacts/index.js';
import * as messages from '../../../modules/messages/index.js';
import { invalid } from '../../../platform/errors.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { findHostileText, notText } from '../../hostile-input.js';
import { readLines } from '../../ndjson.js';
import { errorResponses } from '../../schemas.js';
import { validatorCompiler } from '../../validation.js';
import { callerOf, SendBody, SendResultSchema, toSendRequest, type SendFields } from './messages.js';

const MAX_LINE = 10_000;
// Checked while reading, before a line is joined: no line of MAX_LINE UTF-16
// units takes more than three bytes for each.
const MAX_LINE_BYTES = 3 * MAX_LINE;

// The first line carries the message fields of POST /v1/messages, without `to`.
const Header = Type.Omit(SendBody, ['to'], { additionalProperties: false });
const checkHeader = validatorCompiler({ schema: Header, httpPart: 'body', method: 'POST', url: '/v1/messages/bulk' });

function parseLine(line: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw invalid(`line ${n}`, 'is not valid JSON');
  }
}

/** A recipient line: a number, `{"to"}`, `{"contact", "type"?}` or `{"list"}`, as `to` items of POST /v1/messages. */
function toItem(value: unknown): messages.SendRequest['to'][number] | null {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length === 1 && typeof v.to === 'string') return v.to;
  if (keys.length === 1 && typeof v.list === 'string') return { list: v.list };
  const type = v.type;
  if (typeof v.contact !== 'string' || !keys.every((k) => k === 'contact' || k === 'type')) return null;
  if (type === undefined) return { contact: v.contact };
  return contacts.PHONE_TYPES.includes(type as contacts.PhoneType) ? { contact: v.contact, type: type as contacts.PhoneType } : null;
}

/** Reads the NDJSON stream line by line, so a million recipients never sit in memory as one body. */
async function readBulk(stream: Readable): Promise<{ header: Record<string, unknown>; to: messages.SendRequest['to'] }> {
  let header: Record<string, unknown> | null = null;
  const to: messages.SendRequest['to'] = [];
  // Not destroyed on an early exit, which would cut the connection before the 400 is written.
  for await (const { n, text } of readLines(stream.iterator({ destroyOnReturn: false }), MAX_LINE_BYTES)) {
    const line = text.trim();
    if (!line) continue;
    if (line.length > MAX_LINE) throw invalid(`line ${n}`, `is longer than ${MAX_LINE} characters`);
    const value = parseLine(line, n);
    // The line is not a request body, so the app's guard does not see it: the same rule, here.
    const hostile = findHostileText(value);
    if (hostile !== null) throw notText(header || !hostile ? `line ${n}` : hostile);
    if (!header) {
      if (!checkHeader(value)) {
        const e = (checkHeader as unknown as { errors?: { instancePath: string; message?: string; params: Record<string, unknown> }[] }).errors?.[0];
        const field = e?.instancePath.replace(/^\//, '') || String(e?.params.additionalProperty ?? e?.params.missingProperty ?? 'line 1');
        throw invalid(field, `${e?.message ?? 'is not valid'} (in the first line)`);
      }
      header = value as Record<string, unknown>;
      continue;
    }
    const item = toItem(value);
    if (item === null) throw invalid(`line ${n}`, 'must be a number as a JSON string, {"to": "…"}, {"contact": "ctc_…"} or {"list": "lst_…"}');
    if (to.length >= messages.MAX_RESOLVED_RECIPIENTS) throw invalid(`line ${n}`, `more than ${messages.MAX_RESOLVED_RECIPIENTS} recipients`);
    to.push(item);
  }
  if (!header) throw invalid('body', 'The first line must hold the message: {"text": "…"}');
  if (to.length === 0) throw invalid('to', 'Give at least one recipient, one per line after the first');
  return { header, to };
}

export const bulkMessageRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.addContentTypeParser('application/x-ndjson', (_request, payload, done) => done(null, payload));

  app.post('/v1/messages/bulk', {
    config: { auth: { scope: 'messages:write' } },
    bodyLimit: 256 * 1024 * 1024,
    schema: {
      tags: ['messages'],
      summary: 'Send one text to up to a million recipients, streamed as NDJSON',
      description:
        'Content-Type: application/x-ndjson. The first line is the message ({"text", "sender", "send_at", …} as for POST /v1/messages), ' +
        'then one recipient per line ("+32475123456" or {"to": "+32475123456"}). Charged once; the answer is that of POST /v1/messages. ' +
        'Idempotency-Key works the same way.',
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
      response: { 202: SendResultSchema, ...errorResponses, 402: errorResponses[400], 422: errorResponses[400] },
    },
  }, async (request, reply) => {
    if (!request.headers['content-type']?.startsWith('application/x-ndjson')) {
      throw invalid('content-type', 'Send the recipients as application/x-ndjson');
    }
    const { header, to } = await readBulk(request.body as Readable).catch((error: unknown) => {
      // As Fastify does for a body over its limit: the client may still be
      // sending, so the connection ends with the answer instead of reading on.
      if (!request.raw.complete) reply.header('connection', 'close');
      throw error;
    });
    const key = request.headers['idempotency-key'];
    // Bulk sends are one large commit of their own, not grouped with others.
    const { result, replayed } = await messages.acceptMessages(deps.db, callerOf(principalOf(request)), toSendRequest(to, header as SendFields), {
      defaultSender: deps.defaultSender,
      ...(deps.outboundPolicy && { outboundPolicy: deps.outboundPolicy }),
      ...(typeof key === 'string' && { idempotency: { key, hash: messages.hashRequest({ header, to }) } }),
    });
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.status(202).send({ ...result, currency: deps.currency });
  });
};
