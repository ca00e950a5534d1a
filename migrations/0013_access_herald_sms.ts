import { sql, type Kysely } from 'kysely';

// Herald's own SMS (verification codes) belong to an account of their own
// that nobody signs in to: no tenant lists them, none is charged for them
// (their parts carry charge 'none', so the charge job never sees them).
//
// Codes are counted per user, per account and per number, so that no
// account can use Herald to flood someone else's phone.
//
// A sender name belongs to one account, whatever its case: names another
// account already took are removed from the later accounts (with their
// defaults naming them), oldest registration first.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    insert into accounts (id, name) values ('acct_herald', 'Herald') on conflict do nothing;
    alter table message_parts drop constraint message_parts_charge_check,
      add constraint message_parts_charge_check check (charge in ('settled', 'refunded', 'none'));

    alter table sender_code_sends
      add column account_id text references accounts(id) on delete cascade,
      add column number text;
    create index sender_code_sends_account on sender_code_sends (account_id, sent_at);
    create index sender_code_sends_number on sender_code_sends (number, sent_at);

    with ranked as (
      select id, account_id, value, row_number() over (partition by lower(value) order by created_at, id) as n
      from sender_ids where kind = 'alphanumeric'),
    dropped as (delete from sender_ids s using ranked r where s.id = r.id and r.n > 1 returning s.account_id, s.value)
    delete from sender_defaults d using dropped x where d.account_id = x.account_id and d.sender = x.value;
    create unique index sender_ids_name_unique on sender_ids (lower(value)) where kind = 'alphanumeric';
  `.execute(db);
}
