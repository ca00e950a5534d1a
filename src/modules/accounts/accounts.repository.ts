import { sql, type Executor } from '../../platform/db/index.js';
import { HERALD_ACCOUNT_ID } from './herald-account.js';
import type { AccountsTable, UsersTable } from '../../platform/db/schema.js';
import type { Insertable, Selectable, Updateable } from 'kysely';

export type AccountRow = Selectable<AccountsTable>;
export type UserRow = Selectable<UsersTable>;

export function insertAccount(db: Executor, row: Insertable<AccountsTable>): Promise<AccountRow> {
  return db.insertInto('accounts').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findAccount(db: Executor, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function updateAccount(db: Executor, id: string, patch: Updateable<AccountsTable>): Promise<AccountRow | undefined> {
  return db.updateTable('accounts').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export function listChildAccounts(db: Executor, parentId: string): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().where('parent_id', '=', parentId).orderBy('id').execute();
}

/** Tenant accounts (and the operator's): Herald's own does not count. */
export async function countAccounts(db: Executor): Promise<number> {
  const row = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<string>().as('n')).where('id', '!=', HERALD_ACCOUNT_ID).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** True when `accountId` is `ancestorId` or lies below it. */
export async function isWithin(db: Executor, accountId: string, ancestorId: string): Promise<boolean> {
  const row = await sql<{ found: boolean }>`
    with recursive chain(id, parent_id) as (
      select id, parent_id from accounts where id = ${accountId}
      union all
      select a.id, a.parent_id from accounts a join chain c on a.id = c.parent_id
    )
    select exists(select 1 from chain where id = ${ancestorId}) as found`.execute(db);
  return row.rows[0]?.found ?? false;
}

export function insertUser(db: Executor, row: Insertable<UsersTable>): Promise<UserRow> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findUser(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserInAccount(db: Executor, accountId: string, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
}

export function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export function listUsers(db: Executor, accountId: string): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

export function updateUser(db: Executor, id: string, patch: Updateable<UsersTable>): Promise<UserRow | undefined> {
  return db.updateTable('users').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

export function deleteUser(db: Executor, id: string): Promise<unknown> {
  return db.deleteFrom('users').where('id', '=', id).execute();
}

export async function countOwners(db: Executor, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('account_id', '=', accountId)
    .where('role', '=', 'owner')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface SendingSettingsRow {
  default_country: string;
  sms_max_parts: number;
  allowed_countries: string[] | null;
}

export async function findSendingSettings(db: Executor, accountId: string): Promise<SendingSettingsRow | undefined> {
  const r = await sql<SendingSettingsRow>`select default_country, sms_max_parts, allowed_countries from accounts where id = ${accountId}`.execute(db);
  return r.rows[0];
}

/** Serialises first-run setup between processes until the transaction ends. */
export async function lockSetup(db: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('herald.setup'))`.execute(db);
}
