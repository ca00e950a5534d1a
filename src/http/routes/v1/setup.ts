import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as accounts from '../../../modules/accounts/index.js';
import type { HttpDeps } from '../../deps.js';
import { Country, Email, Name, Password, Timezone, errorResponses } from '../../schemas.js';
import { answerWithSession } from './auth.js';

export const setupRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/setup', {
    config: { auth: { public: true } },
    schema: {
      tags: ['setup'],
      summary: 'Whether this installation still needs its first owner',
      response: { 200: Type.Object({ needed: Type.Boolean() }) },
    },
  }, async () => ({ needed: await accounts.isSetupNeeded(deps.db) }));

  app.post('/v1/setup', {
    config: { auth: { public: true } },
    schema: {
      tags: ['setup'],
      summary: 'Create the first owner with the one-time link printed at first start; signs them in',
      body: Type.Object(
        {
          token: Type.String({ minLength: 1, maxLength: 200 }),
          account_name: Name,
          name: Name,
          email: Email,
          password: Password,
          default_country: Type.Optional(Country),
          timezone: Type.Optional(Timezone),
        },
        { additionalProperties: false },
      ),
      response: { ...errorResponses },
    },
  }, async (request, reply) => {
    const b = request.body;
    const user = await accounts.completeSetup(deps.db, {
      token: b.token,
      accountName: b.account_name,
      name: b.name,
      email: b.email,
      password: b.password,
      ...(b.default_country && { defaultCountry: b.default_country }),
      ...(b.timezone && { timezone: b.timezone }),
    });
    const session = await accounts.openSession(deps.db, user, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null }, deps.sessionHours);
    return answerWithSession(reply, deps, session, 201);
  });
};
