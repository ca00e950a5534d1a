import { sql, type Kysely } from 'kysely';

// An import may fill a list: every contact it creates or merges into becomes
// a member. A list deleted meanwhile lets the import go on without it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contact_imports add column list_id text references contact_lists(id) on delete set null`.execute(db);
}
