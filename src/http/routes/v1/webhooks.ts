import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as webhooks from '../../../modules/webhooks/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { IdParams, Nullable, errorResponses } from '../../schemas.js';

const read = { scope: 'account:read' } as const;
// Secrets are shown only to callers who could rotate them anyway.
const write = { scope: 'account:write' } as const;
const tags = ['webhooks'];

const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL on a public address (or one the administrator allows)' });
const Events = Type.Array(Type.String({ maxLength: 50 }), { minItems: 1, maxItems: webhooks.EVENT_TYPES.length, description: `Any of ${webhooks.EVENT_TYPES.join(', ')}` });
const Description = Nullable(Type.String({ maxLength: 500 }));
const Date_ = Type.String({ format: 'date-time' });
const Page = { limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), cursor: Type.Optional(Type.String({ maxLength: 64 })) };

const EndpointSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Nullable(Type.String()),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabled_reason: Nullable(Type.String({ description: 'Why Herald (or the account) disabled it' })),
  failing_since: Nullable(Type.String({ format: 'date-time', description: 'First failure since the last success; 5 days of it disable the endpoint' })),
  created_at: Date_,
  updated_at: Date_,
});
const WithSecret = Type.Composite([EndpointSchema, Type.Object({ secret: Type.String({ description: 'whsec_…; verify deliveries with any Standard Webhooks library. Shown now only' }) })]);
const DeliverySchema = Type.Object({
  id: Type.String(),
  event_id: Type.String({ description: 'Also the webhook-id header of every attempt' }),
  event_type: Type.String(),
  endpoint_id: Nullable(Type.String({ description: 'null: a callback_url or forwarding delivery' })),
  url: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  next_attempt_at: Nullable(Date_),
  last_error: Nullable(Type.String()),
  created_at: Date_,
  finished_at: Nullable(Date_),
});
const AttemptSchema = Type.Object({
  attempted_at: Date_,
  status_code: Nullable(Type.Integer()),
  latency_ms: Type.Integer(),
  response_start: Nullable(Type.String({ description: 'The first 4 KiB of the answer' })),
  error: Nullable(Type.String({ description: 'refused: … (the address guard), timeout, connection: …' })),
});
const EventSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  created_at: Date_,
  payload: Type.Object({ type: Type.String(), timestamp: Type.String(), data: Type.Record(Type.String(), Type.Unknown()) }, { description: 'The body every delivery POSTs' }),
});
const CallbackSecretSchema = Type.Object({
  secret: Type.String({ description: 'Signs deliveries to callback_url and HTTP forwarding' }),
  previous: Type.Array(Type.Object({ secret: Type.String(), expires_at: Date_ }), { description: 'Still signing until they expire, after a rotation' }),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const endpointView = (e: webhooks.WebhookEndpoint): Static<typeof EndpointSchema> => ({
  id: e.id, url: e.url, description: e.description, events: e.events, enabled: e.enabled, disabled_reason: e.disabledReason,
  failing_since: iso(e.failingSince), created_at: e.createdAt.toISOString(), updated_at: e.updatedAt.toISOString(),
});
const deliveryView = (d: webhooks.Delivery): Static<typeof DeliverySchema> => ({
  ...d, next_attempt_at: iso(d.next_attempt_at), created_at: d.created_at.toISOString(), finished_at: iso(d.finished_at),
});
const attemptView = (a: webhooks.Attempt): Static<typeof AttemptSchema> => ({ ...a, attempted_at: a.attempted_at.toISOString() });
const eventView = (e: webhooks.WebhookEvent): Static<typeof EventSchema> => ({ id: e.id, type: e.type, created_at: e.created_at.toISOString(), payload: e.payload });
const callbackView = (s: webhooks.CallbackSecret): Static<typeof CallbackSecretSchema> => ({
  secret: s.secret, previous: s.previous.map((p) => ({ secret: p.secret, expires_at: p.expiresAt.toISOString() })),
});

export const webhookRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  const urlCheck = { policy: deps.outboundPolicy };
  const accountOf = (request: Parameters<typeof principalOf>[0]) => principalOf(request).accountId;

  app.get('/v1/webhooks', {
    config: { auth: read },
    schema: { tags, summary: 'Webhook endpoints of the account', response: { 200: Type.Object({ data: Type.Array(EndpointSchema) }), ...errorResponses } },
  }, async (request) => ({ data: (await webhooks.listEndpoints(deps.db, accountOf(request))).map(endpointView) }));

  app.post('/v1/webhooks', {
    config: { auth: write },
    schema: {
      tags, summary: 'Add an endpoint; the answer holds its signing secret',
      body: Type.Object({ url: Url, events: Events, description: Type.Optional(Description) }, { additionalProperties: false }),
      response: { 201: WithSecret, ...errorResponses },
    },
  }, async (request, reply) => {
    const { endpoint, secret } = await webhooks.createEndpoint(deps.db, accountOf(request), request.body, urlCheck);
    return reply.status(201).send({ ...endpointView(endpoint), secret });
  });

  app.get('/v1/webhooks/callback-secret', {
    config: { auth: write },
    schema: { tags, summary: 'The secret signing callback_url and forwarding deliveries (made on first use)', response: { 200: CallbackSecretSchema, ...errorResponses } },
  }, async (request) => callbackView(await webhooks.getCallbackSecret(deps.db, accountOf(request))));

  app.post('/v1/webhooks/callback-secret/rotate', {
    config: { auth: write },
    schema: { tags, summary: 'A new callback secret; the previous one keeps signing for 24 hours', response: { 200: CallbackSecretSchema, ...errorResponses } },
  }, async (request) => callbackView(await webhooks.rotateCallbackSecret(deps.db, accountOf(request))));

  app.get('/v1/webhooks/:id', {
    config: { auth: read },
    schema: { tags, summary: 'One endpoint', params: IdParams, response: { 200: EndpointSchema, ...errorResponses } },
  }, async (request) => endpointView(await webhooks.getEndpoint(deps.db, accountOf(request), request.params.id)));

  app.patch('/v1/webhooks/:id', {
    config: { auth: write },
    schema: {
      tags, summary: 'Change an endpoint; enabling it again clears why it was disabled', params: IdParams,
      body: Type.Object({ url: Type.Optional(Url), events: Type.Optional(Events), description: Type.Optional(Description), enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: EndpointSchema, ...errorResponses },
    },
  }, async (request) => endpointView(await webhooks.updateEndpoint(deps.db, accountOf(request), request.params.id, request.body, urlCheck)));

  app.delete('/v1/webhooks/:id', {
    config: { auth: write },
    schema: { tags, summary: 'Delete an endpoint and its deliveries', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await webhooks.deleteEndpoint(deps.db, accountOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.post('/v1/webhooks/:id/rotate-secret', {
    config: { auth: write },
    schema: { tags, summary: 'A new signing secret; the previous one keeps signing for 24 hours', params: IdParams, response: { 200: WithSecret, ...errorResponses } },
  }, async (request) => {
    const { endpoint, secret } = await webhooks.rotateEndpointSecret(deps.db, accountOf(request), request.params.id);
    return { ...endpointView(endpoint), secret };
  });

  app.get('/v1/webhooks/:id/deliveries', {
    config: { auth: read },
    schema: {
      tags, summary: 'Deliveries to an endpoint, newest first', params: IdParams, querystring: Type.Object(Page, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(DeliverySchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const page = await webhooks.listEndpointDeliveries(deps.db, accountOf(request), request.params.id, request.query);
    return { data: page.data.map(deliveryView), next_cursor: page.nextCursor };
  });

  app.get('/v1/webhook-deliveries/:id', {
    config: { auth: read },
    schema: {
      tags, summary: 'One delivery with every attempt', params: IdParams,
      response: { 200: Type.Composite([DeliverySchema, Type.Object({ attempt_log: Type.Array(AttemptSchema) })]), ...errorResponses },
    },
  }, async (request) => {
    const { delivery, attempts } = await webhooks.getDelivery(deps.db, accountOf(request), request.params.id);
    return { ...deliveryView(delivery), attempt_log: attempts.map(attemptView) };
  });

  app.get('/v1/webhook-events', {
    config: { auth: read },
    schema: {
      tags, summary: 'Events sent to the account\'s receivers, newest first',
      querystring: Type.Object({ type: Type.Optional(Type.String({ maxLength: 50 })), ...Page }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(EventSchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const page = await webhooks.listEvents(deps.db, accountOf(request), request.query);
    return { data: page.data.map(eventView), next_cursor: page.nextCursor };
  });

  app.get('/v1/webhook-events/:id', {
    config: { auth: read },
    schema: {
      tags, summary: 'One event and its deliveries', params: IdParams,
      response: { 200: Type.Composite([EventSchema, Type.Object({ deliveries: Type.Array(DeliverySchema) })]), ...errorResponses },
    },
  }, async (request) => {
    const { event, deliveries } = await webhooks.getEvent(deps.db, accountOf(request), request.params.id);
    return { ...eventView(event), deliveries: deliveries.map(deliveryView) };
  });

  app.post('/v1/webhook-events/:id/replay', {
    config: { auth: write },
    schema: {
      tags, summary: 'Send an event again, with the same webhook-id: to one endpoint, or to those subscribed now and its callback URLs', params: IdParams,
      // Fastify validates a missing body as null: the body is optional.
      body: Nullable(Type.Object({ endpoint_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false })),
      response: { 202: Type.Object({ deliveries: Type.Array(DeliverySchema) }), ...errorResponses },
    },
  }, async (request, reply) => {
    const deliveries = await webhooks.replayEvent(deps.db, accountOf(request), request.params.id, request.body?.endpoint_id);
    return reply.status(202).send({ deliveries: deliveries.map(deliveryView) });
  });
};
