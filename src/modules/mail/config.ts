import { Type, type Static } from '@sinclair/typebox';

export const MailConfigSchema = Type.Object({
  HERALD_SMTP_URL: Type.Optional(
    Type.String({
      pattern: '^smtps?://',
      description: 'SMTP server for Herald\'s own email (smtp://user:pass@host:587); unset = keep mail in the outbox',
    }),
  ),
  HERALD_MAIL_FROM: Type.String({ default: 'Herald <herald@localhost>', minLength: 3, description: 'From address of Herald\'s own email' }),
});
export type MailConfig = Static<typeof MailConfigSchema>;
