import { sql, type Executor } from '../../platform/db/index.js';
import type { ApiKeysTable, OneTimeTokensTable, SessionsTable } from '../../platform/db/schema.js';
import type { Insertable, Selectable } from 'kysely';
import { coalesced } from '../../platform/coalesce.js';
import type { Role } from './principal.js';

export type SessionRow = Selectable<SessionsTable>;
/** `suspended`: its creator is disabled, so the key does not work until they are enabled again. */
export type ApiKeyRow = Selectable<ApiKeysTable> & { suspended: boolean };
export type TokenRow = Selectable<OneTimeTokensTable>;

export async function insertSession(db: Executor, row: Insertable<SessionsTable>): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** The live session for a token, its expiry slid forward by `ttlHours`. */
export function touchSession(db: Executor, tokenHash: Buffer, ttlHours: number): Promise<SessionRow | undefined> {
  return db
    .updateTable('sessions')
    .set({
      last_seen_at: sql`now()`,
      expires_at: sql`now() + make_interval(hours => ${ttlHours})`,
    })
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteUserSessions(db: Executor, userId: string, exceptId?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptId) q = q.where('id', '!=', exceptId);
  await q.execute();
}

export async function deleteExpiredSessions(db: Executor): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<=', sql<Date>`now()`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// A key acts for the person who made it: while they are disabled, it is suspended.
const SUSPENDED = sql<boolean>`exists (select 1 from users u where u.id = api_keys.created_by and u.disabled_at is not null)`;

export async function insertApiKey(db: Executor, row: Insertable<ApiKeysTable>): Promise<ApiKeyRow> {
  return db.insertInto('api_keys').values(row).returningAll().returning(SUSPENDED.as('suspended')).executeTakeFirstOrThrow();
}

export function listApiKeys(db: Executor, accountId: string): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().select(SUSPENDED.as('suspended')).where('account_id', '=', accountId).orderBy('id').execute();
}

export function revokeApiKey(db: Executor, accountId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .returningAll()
    .returning(SUSPENDED.as('suspended'))
    .executeTakeFirst();
}

/** A removed person's keys end with them (a disabled person's are only suspended). */
export async function revokeUserApiKeys(db: Executor, userId: string): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: sql`now()` }).where('created_by', '=', userId).where('revoked_at', 'is', null).execute();
}

/** A usable key, with what its creator may do now (their role, in the operator account or not). */
export type UsableApiKey = ApiKeyRow & { creator_role: Role | null; operator_account: boolean };

/** The usable keys of these hashes, in their order; one statement for many requests' keys. */
async function findUsableApiKeys(db: Executor, tokenHashes: Buffer[]): Promise<(UsableApiKey | undefined)[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where(sql<boolean>`token_hash = any(${tokenHashes}::bytea[])`)
    .select(SUSPENDED.as('suspended'))
    .select(sql<Role | null>`(select u.role from users u where u.id = api_keys.created_by)`.as('creator_role'))
    .select(sql<boolean>`(select a.is_operator from accounts a where a.id = api_keys.account_id)`.as('operator_account'))
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .where(sql<boolean>`not ${SUSPENDED}`)
    .execute();
  const byHash = new Map(rows.map((r) => [r.token_hash.toString('hex'), r]));
  return tokenHashes.map((h) => byHash.get(h.toString('hex')));
}

// Every API request reads its key: the requests that arrive together share the read.
const findUsableApiKey = coalesced(findUsableApiKeys);

/** A usable key for this hash, its last use recorded at most once a minute. */
export async function useApiKey(db: Executor, tokenHash: Buffer, ip: string | null): Promise<UsableApiKey | undefined> {
  const key = await findUsableApiKey(db, tokenHash);
  if (!key) return undefined;
  if (!key.last_used_at || Date.now() - key.last_used_at.getTime() > 60_000 || key.last_used_ip !== ip) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql`now()`, last_used_ip: ip })
      .where('id', '=', key.id)
      .execute();
  }
  return key;
}

export async function insertToken(db: Executor, row: Insertable<OneTimeTokensTable>): Promise<void> {
  await db.insertInto('one_time_tokens').values(row).execute();
}

/** Marks a live token used and returns it; a used, expired or unknown token gives nothing. */
export function consumeToken(db: Executor, tokenHash: Buffer, purposes: TokenRow['purpose'][]): Promise<TokenRow | undefined> {
  return db
    .updateTable('one_time_tokens')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where('purpose', 'in', purposes)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
}

export function peekToken(db: Executor, tokenHash: Buffer): Promise<TokenRow | undefined> {
  return db
    .selectFrom('one_time_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Ends the live tokens of a purpose (and user); returns their hashes. */
export async function invalidateTokens(db: Executor, purpose: TokenRow['purpose'], userId: string | null): Promise<Buffer[]> {
  let q = db.updateTable('one_time_tokens').set({ used_at: sql`now()` }).where('purpose', '=', purpose).where('used_at', 'is', null);
  q = userId === null ? q.where('user_id', 'is', null) : q.where('user_id', '=', userId);
  return (await q.returning('token_hash').execute()).map((r) => r.token_hash);
}

export async function throttleState(db: Executor, keys: string[]): Promise<Date | null> {
  const rows = await db.selectFrom('login_throttle').select('blocked_until').where('key', 'in', keys).execute();
  const until = rows.map((r) => r.blocked_until?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
  return until > Date.now() ? new Date(until) : null;
}

/**
 * Takes one sign-in attempt for each key before the password is checked, so
 * that parallel guesses cannot all pass a check made before any of them
 * failed. The attempt counts as a failure until `refundLoginAttempts` says it
 * succeeded. The `free`-th and each further attempt blocks the key for a
 * doubling delay capped at `maxSeconds`; a blocked key takes no attempt, and
 * failures older than a day are forgotten, so there is never a permanent
 * lockout. Returns the keys that took an attempt: fewer than given means one
 * is blocked (refund the others).
 */
export async function reserveLoginAttempts(db: Executor, keys: string[], free: number, maxSeconds: number): Promise<string[]> {
  // Sorted, so that two sign-ins with the same keys lock their rows in the same order.
  const sorted = [...new Set(keys)].sort();
  const { rows } = await sql<{ key: string }>`
    insert into login_throttle as t (key, failures, last_failure_at, blocked_until)
    select k, 1, now(), case when 1 >= ${free} then now() + make_interval(secs => 1) end
    from unnest(${sorted}::text[]) as k
    on conflict (key) do update set
      failures = case when t.last_failure_at < now() - interval '1 day' then 1 else t.failures + 1 end,
      last_failure_at = now(),
      blocked_until = case
        when (case when t.last_failure_at < now() - interval '1 day' then 1 else t.failures + 1 end) >= ${free}
        then now() + make_interval(secs => least(${maxSeconds}::float8,
          power(2, (case when t.last_failure_at < now() - interval '1 day' then 1 else t.failures + 1 end) - ${free})))
        else null end
      where t.blocked_until is null or t.blocked_until <= now()
    returning key`.execute(db);
  return rows.map((r) => r.key);
}

/** Gives back attempts that were not failures (a right password, or a sign-in refused by another key). */
export async function refundLoginAttempts(db: Executor, keys: string[], free: number): Promise<void> {
  if (keys.length === 0) return;
  await sql`
    update login_throttle set
      failures = failures - 1,
      blocked_until = case when failures - 1 < ${free} then null else blocked_until end
    where key = any(${[...keys].sort()}::text[]) and failures > 0`.execute(db);
}

export async function clearLoginFailures(db: Executor, keys: string[]): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', 'in', keys).execute();
}
