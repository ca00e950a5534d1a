import { Type, type Static } from '@sinclair/typebox';

export const SmsConfigSchema = Type.Object({
  // The form parseSender accepts: a number, or a name of 1 to 11 letters, digits and spaces.
  HERALD_SMS_DEFAULT_SENDER: Type.String({
    default: 'Herald', minLength: 1, maxLength: 20, pattern: '^(\\+?[0-9 ]+|[A-Za-z0-9 ]{1,11})$',
    description: 'Sender of an SMS that names none: a number, or a name of 1 to 11 letters, digits and spaces',
  }),
  HERALD_SMPP_URL: Type.Optional(
    Type.String({ pattern: '^smpp://', description: 'An SMS centre to send through: smpp://system_id:password@host:2775?binds=2&window=10' }),
  ),
  HERALD_SMSC_SIMULATOR: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')], {
    default: 'auto',
    description: 'Run the built-in SMS centre simulator in the worker (auto: when neither DATABASE_URL nor HERALD_SMPP_URL is set)',
  }),
});
export type SmsConfig = Static<typeof SmsConfigSchema>;

/** The connector settings in an smpp:// URL. */
export function smppUrlToConfig(url: string): Record<string, unknown> {
  const u = new URL(url);
  const config: Record<string, unknown> = {
    host: u.hostname,
    port: u.port ? Number(u.port) : 2775,
    systemId: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
  for (const [k, v] of u.searchParams) config[k] = /^\d+$/.test(v) ? Number(v) : v;
  return config;
}
