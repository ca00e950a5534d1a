import { Type, type Static } from '@sinclair/typebox';
import type { Principal } from '../../../modules/accounts/index.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as messages from '../../../modules/messages/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { Currency, IdParams, Nullable, errorResponses } from '../../schemas.js';
import { PhoneType, viewerOf } from './contact-views.js';
import { messageView, MessageDetailSchema, MessageListItemSchema, messageDetailView } from './message-views.js';

const MAX_RECIPIENTS = 10_000;
const Text = Type.String({ maxLength: 10_000, description: 'The message; GSM 7-bit when it can be, UCS-2 otherwise' });
/** A `to` item: what a person types, or a pick from the address book. */
export const Recipient = Type.Union([
  Type.String({ minLength: 1, maxLength: 40, description: 'A number, international (+32…) or national to the account\'s country' }),
  Type.Object({ contact: Type.String({ minLength: 1, maxLength: 64 }), type: Type.Optional(PhoneType) }, { additionalProperties: false, description: 'A contact; its mobile number unless `type` names another' }),
  Type.Object({ list: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false, description: 'A distribution list, nested lists included' }),
]);
const Status = Type.Union(['scheduled', 'queued', 'submitted', 'delivered', 'undelivered', 'failed', 'expired', 'unknown', 'cancelled'].map((s) => Type.Literal(s)));

export const SendBody = Type.Object(
  {
    to: Type.Array(Recipient, { minItems: 1, maxItems: MAX_RECIPIENTS, description: 'Numbers, contacts and lists; a list counts as one item, however many it holds' }),
    text: Text,
    sender: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A registered name (1–11 letters, digits or spaces; refused, never shortened) or a number' })),
    send_at: Type.Optional(Type.String({ format: 'date-time', description: 'Schedule for later (up to a year); cancellable until sent' })),
    validity_minutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 4320, description: 'How long the network keeps trying (default 48 h)' })),
    client_reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    callback_url: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
  },
  { additionalProperties: false },
);

/** The message fields of a send, as both send routes take them. */
export type SendFields = Omit<Static<typeof SendBody>, 'to'>;

export const callerOf = (principal: Principal): messages.Caller => ({ accountId: principal.accountId, actorId: principal.userId ?? principal.apiKeyId, userId: principal.userId });

export function toSendRequest(to: messages.SendRequest['to'], f: SendFields): messages.SendRequest {
  return {
    to,
    text: f.text,
    ...(f.sender !== undefined && { sender: f.sender }),
    ...(f.send_at !== undefined && { sendAt: new Date(f.send_at) }),
    ...(f.validity_minutes !== undefined && { validityMinutes: f.validity_minutes }),
    ...(f.client_reference !== undefined && { clientReference: f.client_reference }),
    ...(f.callback_url !== undefined && { callbackUrl: f.callback_url }),
  };
}

const PreviewSchema = Type.Object({
  encoding: Type.String(),
  parts: Type.Integer(),
  characters: Type.Integer(),
  units: Type.Integer(),
  units_per_part: Type.Integer(),
  non_gsm_characters: Type.Array(Type.String(), { description: 'The characters that force UCS-2 (Unicode)' }),
  max_parts: Type.Integer(),
  problem: Nullable(Type.Object({ code: Type.String(), reason: Type.String() })),
  price_per_part: Type.Integer({ description: 'Minor units of `currency`' }),
  cost_per_recipient: Type.Integer({ description: 'Minor units of `currency`' }),
  currency: Currency,
  recipients: Type.Array(Type.Object({
    to: Type.String(), country: Nullable(Type.String()), cost: Type.Integer(), problem: Nullable(Type.String()),
    problem_code: Nullable(Type.String({ description: 'not_mobile, zero_before_country_code, unknown_country_code, …' })),
  })),
});

const Origin = {
  contact_id: Type.Optional(Type.String({ description: 'The contact the number came from' })),
  list_id: Type.Optional(Type.String({ description: 'The list the number came from' })),
};

