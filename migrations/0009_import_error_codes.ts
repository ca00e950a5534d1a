import { sql, type Kysely } from 'kysely';

// A refused import row's reason as a code too, so the web app shows it in the
// user's language; the sentence stays for API users and older rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contact_import_errors add column code text`.execute(db);
}
