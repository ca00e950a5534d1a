import { sql, type Kysely } from 'kysely';

// Forgot-password requests are queued and answered by the worker, so that the
// request itself does the same work for a known and an unknown address (its
// answer time told them apart). Each address and each client address gets a
// few per hour, counted in fixed windows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table rate_limit_windows (
      key text primary key,
      window_started_at timestamptz not null default now(),
      hits integer not null default 0
    );

    create table password_reset_requests (
      id bigserial primary key,
      email text not null,
      link_base text not null,
      requested_at timestamptz not null default now()
    );
  `.execute(db);
}
