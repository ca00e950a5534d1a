import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { hasScope } from '../../../modules/accounts/index.js';
import * as messages from '../../../modules/messages/index.js';
import * as senders from '../../../modules/senders/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { IdParams, Nullable, errorResponses } from '../../schemas.js';

const Kind = Type.Union(['pool', 'dedicated', 'mobile', 'alphanumeric'].map((k) => Type.Literal(k)));
const ChoiceSchema = Type.Object({
  id: Nullable(Type.String({ description: 'For registered names and mobiles' })),
  kind: Kind,
  value: Type.String({ description: 'What to pass as `sender`' }),
  repliable: Type.Boolean({ description: 'Whether replies reach the inbox' }),
  usable: Type.Boolean({ description: 'False for a mobile still waiting for its code' }),
  meets_name_rule: Type.Boolean({ description: 'False for a name registered before the rule of 1–11 letters, digits and spaces: it still sends as registered, but cannot be registered again' }),
});
const SenderIdSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('mobile'), Type.Literal('alphanumeric')]),
  value: Type.String(),
  verified: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
});
const NumberSchema = Type.Object({
  number: Type.String(),
  kind: Type.Union([Type.Literal('pool'), Type.Literal('dedicated')]),
  account_id: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
});
const SenderValue = Type.String({ minLength: 1, maxLength: 64, description: '`pool`, a number or a name' });
const NumberParams = Type.Object({ number: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });

const idView = (s: senders.SenderId): Static<typeof SenderIdSchema> => ({ id: s.id, kind: s.kind, value: s.value, verified: s.verified, created_at: s.createdAt.toISOString() });
const numberView = (n: senders.SenderNumber): Static<typeof NumberSchema> => ({ number: n.number, kind: n.kind, account_id: n.accountId, created_at: n.createdAt.toISOString() });
const admin = { scope: 'operator' } as const;

