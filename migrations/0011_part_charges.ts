import { sql, type Kysely } from 'kysely';

// Parts are charged (settled or refunded) by a job of their own, in large
// batches and one ledger transaction per hold, not one per part inside each
// dispatch round: the wallet lock every charge takes was what held single
// sends back. `charge` records that a part's charge is written, so each part
// is charged once, whichever worker runs the job.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table message_parts add column charge text check (charge in ('settled', 'refunded'));
    -- Parts charged by the dispatcher before this migration.
    update message_parts set charge = case when status in ('failed', 'expired', 'cancelled') and submitted_at is null then 'refunded' else 'settled' end
      where status in ('submitted', 'delivered', 'undelivered', 'unknown', 'failed', 'expired', 'cancelled');
    create index message_parts_to_charge on message_parts (id)
      where charge is null and status in ('submitted', 'delivered', 'undelivered', 'unknown', 'failed', 'expired', 'cancelled');
  `.execute(db);
}
