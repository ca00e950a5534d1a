import { sql, type Kysely } from 'kysely';

// Accounts, users, sign-in, API keys and the email outbox.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table accounts (
      id text primary key,
      name text not null check (length(name) between 1 and 200),
      parent_id text references accounts(id),
      is_operator boolean not null default false,
      default_country text not null default 'BE' check (default_country ~ '^[A-Z]{2}$'),
      timezone text not null default 'UTC',
      spending_limit_minor bigint check (spending_limit_minor >= 0),
      created_at timestamptz not null default now(),
      check (not (is_operator and parent_id is not null))
    );
    create unique index accounts_one_operator on accounts ((true)) where is_operator;
    create index accounts_parent on accounts (parent_id);

    create table users (
      id text primary key,
      account_id text not null references accounts(id),
      email text not null,
      name text not null default '',
      role text not null check (role in ('owner', 'admin', 'member')),
      password_hash text,
      locale text not null default 'en',
      timezone text,
      mobile text,
      created_at timestamptz not null default now(),
      password_changed_at timestamptz,
      disabled_at timestamptz
    );
    create unique index users_email on users (lower(email));
    create index users_account on users (account_id);

    create table sessions (
      id text primary key,
      token_hash bytea not null unique,
      user_id text not null references users(id) on delete cascade,
      account_id text not null references accounts(id),
      csrf_token text not null,
      ip text,
      user_agent text,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index sessions_user on sessions (user_id);

    create table api_keys (
      id text primary key,
      account_id text not null references accounts(id),
      name text not null,
      prefix text not null,
      token_hash bytea not null unique,
      scopes text[] not null,
      created_by text references users(id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      last_used_ip text,
      revoked_at timestamptz
    );
    create index api_keys_account on api_keys (account_id);

    create table one_time_tokens (
      token_hash bytea primary key,
      purpose text not null check (purpose in ('setup', 'password_reset', 'invitation')),
      user_id text references users(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );

    create table login_throttle (
      key text primary key,
      failures integer not null default 0,
      last_failure_at timestamptz not null default now(),
      blocked_until timestamptz
    );

    create table email_outbox (
      id text primary key,
      account_id text references accounts(id),
      to_address text not null,
      subject text not null,
      text_body text not null,
      html_body text,
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      locked_until timestamptz,
      last_error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    );
    create index email_outbox_due on email_outbox (next_attempt_at) where status = 'pending';
    create index email_outbox_created on email_outbox (created_at desc);
  `.execute(db);
}
