import { sql, type Kysely } from 'kysely';

// Sender identities, the inbox of replies with its forwarding rules, webhooks
// and the low-credit alert.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Numbers the installation holds at its operators. A pool number is shared
    -- by every account; a dedicated one belongs to the account it is assigned to.
    create table sender_numbers (
      number text primary key,
      kind text not null check (kind in ('pool', 'dedicated')),
      account_id text references accounts(id) on delete set null,
      created_at timestamptz not null default now(),
      check (kind = 'dedicated' or account_id is null)
    );
    create index sender_numbers_account on sender_numbers (account_id) where account_id is not null;

    -- The pool number an account uses for a recipient, kept so that the
    -- recipient's reply to that number reaches that account. The primary key
    -- is what makes a reply routable: one account per (pool number, recipient).
    create table pool_assignments (
      pool_number text not null references sender_numbers(number) on delete cascade,
      recipient text not null,
      account_id text not null references accounts(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (pool_number, recipient)
    );
    create unique index pool_assignments_account on pool_assignments (account_id, recipient);

    -- Senders an account registered: a user's own mobile (usable once the code
    -- sent to it is entered) or an alphanumeric name (never repliable).
    create table sender_ids (
      id text primary key,
      account_id text not null references accounts(id) on delete cascade,
      user_id text references users(id) on delete cascade,
      kind text not null check (kind in ('mobile', 'alphanumeric')),
      value text not null,
      verified_at timestamptz,
      code_hash bytea,
      code_expires_at timestamptz,
      code_attempts integer not null default 0,
      codes_sent integer not null default 0,
      created_at timestamptz not null default now(),
      unique (account_id, kind, value),
      check (kind = 'alphanumeric' or user_id is not null)
    );

    -- 'pool' or a sender address. A user's default wins over the account's,
    -- which wins over the installation's.
    create table sender_defaults (
      account_id text not null references accounts(id) on delete cascade,
      -- null: the account's default
      user_id text references users(id) on delete cascade,
      sender text not null
    );
    create unique index sender_defaults_one on sender_defaults (account_id, coalesce(user_id, ''));

    -- Raw inbound parts are kept as the connector received them; the inbox job
    -- joins them into messages and marks them.
    alter table sms_inbound add column concat_reference_bits smallint;
    alter table sms_inbound add column inbox_message_id text;
    alter table sms_inbound add column processed_at timestamptz;
    create index sms_inbound_pending on sms_inbound (received_at) where processed_at is null;
    create index sms_inbound_processed on sms_inbound (processed_at) where processed_at is not null;
    create index sms_inbound_parts on sms_inbound (connector_id, sender, recipient, concat_reference)
      where concat_reference is not null;
    -- A single text resent by the centre (its answer was lost) is found among the last minute's.
    create index sms_inbound_singles on sms_inbound (connector_id, sender, recipient, received_at)
      where concat_reference is null;

    -- A reply is shown with the message it answers: the latest one to its sender.
    create index messages_recipient on messages (account_id, recipient, id desc);

    create table inbox_messages (
      id text primary key,
      -- null: no account could be found; kept for the administrator
      account_id text references accounts(id) on delete cascade,
      connector_id text not null,
      sender text not null,
      recipient text not null,
      body text not null,
      parts smallint not null,
      -- true when a part never arrived and the rest was flushed after the timeout
      incomplete boolean not null default false,
      reply_to_message_id text references messages(id) on delete set null,
      opt_out text check (opt_out in ('stop', 'start')),
      received_at timestamptz not null,
      read_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index inbox_account on inbox_messages (account_id, received_at desc, id desc);
    create index inbox_unread on inbox_messages (account_id) where read_at is null;
    -- Refused sends delete their message rows inside the commit that holds the
    -- wallet lock; without this each deleted row would scan the inbox.
    create index inbox_reply_to on inbox_messages (reply_to_message_id) where reply_to_message_id is not null;

    create table inbox_forwarding_rules (
      id text primary key,
      account_id text not null references accounts(id) on delete cascade,
      kind text not null check (kind in ('email', 'http')),
      target text not null,
      enabled boolean not null default true,
      created_at timestamptz not null default now()
    );
    create index inbox_forwarding_account on inbox_forwarding_rules (account_id);

    create table webhook_endpoints (
      id text primary key,
      account_id text not null references accounts(id) on delete cascade,
      url text not null,
      description text,
      events text[] not null,
      -- newest first; after a rotation the previous one signs too until it expires
      secrets jsonb not null,
      enabled boolean not null default true,
      disabled_reason text,
      failing_since timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index webhook_endpoints_account on webhook_endpoints (account_id);

    -- Signs deliveries to URLs that are not endpoints: a message's callback_url
    -- and HTTP forwarding rules.
    create table webhook_account_secrets (
      account_id text primary key references accounts(id) on delete cascade,
      secrets jsonb not null
    );

    create table webhook_events (
      id text primary key,
      account_id text not null references accounts(id) on delete cascade,
      type text not null,
      payload jsonb not null,
      created_at timestamptz not null default now()
    );
    -- Ids are time-ordered: pages go by id.
    create index webhook_events_account on webhook_events (account_id, id desc);
    create index webhook_events_created on webhook_events (created_at);

    create table webhook_deliveries (
      id text primary key,
      event_id text not null references webhook_events(id) on delete cascade,
      account_id text not null references accounts(id) on delete cascade,
      -- null for a callback_url or a forwarding rule
      endpoint_id text references webhook_endpoints(id) on delete cascade,
      url text not null,
      status text not null check (status in ('pending', 'succeeded', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      leased_until timestamptz,
      last_error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
    create index webhook_deliveries_event on webhook_deliveries (event_id);
    create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, id desc);

    create table webhook_attempts (
      id bigint generated always as identity primary key,
      delivery_id text not null references webhook_deliveries(id) on delete cascade,
      attempted_at timestamptz not null default now(),
      status_code integer,
      latency_ms integer not null,
      response_start text,
      error text
    );
    create index webhook_attempts_delivery on webhook_attempts (delivery_id, id);

    -- Below this much available bought credit the account is told, once per crossing.
    create table credit_alerts (
      account_id text primary key references accounts(id) on delete cascade,
      threshold_minor bigint not null check (threshold_minor >= 0),
      below boolean not null default false,
      last_alert_at timestamptz
    );
  `.execute(db);
}
