import { sql, type Kysely } from 'kysely';

// contact_numbers is an index the contacts repository keeps: its rows are
// written in the same statement as their contact's. The foreign key to
// contacts checked every inserted number on its own (a fifth of an import's
// time in PostgreSQL) to guard a reference that statement makes anyway; what
// it gave beyond that, the cascade on delete, a statement trigger now does
// once per statement.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table contact_numbers drop constraint contact_numbers_contact_id_fkey;

    create function contact_numbers_follow_deletes() returns trigger language plpgsql as $$
    begin
      delete from contact_numbers n using deleted d where n.contact_id = d.id;
      return null;
    end $$;

    create trigger contacts_delete_numbers after delete on contacts
      referencing old table as deleted for each statement execute function contact_numbers_follow_deletes();
  `.execute(db);
}
