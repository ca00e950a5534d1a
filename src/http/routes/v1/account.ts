import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as accounts from '../../../modules/accounts/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { AccountSchema, Country, Locale, Name, Nullable, Timezone, UserSchema, accountView, errorResponses, userView } from '../../schemas.js';

export const accountRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/account', {
    config: { auth: { scope: 'account:read' } },
    schema: { tags: ['account'], summary: 'The account acted on', response: { 200: AccountSchema, ...errorResponses } },
  }, async (request) => accountView(await accounts.getAccount(deps.db, principalOf(request)), deps.currency));

  app.patch('/v1/account', {
    config: { auth: { scope: 'account:write' } },
    schema: {
      tags: ['account'],
      summary: 'Rename the account or change its defaults',
      body: Type.Object(
        {
          name: Type.Optional(Name),
          default_country: Type.Optional(Country),
          timezone: Type.Optional(Timezone),
          sms_max_parts: Type.Optional(Type.Integer({ minimum: 1, maximum: 255 })),
          allowed_countries: Type.Optional(Nullable(Type.Array(Country, { maxItems: 250 }))),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
      response: { 200: AccountSchema, ...errorResponses },
    },
  }, async (request) => {
    const b = request.body;
    const account = await accounts.updateOwnAccount(deps.db, principalOf(request), {
      ...(b.name !== undefined && { name: b.name }),
      ...(b.default_country !== undefined && { defaultCountry: b.default_country }),
      ...(b.timezone !== undefined && { timezone: b.timezone }),
      ...(b.sms_max_parts !== undefined && { smsMaxParts: b.sms_max_parts }),
      ...(b.allowed_countries !== undefined && { allowedCountries: b.allowed_countries?.map((c) => c.toUpperCase()) ?? null }),
    });
    return accountView(account, deps.currency);
  });

  app.get('/v1/me', {
    config: { auth: { scope: 'account:read', sessionOnly: true } },
    schema: { tags: ['account'], summary: 'Your own profile', response: { 200: UserSchema, ...errorResponses } },
  }, async (request) => userView((await accounts.getProfile(deps.db, principalOf(request))).user));

  app.patch('/v1/me', {
    config: { auth: { scope: 'account:read', sessionOnly: true } },
    schema: {
      tags: ['account'],
      summary: 'Change your name, language, time zone or own mobile number (international format)',
      body: Type.Object(
        {
          name: Type.Optional(Name), locale: Type.Optional(Locale), timezone: Type.Optional(Nullable(Timezone)),
          mobile: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
      response: { 200: UserSchema, ...errorResponses },
    },
  }, async (request) => userView(await accounts.updateProfile(deps.db, principalOf(request), request.body)));
};
