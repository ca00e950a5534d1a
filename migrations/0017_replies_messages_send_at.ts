import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Lists of messages are ordered by when each goes out (send_at), the time
    -- they show, so a message scheduled later sits where its time says.
    create index messages_account_send_at on messages (account_id, send_at desc, id desc);
  `.execute(db);
}
