import { sql, type Executor } from '../../platform/db/index.js';

export interface SenderNumberRow {
  number: string;
  kind: 'pool' | 'dedicated';
  account_id: string | null;
  created_at: Date;
}

export interface SenderIdRow {
  id: string;
  account_id: string;
  user_id: string | null;
  kind: 'mobile' | 'alphanumeric';
  value: string;
  verified_at: Date | null;
  code_hash: Buffer | null;
  code_expires_at: Date | null;
  code_attempts: number;
  codes_sent: number;
  created_at: Date;
}

export async function findReplyAccount(db: Executor, ourNumber: string, theirNumber: string): Promise<string | null> {
  const r = await sql<{ account_id: string }>`
    select n.account_id from sender_numbers n where n.number = ${ourNumber} and n.kind = 'dedicated' and n.account_id is not null
    union all
    select a.account_id from pool_assignments a where a.pool_number = ${ourNumber} and a.recipient = ${theirNumber}
    limit 1`.execute(db);
  return r.rows[0]?.account_id ?? null;
}

// Sender numbers: the installation's pool and its dedicated numbers.

export async function insertSenderNumber(db: Executor, row: { number: string; kind: 'pool' | 'dedicated'; accountId: string | null }): Promise<SenderNumberRow | null> {
  const r = await sql<SenderNumberRow>`insert into sender_numbers (number, kind, account_id) values (${row.number}, ${row.kind}, ${row.accountId})
    on conflict (number) do nothing returning *`.execute(db);
  return r.rows[0] ?? null;
}

export async function listSenderNumbers(db: Executor, filter: { accountId?: string } = {}): Promise<SenderNumberRow[]> {
  const r = await sql<SenderNumberRow>`select * from sender_numbers
    where (${filter.accountId ?? null}::text is null or account_id = ${filter.accountId ?? null}) order by kind, number`.execute(db);
  return r.rows;
}

export async function setNumberAccount(db: Executor, number: string, accountId: string | null): Promise<SenderNumberRow | null> {
  const r = await sql<SenderNumberRow>`update sender_numbers set account_id = ${accountId} where number = ${number} and kind = 'dedicated' returning *`.execute(db);
  return r.rows[0] ?? null;
}

export async function deleteSenderNumber(db: Executor, number: string): Promise<boolean> {
  const r = await sql`delete from sender_numbers where number = ${number}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function countPoolNumbers(db: Executor): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from sender_numbers where kind = 'pool'`.execute(db);
  return r.rows[0]?.n ?? 0;
}

export async function listPoolNumbers(db: Executor): Promise<string[]> {
  const r = await sql<{ number: string }>`select number from sender_numbers where kind = 'pool' order by number`.execute(db);
  return r.rows.map((x) => x.number);
}

