import { sql, type Kysely } from 'kysely';

// An SMS centre's message ids are unique only for a while: its counter
// restarts or wraps. A unique index made the write of a whole dispatch round
// fail on one reused id, and every answer in it was lost (the parts were sent
// again). Receipts now go to the most recent submit with the id.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index message_parts_by_provider_id on message_parts (connector_id, provider_message_id) where provider_message_id is not null;
    drop index message_parts_provider_id;
  `.execute(db);
}
