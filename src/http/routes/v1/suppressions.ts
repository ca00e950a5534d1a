import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as contacts from '../../../modules/contacts/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { Nullable, errorResponses } from '../../schemas.js';

const SuppressionSchema = Type.Object({
  number: Type.String({ description: 'E.164' }),
  reason: Nullable(Type.String()),
  source: Type.Union([Type.Literal('manual'), Type.Literal('opt_out')], { description: 'opt_out: the recipient replied STOP' }),
  created_at: Type.String({ format: 'date-time' }),
});
const NumberParams = Type.Object({ number: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });

const view = (s: contacts.Suppression): Static<typeof SuppressionSchema> => ({ number: s.number, reason: s.reason, source: s.source, created_at: s.createdAt.toISOString() });

export const suppressionRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/suppressions', {
    config: { auth: { scope: 'contacts:read' } },
    schema: {
      tags: ['suppressions'], summary: 'Numbers this account never sends to',
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), cursor: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(SuppressionSchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const page = await contacts.listSuppressions(deps.db, principalOf(request).accountId, { limit: request.query.limit, ...(request.query.cursor && { cursor: request.query.cursor }) });
    return { data: page.data.map(view), next_cursor: page.nextCursor };
  });

  app.post('/v1/suppressions', {
    config: { auth: { scope: 'contacts:write' } },
    schema: {
      tags: ['suppressions'], summary: 'Suppress a number: sends to it are refused per recipient and never charged',
      body: Type.Object({ number: Type.String({ minLength: 1, maxLength: 40 }), reason: Type.Optional(Nullable(Type.String({ maxLength: 500 }))) }, { additionalProperties: false }),
      response: { 201: SuppressionSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const s = await contacts.suppressNumber(deps.db, principalOf(request).accountId, { number: request.body.number, reason: request.body.reason ?? null });
    return reply.status(201).send(view(s));
  });

  app.get('/v1/suppressions/:number', {
    config: { auth: { scope: 'contacts:read' } },
    schema: { tags: ['suppressions'], summary: 'Whether and why a number is suppressed', params: NumberParams, response: { 200: SuppressionSchema, ...errorResponses } },
  }, async (request) => view(await contacts.getSuppression(deps.db, principalOf(request).accountId, request.params.number)));

  app.delete('/v1/suppressions/:number', {
    config: { auth: { scope: 'contacts:write' } },
    schema: { tags: ['suppressions'], summary: 'Allow sending to a number again', params: NumberParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await contacts.unsuppressNumber(deps.db, principalOf(request).accountId, request.params.number);
    return reply.status(204).send(null);
  });
};