export const SendResultSchema = Type.Object({
  batch_id: Type.String(),
  encoding: Type.String(),
  parts_per_message: Type.Integer(),
  accepted: Type.Array(Type.Object({ id: Type.String(), to: Type.String(), index: Type.Integer(), status: Type.String(), price_per_part: Type.Integer(), ...Origin })),
  rejected: Type.Array(Type.Object({ index: Type.Integer({ description: 'The `to` item it came from' }), to: Type.String(), code: Type.String(), reason: Type.String(), field: Type.String(), ...Origin })),
  cost: Type.Object({ parts: Type.Integer(), quota_parts: Type.Integer(), provision: Type.Integer({ description: 'Bought credit held, minor units of `currency`' }) }),
  currency: Currency,
});

export const messageRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.post('/v1/messages/preview', {
    config: { auth: { scope: 'messages:write' } },
    schema: {
      tags: ['messages'],
      summary: 'Encoding, parts, the characters that force Unicode, and the cost, before sending',
      body: Type.Object({ text: Type.String({ maxLength: 10_000 }), to: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 100 })) }, { additionalProperties: false }),
      response: { 200: PreviewSchema, ...errorResponses },
    },
  }, async (request) => ({ ...(await messages.previewMessage(deps.db, principalOf(request).accountId, request.body)), currency: deps.currency }));

  app.post('/v1/messages', {
    config: { auth: { scope: 'messages:write' } },
    schema: {
      tags: ['messages'],
      summary: 'Send an SMS to one or many recipients; answers 202 with the ids before dispatch',
      description: 'Each recipient is checked on its own; refused ones are listed with the reason and not charged. Send an Idempotency-Key header to retry safely.',
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
      body: SendBody,
      response: { 202: SendResultSchema, ...errorResponses, 402: errorResponses[400], 422: errorResponses[400] },
    },
  }, async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const { result, replayed } = await deps.sendQueue.accept(callerOf(principalOf(request)), toSendRequest(request.body.to, request.body), {
      defaultSender: deps.defaultSender,
      ...(deps.outboundPolicy && { outboundPolicy: deps.outboundPolicy }),
      ...(typeof key === 'string' && { idempotency: { key, hash: messages.hashRequest(request.body) } }),
    });
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.status(202).send({ ...result, currency: deps.currency });
  });

  app.get('/v1/messages/:id', {
    config: { auth: { scope: 'messages:read' } },
    schema: { tags: ['messages'], summary: 'One message with its parts and status history', params: IdParams, response: { 200: MessageDetailSchema, ...errorResponses } },
  }, async (request) => messageDetailView(await messages.getMessage(deps.db, principalOf(request).accountId, request.params.id), deps.currency));

  app.get('/v1/messages', {
    config: { auth: { scope: 'messages:read' } },
    schema: {
      tags: ['messages'],
      summary: 'Messages, newest first by send_at (when each goes or went out), with filters and cursor pagination',
      querystring: Type.Object(
        {
          status: Type.Optional(Status),
          to: Type.Optional(Type.String({ maxLength: 40 })),
          client_reference: Type.Optional(Type.String({ maxLength: 100 })),
          batch_id: Type.Optional(Type.String({ maxLength: 64 })),
          from: Type.Optional(Type.String({ format: 'date-time', description: 'Only messages whose send_at is at or after this' })),
          until: Type.Optional(Type.String({ format: 'date-time', description: 'Only messages whose send_at is before this' })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ data: Type.Array(MessageListItemSchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const page = await messages.listMessagePage(deps.db, viewerOf(principalOf(request)), {
      limit: q.limit,
      ...(q.status && { status: q.status as messages.MessageStatus }),
      ...(q.to && { recipient: q.to }),
      ...(q.client_reference && { clientReference: q.client_reference }),
      ...(q.batch_id && { batchId: q.batch_id }),
      ...(q.from && { from: new Date(q.from) }),
      ...(q.until && { to: new Date(q.until) }),
      ...(q.cursor && { cursor: q.cursor }),
    });
    return { data: page.data.map((m) => ({ ...messageView(m.message, deps.currency), contact_name: m.contactName })), next_cursor: page.nextCursor };
  });

  app.delete('/v1/messages/:id', {
    config: { auth: { scope: 'messages:write' } },
    schema: { tags: ['messages'], summary: 'Cancel a message not sent yet; its credit is refunded', params: IdParams, response: { 200: MessageDetailSchema, ...errorResponses } },
  }, async (request) => {
    const accountId = principalOf(request).accountId;
    await messages.cancelMessage(deps.db, accountId, request.params.id);
    return messageDetailView(await messages.getMessage(deps.db, accountId, request.params.id), deps.currency);
  });
};
