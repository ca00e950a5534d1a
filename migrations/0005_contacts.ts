import { sql, type Kysely } from 'kysely';

// The address book, distribution lists, the suppression list and import jobs.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A trusted extension: a database owner may create it.
    create extension if not exists pg_trgm;

    create table contacts (
      id text primary key,
      account_id text not null references accounts(id) on delete cascade,
      -- null: the account's shared (group) address book
      owner_user_id text references users(id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      organisation text,
      phones jsonb not null default '[]',
      -- E.164 of every phone, for lookups by number (merging, replies)
      numbers text[] not null default '{}',
      emails text[] not null default '{}',
      notes text,
      tags text[] not null default '{}',
      -- folded (lower case, no accents) name, organisation, emails and tags;
      -- numbers are searched in contact_numbers (trigrams of digits select badly)
      search text not null,
      -- byte order: the same on every server, and a prefix is an index range
      sort_name text collate "C" not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index contacts_order on contacts (account_id, sort_name, id);
    -- Without account_id: in a GIN index it matches every row of the account,
    -- and reading that posting list made each search as slow as a scan.
    create index contacts_search on contacts using gin (search gin_trgm_ops);
    create index contacts_tags on contacts using gin (tags);

    -- Every number of every contact, for lookups by number (an import merging
    -- rows, a reply finding its sender). A GIN index on contacts.numbers lost
    -- to the account index in the planner and checked 2,000-number arrays row
    -- by row; a btree here answers each number with one probe.
    create table contact_numbers (
      account_id text not null,
      -- byte order, so that a typed prefix (+32475…) is a range of the key
      number text collate "C" not null,
      -- the number backwards: its last digits as typed are a range too
      reversed text collate "C" not null,
      contact_id text not null references contacts(id) on delete cascade,
      primary key (account_id, number, contact_id)
    );
    create index contact_numbers_reversed on contact_numbers (account_id, reversed);
    create index contact_numbers_contact on contact_numbers (contact_id);

    create table contact_lists (
      id text primary key,
      account_id text not null references accounts(id) on delete cascade,
      owner_user_id text references users(id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      description text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index contact_lists_account on contact_lists (account_id, lower(name), id);

    -- A member is exactly one of: a contact (with the number type to use), a
    -- raw number, a raw address, or another list.
    create table contact_list_members (
      id bigint generated always as identity primary key,
      list_id text not null references contact_lists(id) on delete cascade,
      contact_id text references contacts(id) on delete cascade,
      phone_type text check (phone_type in ('mobile', 'fax', 'work', 'home', 'other')),
      number text,
      email text,
      member_list_id text references contact_lists(id) on delete cascade,
      created_at timestamptz not null default now(),
      check (num_nonnulls(contact_id, number, email, member_list_id) = 1),
      check (phone_type is null or contact_id is not null),
      check (member_list_id is null or member_list_id <> list_id)
    );
    create unique index contact_list_members_contact on contact_list_members (list_id, contact_id, coalesce(phone_type, '')) where contact_id is not null;
    create unique index contact_list_members_number on contact_list_members (list_id, number) where number is not null;
    create unique index contact_list_members_email on contact_list_members (list_id, email) where email is not null;
    create unique index contact_list_members_list on contact_list_members (list_id, member_list_id) where member_list_id is not null;
    create index contact_list_members_contact_id on contact_list_members (contact_id) where contact_id is not null;
    create index contact_list_members_member_list on contact_list_members (member_list_id) where member_list_id is not null;

    create table suppressions (
      account_id text not null references accounts(id) on delete cascade,
      number text not null,
      reason text,
      source text not null check (source in ('manual', 'opt_out')),
      created_at timestamptz not null default now(),
      primary key (account_id, number)
    );

    create table contact_imports (
      id text primary key,
      account_id text not null references accounts(id) on delete cascade,
      created_by text,
      owner_user_id text references users(id) on delete cascade,
      format text not null check (format in ('csv', 'vcard')),
      encoding text,
      delimiter text,
      has_header boolean not null default true,
      mapping jsonb,
      status text not null check (status in ('uploaded', 'queued', 'running', 'done', 'failed', 'cancelled')),
      bytes bigint not null default 0,
      bytes_done bigint not null default 0,
      rows_done integer not null default 0,
      created integer not null default 0,
      merged integer not null default 0,
      failed integer not null default 0,
      error text,
      lease_until timestamptz,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    create index contact_imports_account on contact_imports (account_id, id desc);
    create index contact_imports_queued on contact_imports (created_at) where status in ('queued', 'running');

    -- The uploaded file, kept in the database so that any worker process can
    -- run the import and a restart resumes it; dropped when the import ends.
    create table contact_import_chunks (
      import_id text not null references contact_imports(id) on delete cascade,
      seq integer not null,
      data bytea not null,
      primary key (import_id, seq)
    );

    create table contact_import_errors (
      import_id text not null references contact_imports(id) on delete cascade,
      line integer not null,
      field text,
      reason text not null,
      primary key (import_id, line)
    );

    -- Where a message's recipient came from; no foreign key, so that deleting
    -- a contact leaves the history as it was.
    alter table messages add column contact_id text, add column list_id text;
  `.execute(db);
}
