import { sql, type Kysely } from 'kysely';

// Messages and their parts. The parts table is the send queue: accepting a
// request inserts its parts in the same transaction as the credit hold.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table accounts
      add column sms_max_parts smallint not null default 10 check (sms_max_parts between 1 and 255),
      add column allowed_countries text[];

    create table sms_prices (
      country text primary key check (country = '*' or country ~ '^[A-Z]{2}$'),
      price_minor bigint not null check (price_minor >= 0),
      updated_at timestamptz not null default now()
    );
    insert into sms_prices (country, price_minor) values ('*', 10);

    create table sms_connectors (
      id text primary key check (id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
      provider text not null,
      config jsonb not null,
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table sms_routes (
      prefix text not null check (prefix ~ '^\\+[0-9]*$'),
      connector_id text not null references sms_connectors(id) on delete cascade,
      priority integer not null default 0,
      primary key (prefix, connector_id)
    );

    create table messages (
      id text primary key,
      account_id text not null references accounts(id),
      batch_id text not null,
      hold_reference text not null,
      created_by text,
      client_reference text,
      recipient text not null,
      recipient_country text,
      sender text not null,
      sender_ton smallint not null,
      sender_npi smallint not null,
      body text not null,
      encoding text not null check (encoding in ('gsm7', 'ucs2')),
      parts_count smallint not null check (parts_count between 1 and 255),
      price_per_part_minor bigint not null,
      status text not null check (status in ('scheduled', 'queued', 'submitted', 'delivered', 'undelivered', 'failed', 'expired', 'unknown', 'cancelled')),
      error_code text,
      send_at timestamptz not null,
      valid_until timestamptz not null,
      callback_url text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      final_at timestamptz
    );
    create index messages_account on messages (account_id, id desc);
    create index messages_batch on messages (batch_id);

    create table message_parts (
      id bigint generated always as identity primary key,
      message_id text not null references messages(id),
      seq smallint not null,
      data_coding smallint not null,
      udh bytea,
      payload bytea not null,
      status text not null check (status in ('scheduled', 'queued', 'sending', 'submitted', 'unknown', 'delivered', 'undelivered', 'failed', 'expired', 'cancelled')),
      due_at timestamptz not null,
      lease_until timestamptz,
      submits smallint not null default 0,
      unknowns smallint not null default 0,
      connector_id text,
      provider_message_id text,
      error_code text,
      submitted_at timestamptz,
      final_at timestamptz,
      unique (message_id, seq)
    );
    create index message_parts_due on message_parts (due_at) where status in ('queued', 'scheduled');
    create index message_parts_leased on message_parts (lease_until) where status = 'sending';
    create unique index message_parts_provider_id on message_parts (connector_id, provider_message_id) where provider_message_id is not null;

    create table message_events (
      id bigint generated always as identity primary key,
      message_id text not null references messages(id),
      status text not null,
      detail text,
      at timestamptz not null default now()
    );
    create index message_events_message on message_events (message_id, id);

    -- Receipts that arrived before the submit they answer was stored, and
    -- receipts nobody recognises (orphans), kept for reconciliation.
    create table sms_receipts_parked (
      connector_id text not null,
      provider_message_id text not null,
      status text not null,
      error_code text,
      done_at timestamptz,
      raw text not null,
      received_at timestamptz not null default now(),
      primary key (connector_id, provider_message_id, status)
    );

    -- Incoming texts are stored before the SMS centre is answered; routing
    -- them to accounts comes with the inbox.
    create table sms_inbound (
      id bigint generated always as identity primary key,
      connector_id text not null,
      sender text not null,
      recipient text not null,
      data_coding smallint not null,
      concat_reference integer,
      concat_total smallint,
      concat_sequence smallint,
      body text not null,
      received_at timestamptz not null default now()
    );

    create table idempotency_keys (
      account_id text not null references accounts(id),
      key text not null,
      request_hash bytea not null,
      response_status integer not null,
      response_body jsonb not null,
      created_at timestamptz not null default now(),
      primary key (account_id, key)
    );
    create index idempotency_keys_created on idempotency_keys (created_at);
  `.execute(db);
}
