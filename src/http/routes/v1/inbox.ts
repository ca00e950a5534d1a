import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as inbox from '../../../modules/inbox/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { IdParams, Nullable, errorResponses } from '../../schemas.js';
import { viewerOf } from './contact-views.js';

const read = { scope: 'messages:read' } as const;
const write = { scope: 'messages:write' } as const;

const InboxItemSchema = Type.Object({
  id: Type.String(),
  from: Type.String({ description: 'The handset that wrote; E.164 when it is a number' }),
  to: Type.String({ description: 'Our number it wrote to' }),
  text: Type.String({ description: 'As received; escape it before showing it as HTML' }),
  parts: Type.Integer(),
  incomplete: Type.Boolean({ description: 'A part never arrived; the text marks where' }),
  opt_out: Nullable(Type.Union([Type.Literal('stop'), Type.Literal('start')], { description: 'stop: the sender was added to the suppression list; start: removed' })),
  received_at: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
  read_at: Nullable(Type.String({ format: 'date-time' })),
  reply_to: Nullable(Type.Object({
    id: Type.String({ description: 'The message this answers: the latest one to this sender from this number' }),
    to: Type.String(),
    text: Type.String({ description: 'Its first 160 characters' }),
    sent_at: Type.String({ format: 'date-time' }),
  })),
  contact_name: Nullable(Type.String({ description: 'The name the sender has in an address book you see (personal first, then shared)' })),
  opted_out: Type.Boolean({ description: 'The sender replied STOP and is on the suppression list now: do not offer a reply' }),
  suppressed: Type.Boolean({ description: 'The sender is on the suppression list now (opted out or added by hand): a reply to it would be refused' }),
});
const UnroutableSchema = Type.Intersect([InboxItemSchema, Type.Object({ connector_id: Type.String() })]);

const RuleSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('email'), Type.Literal('http')]),
  target: Type.String(),
  enabled: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
});
const RuleKind = Type.Union([Type.Literal('email'), Type.Literal('http')], { description: 'email: sent over SMTP; http: POSTed as a signed inbound.received event' });
const Target = Type.String({ minLength: 3, maxLength: 2000, description: 'An email address, or an http(s) URL' });

const Page = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

function itemView(m: inbox.InboxMessage): Static<typeof InboxItemSchema> {
  return {
    id: m.id,
    from: m.from,
    to: m.to,
    text: m.text,
    parts: m.parts,
    incomplete: m.incomplete,
    opt_out: m.optOut,
    received_at: m.receivedAt.toISOString(),
    read: m.readAt !== null,
    read_at: m.readAt?.toISOString() ?? null,
    reply_to: m.replyTo ? { id: m.replyTo.id, to: m.replyTo.to, text: m.replyTo.text, sent_at: m.replyTo.sendAt.toISOString() } : null,
    contact_name: m.contactName,
    opted_out: m.suppressed === 'opt_out',
    suppressed: m.suppressed !== null,
  };
}

const ConversationSchema = Type.Object({
  number: Type.String({ description: 'The other side, E.164 when it is a number' }),
  contact_name: Nullable(Type.String()),
  opted_out: Type.Boolean({ description: 'The number replied STOP and is on the suppression list now' }),
  suppressed: Type.Boolean({ description: 'The number is on the suppression list now, for any reason' }),
  data: Type.Array(Type.Object({
    direction: Type.Union([Type.Literal('out'), Type.Literal('in')], { description: 'out: sent to the number; in: a reply from it' }),
    id: Type.String({ description: 'A message id (out) or an inbox id (in)' }),
    at: Type.String({ format: 'date-time', description: 'out: send_at; in: received_at' }),
    text: Type.String(),
    ours: Type.String({ description: 'out: the sender it went out as; in: our number it was written to' }),
    status: Nullable(Type.String({ description: 'out: the message status' })),
  }), { description: 'Oldest first: the latest `limit` messages both ways' }),
});

function conversationView(c: inbox.Conversation): Static<typeof ConversationSchema> {
  return {
    number: c.number,
    contact_name: c.contactName,
    opted_out: c.suppressed === 'opt_out',
    suppressed: c.suppressed !== null,
    data: c.entries.map((e) => ({ direction: e.direction, id: e.id, at: e.at.toISOString(), text: e.text, ours: e.ours, status: e.status })),
  };
}

const ruleView = (r: inbox.ForwardingRule): Static<typeof RuleSchema> => ({ id: r.id, kind: r.kind, target: r.target, enabled: r.enabled, created_at: r.createdAt.toISOString() });

