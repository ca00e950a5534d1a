import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as accounts from '../../../modules/accounts/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { ApiKeySchema, IdParams, Name, apiKeyView, errorResponses } from '../../schemas.js';

// Keys are managed by signed-in people only: a leaked key cannot mint more.
const auth = { scope: 'account:write', sessionOnly: true } as const;

export const apiKeyRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/api-keys', {
    config: { auth },
    schema: { tags: ['api-keys'], summary: 'API keys of the account (never their secrets)', response: { 200: Type.Object({ data: Type.Array(ApiKeySchema) }), ...errorResponses } },
  }, async (request) => ({ data: (await accounts.listApiKeys(deps.db, principalOf(request))).map(apiKeyView) }));

  app.post('/v1/api-keys', {
    config: { auth },
    schema: {
      tags: ['api-keys'],
      summary: 'Create an API key; its secret is shown in this answer only',
      body: Type.Object(
        {
          name: Name,
          scopes: Type.Array(Type.Union(accounts.SCOPES.map((s) => Type.Literal(s))), { minItems: 1, maxItems: accounts.SCOPES.length }),
          expires_at: Type.Optional(Type.String({ format: 'date-time' })),
        },
        { additionalProperties: false },
      ),
      response: { 201: Type.Intersect([ApiKeySchema, Type.Object({ secret: Type.String() })]), ...errorResponses },
    },
  }, async (request, reply) => {
    const { key, secret } = await accounts.createApiKey(deps.db, principalOf(request), {
      name: request.body.name,
      scopes: request.body.scopes,
      expiresAt: request.body.expires_at ? new Date(request.body.expires_at) : null,
    });
    return reply.status(201).send({ ...apiKeyView(key), secret });
  });

  app.delete('/v1/api-keys/:id', {
    config: { auth },
    schema: { tags: ['api-keys'], summary: 'Revoke an API key at once', params: IdParams, response: { 200: ApiKeySchema, ...errorResponses } },
  }, async (request) => apiKeyView(await accounts.revokeApiKey(deps.db, principalOf(request), request.params.id)));
};