export const senderRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/senders', {
    config: { auth: { scope: 'messages:read' } },
    schema: {
      tags: ['senders'], summary: 'The senders the caller may choose, and the defaults',
      response: { 200: Type.Object({ data: Type.Array(ChoiceSchema), default: Type.Object({ account: Nullable(Type.String()), user: Nullable(Type.String()), installation: Type.String() }) }), ...errorResponses },
    },
  }, async (request) => {
    const p = principalOf(request);
    const [choices, defaults] = await Promise.all([
      senders.listSenderChoices(deps.db, { accountId: p.accountId, userId: p.userId }, deps.defaultSender),
      senders.getDefaultSenders(deps.db, p.accountId, p.userId),
    ]);
    return { data: choices.map(({ userId: _, meetsNameRule, ...c }) => ({ ...c, meets_name_rule: meetsNameRule })), default: { ...defaults, installation: deps.defaultSender } };
  });

  app.post('/v1/senders/names', {
    config: { auth: { scope: 'account:write' } },
    schema: {
      tags: ['senders'], summary: 'Register an alphanumeric sender name (1–11 letters, digits or spaces; replies to it are impossible)',
      // Longer than a name may be, so a name one character too long gets its reason (`sender_too_long`), not a schema error.
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
      response: { 201: SenderIdSchema, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(idView(await senders.registerAlphanumeric(deps.db, principalOf(request).accountId, request.body.name))));

  app.post('/v1/senders/mobiles', {
    config: { auth: { scope: 'messages:write', sessionOnly: true } },
    schema: {
      tags: ['senders'], summary: 'Register your own mobile as a sender: Herald sends it a code by SMS (not charged, not in your messages)',
      body: Type.Object({ number: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }),
      response: { 202: Type.Object({ id: Type.String(), number: Type.String(), code_expires_at: Type.String({ format: 'date-time' }) }), ...errorResponses, 402: errorResponses[400] },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const started = await senders.startMobileVerification(deps.db, { accountId: p.accountId, userId: p.userId! }, request.body.number, {
      // Herald's own SMS, not the claimant's: were it in their Sent list, they
      // could read the code of a number that is not theirs.
      deliver: async (to, text, expiresAt, tx) => void await messages.sendOwnSms(tx, { to, text, sender: deps.defaultSender, validUntil: expiresAt }),
    });
    return reply.status(202).send({ id: started.senderId.id, number: started.senderId.value, code_expires_at: started.expiresAt.toISOString() });
  });

  app.post('/v1/senders/mobiles/:id/verify', {
    config: { auth: { scope: 'messages:write', sessionOnly: true } },
    schema: {
      tags: ['senders'], summary: 'Enter the code sent to your mobile',
      params: IdParams,
      body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 12 }) }, { additionalProperties: false }),
      response: { 200: SenderIdSchema, ...errorResponses },
    },
  }, async (request) => {
    const p = principalOf(request);
    return idView(await senders.verifyMobile(deps.db, { accountId: p.accountId, userId: p.userId! }, request.params.id, request.body.code));
  });

  app.delete('/v1/senders/:id', {
    config: { auth: { scope: 'messages:write' } },
    schema: { tags: ['senders'], summary: 'Remove a name (account administrators) or your own mobile', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    const p = principalOf(request);
    await senders.removeSenderId(deps.db, { accountId: p.accountId, userId: p.userId, canManageAccount: hasScope(p, 'account:write') }, request.params.id);
    return reply.status(204).send(null);
  });

  app.put('/v1/senders/default', {
    config: { auth: { scope: 'account:write' } },
    schema: {
      tags: ['senders'], summary: 'The account\'s default sender (null: the installation\'s)',
      body: Type.Object({ sender: Nullable(SenderValue) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    await senders.setDefaultSender(deps.db, { accountId: p.accountId, userId: p.userId }, { userId: null }, request.body.sender, deps.defaultSender);
    return reply.status(204).send(null);
  });

  app.put('/v1/senders/my-default', {
    config: { auth: { scope: 'messages:write', sessionOnly: true } },
    schema: {
      tags: ['senders'], summary: 'Your own default sender, before the account\'s (null: none)',
      body: Type.Object({ sender: Nullable(SenderValue) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    await senders.setDefaultSender(deps.db, { accountId: p.accountId, userId: p.userId }, { userId: p.userId }, request.body.sender, deps.defaultSender);
    return reply.status(204).send(null);
  });

  app.get('/v1/admin/sender-numbers', {
    config: { auth: admin },
    schema: { tags: ['admin'], summary: 'Pool and dedicated numbers of the installation', response: { 200: Type.Object({ data: Type.Array(NumberSchema) }), ...errorResponses } },
  }, async () => ({ data: (await senders.listSenderNumbers(deps.db)).map(numberView) }));

  app.post('/v1/admin/sender-numbers', {
    config: { auth: admin },
    schema: {
      tags: ['admin'], summary: 'Add a number to the shared pool, or as a dedicated number (optionally assigned to an account)',
      body: Type.Object({ number: Type.String({ minLength: 1, maxLength: 40 }), kind: Type.Union([Type.Literal('pool'), Type.Literal('dedicated')]), account_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }))) }, { additionalProperties: false }),
      response: { 201: NumberSchema, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(numberView(await senders.addSenderNumber(deps.db, { number: request.body.number, kind: request.body.kind, accountId: request.body.account_id ?? null }))));

  app.put('/v1/admin/sender-numbers/:number/account', {
    config: { auth: admin },
    schema: {
      tags: ['admin'], summary: 'Assign a dedicated number to an account (null takes it back); replies follow at once',
      params: NumberParams,
      body: Type.Object({ account_id: Nullable(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false }),
      response: { 200: NumberSchema, ...errorResponses },
    },
  }, async (request) => numberView(await senders.assignSenderNumber(deps.db, request.params.number, request.body.account_id)));

  app.delete('/v1/admin/sender-numbers/:number', {
    config: { auth: admin },
    schema: { tags: ['admin'], summary: 'Remove a number; replies to it become unroutable', params: NumberParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await senders.removeSenderNumber(deps.db, request.params.number);
    return reply.status(204).send(null);
  });
};
