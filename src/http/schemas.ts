import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { AccountRow, ApiKeyRow, UserRow } from '../modules/accounts/index.js';

/** Shapes shared by several routes, and the mapping of rows to what the API shows. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable, machine-readable' }),
      message: Type.String(),
      field: Type.Optional(Type.String({ description: 'The input at fault' })),
      reason: Type.Optional(Type.String({
        description: 'Why, as a stable code to translate. Numbers: not_a_number, too_short, too_long, not_mobile, unknown_country_code, …; '
          + 'text: too_many_parts, empty; schedule: send_at_past, send_at_too_far; codes: code_wrong, code_wrong_last, code_expired, code_attempts_used; '
          + 'lists: shared_list_personal_contact, shared_list_personal_list; addresses: not_an_email, url_not_valid, url_scheme, url_credentials, '
          + 'url_internal, url_unresolvable, url_too_long; senders: sender_too_long, sender_invalid_characters, sender_not_allowed, no_pool_numbers; '
          + 'others: unknown_time_zone, unknown_country, name_missing, in_past, email_taken, name_taken, mobile_taken, already_verified, invalid_text.',
      })),
      params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
        description: 'Values the reason\'s sentence needs: attempts_left for code_wrong, parts and max for too_many_parts',
      })),
      requestId: Type.String(),
    }),
  },
  { $id: 'Error', title: 'Error' },
);

export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  429: ErrorSchema,
} as const;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const Email = Type.String({ minLength: 3, maxLength: 254, description: 'Email address' });
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const Name = Type.String({ minLength: 1, maxLength: 200 });
export const Timezone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Brussels' });
export const Country = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 country, e.g. BE' });
export const Locale = Type.Union([Type.Literal('en'), Type.Literal('nl'), Type.Literal('de'), Type.Literal('fr')]);
export const InviteLocale = Type.Union(Locale.anyOf, { description: 'The invitee\'s language, which the invitation is written in; the inviter\'s by default' });
export const MinorUnits = Type.Integer({ minimum: 0, maximum: 9_000_000_000_000_000, description: 'Money in integer minor units (cents)' });

/** The installation's currency (HERALD_CURRENCY), carried by every answer with amounts in it. */
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code of the amounts next to it, which are integer minor units of it (cents for EUR)' });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const AccountSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  default_country: Type.String(),
  timezone: Type.String(),
  spending_limit: Nullable(Type.Integer()),
  currency: Currency,
  sms_max_parts: Type.Integer({ description: 'Longest SMS accepted, in parts' }),
  allowed_countries: Nullable(Type.Array(Type.String(), { description: 'Destinations this account may send to; null = all' })),
  is_operator: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
});

export const UserSchema = Type.Object({
  id: Type.String(),
  account_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  locale: Type.String(),
  timezone: Nullable(Type.String()),
  mobile: Nullable(Type.String({ description: 'Own mobile in E.164, where reminders go' })),
  status: Type.Union([Type.Literal('active'), Type.Literal('invited'), Type.Literal('disabled')]),
  created_at: Type.String({ format: 'date-time' }),
});

export const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
  scopes: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: Nullable(Type.String({ format: 'date-time' })),
  last_used_at: Nullable(Type.String({ format: 'date-time' })),
  revoked_at: Nullable(Type.String({ format: 'date-time' })),
  suspended: Type.Boolean({ description: 'Its creator is disabled: the key is refused until they are enabled again' }),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function accountView(a: AccountRow, currency: string): Static<typeof AccountSchema> {
  return {
    id: a.id,
    name: a.name,
    default_country: a.default_country,
    timezone: a.timezone,
    spending_limit: a.spending_limit_minor === null ? null : Number(a.spending_limit_minor),
    currency,
    sms_max_parts: a.sms_max_parts,
    allowed_countries: a.allowed_countries,
    is_operator: a.is_operator,
    created_at: a.created_at.toISOString(),
  };
}

export function userView(u: UserRow): Static<typeof UserSchema> {
  return {
    id: u.id,
    account_id: u.account_id,
    email: u.email,
    name: u.name,
    role: u.role,
    locale: u.locale,
    timezone: u.timezone,
    mobile: u.mobile,
    status: u.disabled_at ? 'disabled' : u.password_hash ? 'active' : 'invited',
    created_at: u.created_at.toISOString(),
  };
}

export function apiKeyView(k: ApiKeyRow): Static<typeof ApiKeySchema> {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    created_at: k.created_at.toISOString(),
    expires_at: iso(k.expires_at),
    last_used_at: iso(k.last_used_at),
    revoked_at: iso(k.revoked_at),
    suspended: k.suspended,
  };
}
