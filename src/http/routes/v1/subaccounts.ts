import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as accounts from '../../../modules/accounts/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { AccountSchema, Country, Email, IdParams, InviteLocale, MinorUnits, Name, Nullable, Timezone, UserSchema, accountView, errorResponses, userView } from '../../schemas.js';

const SubaccountSchema = Type.Intersect([
  AccountSchema,
  Type.Object({
    usage: Type.Object({
      users: Type.Integer(),
      active_api_keys: Type.Integer(),
      spent_this_month: Type.Integer({ description: 'Minor units, this subaccount and its own subaccounts' }),
      month: Type.String({ description: 'YYYY-MM in the subaccount\'s time zone' }),
    }),
  }),
]);

const toMinor = (v: number | null | undefined) => (v === undefined ? undefined : v === null ? null : BigInt(v));

export const subaccountRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/subaccounts', {
    config: { auth: { scope: 'account:read' } },
    schema: { tags: ['subaccounts'], summary: 'Direct subaccounts of the account', response: { 200: Type.Object({ data: Type.Array(AccountSchema) }), ...errorResponses } },
  }, async (request) => ({ data: (await accounts.listSubaccounts(deps.db, principalOf(request))).map((a) => accountView(a, deps.currency)) }));

  app.post('/v1/subaccounts', {
    // Its owner is a new person: only a signed-in person may create one.
    config: { auth: { scope: 'account:write', sessionOnly: true } },
    schema: {
      tags: ['subaccounts'],
      summary: 'Create a subaccount; its owner is invited by email',
      body: Type.Object(
        {
          name: Name,
          spending_limit: Type.Optional(Nullable(MinorUnits)),
          default_country: Type.Optional(Country),
          timezone: Type.Optional(Timezone),
          owner: Type.Object({ email: Email, name: Type.Optional(Name), locale: Type.Optional(InviteLocale) }, { additionalProperties: false }),
        },
        { additionalProperties: false },
      ),
      response: { 201: Type.Object({ subaccount: AccountSchema, owner: UserSchema, invitation_link: Type.String() }), ...errorResponses },
    },
  }, async (request, reply) => {
    const b = request.body;
    const result = await accounts.createSubaccount(deps.db, principalOf(request), {
      name: b.name,
      spendingLimitMinor: toMinor(b.spending_limit) ?? null,
      ...(b.default_country && { defaultCountry: b.default_country }),
      ...(b.timezone && { timezone: b.timezone }),
      owner: b.owner,
    }, deps.publicUrl);
    return reply.status(201).send({ subaccount: accountView(result.account, deps.currency), owner: userView(result.owner), invitation_link: result.invitationLink });
  });

  app.get('/v1/subaccounts/:id', {
    config: { auth: { scope: 'account:read' } },
    schema: { tags: ['subaccounts'], summary: 'One subaccount with its usage', params: IdParams, response: { 200: SubaccountSchema, ...errorResponses } },
  }, async (request) => {
    const { account, usage } = await accounts.getSubaccount(deps.db, principalOf(request), request.params.id);
    return {
      ...accountView(account, deps.currency),
      usage: { users: usage.users, active_api_keys: usage.activeApiKeys, spent_this_month: Number(usage.spentThisMonthMinor), month: usage.month },
    };
  });

  app.patch('/v1/subaccounts/:id', {
    config: { auth: { scope: 'account:write' } },
    schema: {
      tags: ['subaccounts'],
      summary: 'Rename a subaccount or set its spending limit (null = none)',
      params: IdParams,
      body: Type.Object({ name: Type.Optional(Name), spending_limit: Type.Optional(Nullable(MinorUnits)) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: AccountSchema, ...errorResponses },
    },
  }, async (request) => {
    const minor = toMinor(request.body.spending_limit);
    const account = await accounts.updateSubaccount(deps.db, principalOf(request), request.params.id, {
      ...(request.body.name !== undefined && { name: request.body.name }),
      ...(minor !== undefined && { spendingLimitMinor: minor }),
    });
    return accountView(account, deps.currency);
  });
};
