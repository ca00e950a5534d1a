import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pricing from '../../../modules/pricing/index.js';
import * as routing from '../../../modules/routing/index.js';
import type { HttpDeps } from '../../deps.js';
import { Currency, errorResponses } from '../../schemas.js';

const auth = { scope: 'operator' } as const;

const ConnectorSchema = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown()),
  enabled: Type.Boolean(),
  updated_at: Type.String(),
});
const RouteSchema = Type.Object({ prefix: Type.String({ maxLength: 16 }), connector_id: Type.String({ maxLength: 40 }), priority: Type.Integer({ minimum: -1000, maximum: 1000, default: 0 }) }, { additionalProperties: false });

// Secrets in connector settings are never sent back.
const view = (c: routing.ConnectorRow) => ({
  id: c.id,
  provider: c.provider,
  config: Object.fromEntries(Object.entries(c.config).map(([k, v]) => [k, /password|secret|token/i.test(k) ? '********' : v])),
  enabled: c.enabled,
  updated_at: c.updated_at.toISOString(),
});

export const adminSmsRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/admin/connectors', {
    config: { auth },
    schema: { tags: ['admin'], summary: 'SMS connectors (links to SMS centres)', response: { 200: Type.Object({ data: Type.Array(ConnectorSchema) }), ...errorResponses } },
  }, async () => ({ data: (await routing.listConnectors(deps.db)).map(view) }));

  app.put('/v1/admin/connectors/:connector', {
    config: { auth },
    schema: {
      tags: ['admin'],
      summary: 'Create or replace a connector; workers pick it up within seconds',
      params: Type.Object({ connector: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }),
      body: Type.Object({ provider: Type.String({ maxLength: 40 }), config: Type.Record(Type.String(), Type.Unknown()), enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: ConnectorSchema, ...errorResponses },
    },
  }, async (request) => view(await routing.saveConnector(deps.db, { id: request.params.connector, ...request.body })));

  app.delete('/v1/admin/connectors/:connector', {
    config: { auth },
    schema: { tags: ['admin'], summary: 'Remove a connector and its routes', params: Type.Object({ connector: Type.String({ maxLength: 40 }) }), response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await routing.removeConnector(deps.db, request.params.connector);
    return reply.status(204).send(null);
  });

  app.get('/v1/admin/routes', {
    config: { auth },
    schema: { tags: ['admin'], summary: 'Routes: destination prefix → connector, longest prefix first, then priority', response: { 200: Type.Object({ data: Type.Array(RouteSchema) }), ...errorResponses } },
  }, async () => ({ data: await routing.listRoutes(deps.db) }));

  app.put('/v1/admin/routes', {
    config: { auth },
    schema: {
      tags: ['admin'],
      summary: 'Replace the routing table',
      body: Type.Object({ routes: Type.Array(RouteSchema, { maxItems: 10_000 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(RouteSchema) }), ...errorResponses },
    },
  }, async (request) => {
    await routing.setRoutes(deps.db, request.body.routes.map((r) => ({ ...r, priority: r.priority ?? 0 })));
    return { data: await routing.listRoutes(deps.db) };
  });

  app.get('/v1/admin/prices', {
    config: { auth },
    schema: { tags: ['admin'], summary: 'SMS price per part: * for every destination, or per country', response: { 200: Type.Object({ default: Type.Integer({ description: 'Minor units of `currency`' }), countries: Type.Record(Type.String(), Type.Integer()), currency: Currency }), ...errorResponses } },
  }, async () => {
    const list = await pricing.getSmsPriceList(deps.db);
    return { default: Number(list.defaultMinor), countries: Object.fromEntries([...list.byCountry].map(([c, p]) => [c, Number(p)])), currency: deps.currency };
  });

  app.put('/v1/admin/prices/:country', {
    config: { auth },
    schema: {
      tags: ['admin'],
      summary: 'Set the price per SMS part for a country (or * for the default)',
      params: Type.Object({ country: Type.String({ maxLength: 2 }) }, { additionalProperties: false }),
      body: Type.Object({ price: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Minor units of the installation\'s currency (HERALD_CURRENCY)' }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    await pricing.setSmsPrice(deps.db, request.params.country, BigInt(request.body.price));
    return reply.status(204).send(null);
  });
};
