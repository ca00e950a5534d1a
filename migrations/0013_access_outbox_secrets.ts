import { sql, type Kysely } from 'kysely';

// Reset and invitation links are one-time credentials: the kept body of an
// email holds them redacted, and the token itself waits in `secret` only
// until the email is sent, the token is used, or it expires. Bodies kept
// before this held working links: redact them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table email_outbox
      add column secret text,
      add column secret_hash bytea,
      add column secret_expires_at timestamptz;
    create index email_outbox_secret_hash on email_outbox (secret_hash) where secret is not null;
    create index email_outbox_secret_expiry on email_outbox (secret_expires_at) where secret is not null;
    update email_outbox set text_body = regexp_replace(text_body, '#token=[A-Za-z0-9_-]+', '#token=[redacted]', 'g'),
      html_body = regexp_replace(html_body, '#token=[A-Za-z0-9_-]+', '#token=[redacted]', 'g')
      where text_body ~ '#token=' or html_body ~ '#token=';
  `.execute(db);
}