export const inboxRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  const ruleOptions: inbox.RuleOptions = deps.outboundPolicy ? { policy: deps.outboundPolicy } : {};

  app.get('/v1/inbox', {
    config: { auth: read },
    schema: {
      tags: ['inbox'], summary: 'Replies to this account, newest first, each with the message it answers',
      querystring: Type.Object({
        unread: Type.Optional(Type.Boolean({ description: 'true: only unread; false: only read' })),
        from: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Only replies from this sender (E.164)' })),
        ...Page,
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(InboxItemSchema), next_cursor: Nullable(Type.String()), unread_count: Type.Integer() }), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const accountId = principal.accountId;
    const q = request.query;
    const page = await inbox.listInbox(deps.db, viewerOf(principal), {
      limit: q.limit, ...(q.unread !== undefined && { unread: q.unread }), ...(q.from !== undefined && { from: q.from }), ...(q.cursor && { cursor: q.cursor }),
    });
    return { data: page.data.map(itemView), next_cursor: page.nextCursor, unread_count: await inbox.countUnreadInbox(deps.db, accountId) };
  });

  app.get('/v1/conversation', {
    config: { auth: read },
    schema: {
      tags: ['inbox'], summary: 'Messages sent to one number and replies received from it, oldest first',
      querystring: Type.Object({
        number: Type.String({ minLength: 1, maxLength: 40, description: 'The other side (E.164)' }),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
      }, { additionalProperties: false }),
      response: { 200: ConversationSchema, ...errorResponses },
    },
  }, async (request) => conversationView(await inbox.getConversation(deps.db, viewerOf(principalOf(request)), request.query.number, request.query.limit)));

  app.get('/v1/inbox/unread-count', {
    config: { auth: read },
    schema: { tags: ['inbox'], summary: 'How many replies are unread', response: { 200: Type.Object({ unread: Type.Integer() }), ...errorResponses } },
  }, async (request) => ({ unread: await inbox.countUnreadInbox(deps.db, principalOf(request).accountId) }));

  app.get('/v1/inbox/:id', {
    config: { auth: read },
    schema: { tags: ['inbox'], summary: 'One reply', params: IdParams, response: { 200: InboxItemSchema, ...errorResponses } },
  }, async (request) => itemView(await inbox.getInboxMessage(deps.db, viewerOf(principalOf(request)), request.params.id)));

  for (const [action, isRead] of [['read', true], ['unread', false]] as const) {
    app.post(`/v1/inbox/:id/${action}`, {
      config: { auth: write },
      schema: { tags: ['inbox'], summary: `Mark a reply ${action}`, params: IdParams, response: { 200: InboxItemSchema, ...errorResponses } },
    }, async (request) => itemView(await inbox.markInboxRead(deps.db, viewerOf(principalOf(request)), request.params.id, isRead)));
  }

  app.delete('/v1/inbox/:id', {
    config: { auth: write },
    schema: { tags: ['inbox'], summary: 'Delete a reply', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await inbox.deleteInboxMessage(deps.db, principalOf(request).accountId, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/v1/inbox/forwarding-rules', {
    config: { auth: read },
    schema: { tags: ['inbox'], summary: 'Where new replies are forwarded', response: { 200: Type.Object({ data: Type.Array(RuleSchema) }), ...errorResponses } },
  }, async (request) => ({ data: (await inbox.listForwardingRules(deps.db, principalOf(request).accountId)).map(ruleView) }));

  app.post('/v1/inbox/forwarding-rules', {
    config: { auth: write },
    schema: {
      tags: ['inbox'], summary: 'Forward every new reply to an email address or an HTTP endpoint',
      body: Type.Object({ kind: RuleKind, target: Target, enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 201: RuleSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const rule = await inbox.createForwardingRule(deps.db, principalOf(request).accountId, request.body, ruleOptions);
    return reply.status(201).send(ruleView(rule));
  });

  app.patch('/v1/inbox/forwarding-rules/:id', {
    config: { auth: write },
    schema: {
      tags: ['inbox'], summary: 'Change a forwarding rule, or turn it off', params: IdParams,
      body: Type.Object({ kind: Type.Optional(RuleKind), target: Type.Optional(Target), enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: RuleSchema, ...errorResponses },
    },
  }, async (request) => ruleView(await inbox.updateForwardingRule(deps.db, principalOf(request).accountId, request.params.id, request.body, ruleOptions)));

  app.delete('/v1/inbox/forwarding-rules/:id', {
    config: { auth: write },
    schema: { tags: ['inbox'], summary: 'Stop forwarding there', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await inbox.deleteForwardingRule(deps.db, principalOf(request).accountId, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/v1/admin/inbox/unroutable', {
    config: { auth: { scope: 'operator' } },
    schema: {
      tags: ['admin'], summary: 'Replies no account could be found for: unknown numbers, or a pool number the sender was never written from',
      querystring: Type.Object(Page, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(UnroutableSchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const page = await inbox.listUnroutable(deps.db, { limit: request.query.limit, ...(request.query.cursor && { cursor: request.query.cursor }) });
    return { data: page.data.map((m) => ({ ...itemView(m), connector_id: m.connectorId })), next_cursor: page.nextCursor };
  });
};
