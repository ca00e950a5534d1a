import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as accounts from '../../../modules/accounts/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { Email, IdParams, InviteLocale, Locale, Name, Nullable, Timezone, UserSchema, errorResponses, userView } from '../../schemas.js';

// Inviting, changing roles, disabling and removing people take a signed-in
// person: a leaked API key cannot mint a person (and so a session) of its own.
const people = { scope: 'account:write', sessionOnly: true } as const;
const Role = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);

export const userRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/users', {
    config: { auth: { scope: 'account:read' } },
    schema: { tags: ['users'], summary: 'Users of the account', response: { 200: Type.Object({ data: Type.Array(UserSchema) }), ...errorResponses } },
  }, async (request) => ({ data: (await accounts.listUsers(deps.db, principalOf(request))).map(userView) }));

  app.post('/v1/users', {
    config: { auth: people },
    schema: {
      tags: ['users'],
      summary: 'Invite a user: they get an email with a link to choose a password',
      body: Type.Object({ email: Email, name: Type.Optional(Name), role: Role, locale: Type.Optional(InviteLocale) }, { additionalProperties: false }),
      response: { 201: Type.Object({ user: UserSchema, invitation_link: Type.String() }), ...errorResponses },
    },
  }, async (request, reply) => {
    const { user, link } = await accounts.inviteUserAs(deps.db, principalOf(request), request.body, deps.publicUrl);
    return reply.status(201).send({ user: userView(user), invitation_link: link });
  });

  app.get('/v1/users/:id', {
    config: { auth: { scope: 'account:read' } },
    schema: { tags: ['users'], summary: 'One user', params: IdParams, response: { 200: UserSchema, ...errorResponses } },
  }, async (request) => userView(await accounts.getUser(deps.db, principalOf(request), request.params.id)));

  app.patch('/v1/users/:id', {
    config: { auth: people },
    schema: {
      tags: ['users'],
      summary: 'Change a user\'s name, role, language or time zone, or disable them',
      params: IdParams,
      body: Type.Object(
        {
          name: Type.Optional(Name),
          role: Type.Optional(Role),
          locale: Type.Optional(Locale),
          timezone: Type.Optional(Nullable(Timezone)),
          disabled: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
      response: { 200: UserSchema, ...errorResponses },
    },
  }, async (request) => userView(await accounts.updateUser(deps.db, principalOf(request), request.params.id, request.body)));

  app.delete('/v1/users/:id', {
    config: { auth: people },
    schema: { tags: ['users'], summary: 'Remove a user', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await accounts.removeUser(deps.db, principalOf(request), request.params.id);
    return reply.status(204).send(null);
  });
};
