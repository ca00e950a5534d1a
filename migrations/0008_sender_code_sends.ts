import { sql, type Kysely } from 'kysely';

// Verification codes sent per user, whichever number they went to: removing
// a mobile and adding it again must not reset the daily cap.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sender_code_sends (
      user_id text not null references users(id) on delete cascade,
      sent_at timestamptz not null
    );
    create index sender_code_sends_user on sender_code_sends (user_id, sent_at);
  `.execute(db);
}