/** The pool numbers already paired with these recipients for this account. */
export async function findPoolAssignments(db: Executor, accountId: string, recipients: string[]): Promise<Map<string, string>> {
  const r = await sql<{ recipient: string; pool_number: string }>`select recipient, pool_number from pool_assignments
    where account_id = ${accountId} and recipient = any(${recipients}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.recipient, x.pool_number]));
}

/**
 * Pairs each recipient with a pool number no other account uses for that
 * recipient. The order hashes the account into the pool, so accounts spread
 * over the numbers instead of all taking the first. Pairs taken concurrently
 * by another send are skipped (the caller reads again). A `preferred` number
 * is taken first wherever it is free. Answers how many of the recipients
 * still had a free number: 0 means trying again is useless.
 */
export async function insertPoolAssignments(db: Executor, accountId: string, recipients: string[], preferred: string | null = null): Promise<number> {
  const r = await sql<{ free: number }>`with picked as (
      select distinct on (w.recipient) p.number, w.recipient
      from unnest(${recipients}::text[]) as w(recipient)
      cross join sender_numbers p
      where p.kind = 'pool'
        and not exists (select 1 from pool_assignments x where x.pool_number = p.number and x.recipient = w.recipient)
      order by w.recipient, p.number = ${preferred} is not true, hashtext(${accountId} || p.number)
    ), inserted as (
      insert into pool_assignments (pool_number, recipient, account_id)
      select number, recipient, ${accountId} from picked
      on conflict do nothing returning 1
    )
    select count(*)::int as free from picked`.execute(db);
  return r.rows[0]?.free ?? 0;
}

// Sender ids: alphanumeric names and users' own mobiles.

export async function insertSenderId(db: Executor, row: Pick<SenderIdRow, 'id' | 'account_id' | 'user_id' | 'kind' | 'value' | 'verified_at'>): Promise<SenderIdRow | null> {
  const r = await sql<SenderIdRow>`insert into sender_ids (id, account_id, user_id, kind, value, verified_at)
    values (${row.id}, ${row.account_id}, ${row.user_id}, ${row.kind}, ${row.value}, ${row.verified_at})
    on conflict do nothing returning *`.execute(db);
  return r.rows[0] ?? null;
}

export async function findSenderIdByValue(db: Executor, accountId: string, kind: 'mobile' | 'alphanumeric', value: string): Promise<SenderIdRow | null> {
  const r = await sql<SenderIdRow>`select * from sender_ids where account_id = ${accountId} and kind = ${kind} and value = ${value}`.execute(db);
  return r.rows[0] ?? null;
}

export async function findSenderId(db: Executor, accountId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<SenderIdRow | null> {
  const lock = options.forUpdate ? sql`for update` : sql``;
  const r = await sql<SenderIdRow>`select * from sender_ids where account_id = ${accountId} and id = ${id} ${lock}`.execute(db);
  return r.rows[0] ?? null;
}

export async function listSenderIds(db: Executor, accountId: string): Promise<SenderIdRow[]> {
  const r = await sql<SenderIdRow>`select * from sender_ids where account_id = ${accountId} order by kind, value`.execute(db);
  return r.rows;
}

export async function updateCode(db: Executor, id: string, code: { hash: Buffer | null; expiresAt: Date | null; countSent: boolean }): Promise<void> {
  await sql`update sender_ids set code_hash = ${code.hash}, code_expires_at = ${code.expiresAt}, code_attempts = 0,
    codes_sent = codes_sent + ${code.countSent ? 1 : 0} where id = ${id}`.execute(db);
}

export async function recordAttempt(db: Executor, id: string, verified: boolean): Promise<void> {
  await sql`update sender_ids set code_attempts = code_attempts + 1,
    verified_at = case when ${verified} then now() else verified_at end,
    code_hash = case when ${verified} then null else code_hash end
    where id = ${id}`.execute(db);
}

export async function deleteSenderId(db: Executor, accountId: string, id: string): Promise<boolean> {
  const r = await sql`delete from sender_ids where account_id = ${accountId} and id = ${id}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

// Defaults.

export async function listDefaults(db: Executor, accountId: string): Promise<{ user_id: string | null; sender: string }[]> {
  const r = await sql<{ user_id: string | null; sender: string }>`select user_id, sender from sender_defaults where account_id = ${accountId}`.execute(db);
  return r.rows;
}

export async function setDefault(db: Executor, accountId: string, userId: string | null, sender: string | null): Promise<void> {
  await sql`delete from sender_defaults where account_id = ${accountId} and coalesce(user_id, '') = ${userId ?? ''}`.execute(db);
  if (sender !== null) await sql`insert into sender_defaults (account_id, user_id, sender) values (${accountId}, ${userId}, ${sender})`.execute(db);
}

/** Defaults that name a sender no longer available to their account, so its sends fall back instead of failing. */
export async function deleteDefaultsNaming(db: Executor, sender: string, filter: { accountId?: string; exceptAccountId?: string | null } = {}): Promise<void> {
  await sql`delete from sender_defaults where sender = ${sender}
    ${filter.accountId ? sql`and account_id = ${filter.accountId}` : sql``}
    ${filter.exceptAccountId ? sql`and account_id <> ${filter.exceptAccountId}` : sql``}`.execute(db);
}

/** Counts the user's codes sent since `since` and, when under `max`, records one more; false when at the cap. */
export type CodeLimit = 'user' | 'account' | 'number';

/**
 * Counts a code sent for `who` unless one of the caps is reached in the
 * window since `since`; returns the cap that refused it, or null.
 */
export async function recordCodeSend(
  db: Executor,
  who: { userId: string; accountId: string; number: string },
  at: Date,
  since: Date,
  caps: Record<CodeLimit, number>,
): Promise<CodeLimit | null> {
  // Concurrent requests must not all pass a count: one lock per counter, always in this order.
  for (const key of [`account:${who.accountId}`, `number:${who.number}`, `user:${who.userId}`]) {
    await sql`select pg_advisory_xact_lock(hashtext(${`sender-codes:${key}`}))`.execute(db);
  }
  await sql`delete from sender_code_sends where sent_at < ${since} and (user_id = ${who.userId} or account_id = ${who.accountId} or number = ${who.number})`.execute(db);
  const r = await sql<{ user: number; account: number; number: number }>`select
      count(*) filter (where user_id = ${who.userId})::int as user,
      count(*) filter (where account_id = ${who.accountId})::int as account,
      count(*) filter (where number = ${who.number})::int as number
    from sender_code_sends where sent_at >= ${since} and (user_id = ${who.userId} or account_id = ${who.accountId} or number = ${who.number})`.execute(db);
  const counts = r.rows[0] ?? { user: 0, account: 0, number: 0 };
  const hit = (['number', 'account', 'user'] as const).find((k) => counts[k] >= caps[k]);
  if (hit) return hit;
  await sql`insert into sender_code_sends (user_id, account_id, number, sent_at) values (${who.userId}, ${who.accountId}, ${who.number}, ${at})`.execute(db);
  return null;
}
