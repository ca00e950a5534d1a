import { sql, type Executor } from '../../platform/db/index.js';
import type { NormalisedContact } from './normalise-contact.js';
import type { AddressBook, PhoneType } from './types.js';

/** Who looks: the account, and the user whose personal book is visible (none for an API key). */
export interface Viewer {
  accountId: string;
  userId: string | null;
}

export interface ContactRow {
  id: string;
  account_id: string;
  owner_user_id: string | null;
  name: string;
  organisation: string | null;
  phones: { type: PhoneType; number: string }[];
  numbers: string[];
  emails: string[];
  notes: string | null;
  tags: string[];
  sort_name: string;
  created_at: Date;
  updated_at: Date;
}

export interface NewContactRow extends NormalisedContact {
  id: string;
  accountId: string;
  ownerUserId: string | null;
}

export const COLUMNS = sql`id, account_id, owner_user_id, name, organisation, phones, numbers, emails, notes, tags, sort_name, created_at, updated_at`;

/** A LIKE pattern's own characters, escaped, for text people type. */
export const escapeLike = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The rows (contacts or lists) a viewer may see, narrowed to one book when asked. */
export function visibleTo(v: Viewer, book: AddressBook | 'all' = 'all', alias?: string) {
  const column = (name: string) => sql.ref(alias ? `${alias}.${name}` : name);
  const scope = sql`${column('account_id')} = ${v.accountId}`;
  const owner = column('owner_user_id');
  // A key has no personal book: asked for one, it sees nothing.
  if (book === 'personal') return v.userId ? sql`${scope} and ${owner} = ${v.userId}` : sql`false`;
  if (book === 'shared' || !v.userId) return sql`${scope} and ${owner} is null`;
  return sql`${scope} and (${owner} is null or ${owner} = ${v.userId})`;
}

// The rows travel as one JSON document: V8 writes it natively and PostgreSQL
// reads it in C, where binding a dozen arrays cost the import a fifth of its
// time in escaping alone. Their numbers go into contact_numbers in the same
// statement.
export async function insertContacts(db: Executor, rows: NewContactRow[]): Promise<void> {
  if (rows.length === 0) return;
  const doc = JSON.stringify(rows.map((r) => ({
    id: r.id, account_id: r.accountId, owner_user_id: r.ownerUserId, name: r.name, organisation: r.organisation, phones: r.phones,
    numbers: r.numbers, emails: r.emails, notes: r.notes, tags: r.tags, search: r.search, sort_name: r.sortName,
  })));
  await sql`
    with t as (
      select * from json_to_recordset(${doc}::json) as t(id text, account_id text, owner_user_id text, name text, organisation text,
        phones jsonb, numbers text[], emails text[], notes text, tags text[], search text, sort_name text)
    ), added as (
      insert into contacts (id, account_id, owner_user_id, name, organisation, phones, numbers, emails, notes, tags, search, sort_name)
      select id, account_id, owner_user_id, name, organisation, phones, numbers, emails, notes, tags, search, sort_name from t
    )
    insert into contact_numbers (account_id, number, reversed, contact_id)
    select t.account_id, n, reverse(n), t.id from t, unnest(t.numbers) as n`.execute(db);
}

export async function updateContactRows(db: Executor, accountId: string, rows: (NormalisedContact & { id: string })[]): Promise<ContactRow[]> {
  if (rows.length === 0) return [];
  const doc = JSON.stringify(rows.map((r) => ({
    id: r.id, name: r.name, organisation: r.organisation, phones: r.phones, numbers: r.numbers, emails: r.emails,
    notes: r.notes, tags: r.tags, search: r.search, sort_name: r.sortName,
  })));
  const r = await sql<ContactRow>`
    update contacts c set name = t.name, organisation = t.organisation, phones = t.phones, numbers = t.numbers, emails = t.emails,
      notes = t.notes, tags = t.tags, search = t.search, sort_name = t.sort_name, updated_at = now()
    from json_to_recordset(${doc}::json) as t(id text, name text, organisation text, phones jsonb, numbers text[], emails text[],
      notes text, tags text[], search text, sort_name text)
    where c.id = t.id and c.account_id = ${accountId}
    returning c.id, c.account_id, c.owner_user_id, c.name, c.organisation, c.phones, c.numbers, c.emails, c.notes, c.tags, c.sort_name, c.created_at, c.updated_at`.execute(db);
  const ids = r.rows.map((x) => x.id);
  await sql`delete from contact_numbers where contact_id = any(${ids}::text[])`.execute(db);
  await sql`insert into contact_numbers (account_id, number, reversed, contact_id)
    select c.account_id, n, reverse(n), c.id from contacts c, unnest(c.numbers) as n where c.id = any(${ids}::text[])`.execute(db);
  return r.rows;
}

export async function findContactRow(db: Executor, v: Viewer, id: string, forUpdate = false): Promise<ContactRow | undefined> {
  const r = await sql<ContactRow>`select ${COLUMNS} from contacts where id = ${id} and ${visibleTo(v)} ${forUpdate ? sql`for update` : sql``}`.execute(db);
  return r.rows[0];
}

export async function findContactRows(db: Executor, v: Viewer, ids: string[]): Promise<ContactRow[]> {
  if (ids.length === 0) return [];
  const r = await sql<ContactRow>`select ${COLUMNS} from contacts where id = any(${ids}::text[]) and ${visibleTo(v)}`.execute(db);
  return r.rows;
}

export async function deleteContactRow(db: Executor, v: Viewer, id: string): Promise<boolean> {
  const r = await sql`delete from contacts where id = ${id} and ${visibleTo(v)}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Contacts of one book holding any of `numbers`, to merge an import into. */
export async function findContactsByNumbers(db: Executor, accountId: string, ownerUserId: string | null, numbers: string[]): Promise<ContactRow[]> {
  if (numbers.length === 0) return [];
  const r = await sql<ContactRow>`select ${COLUMNS} from contacts
    where id in (select contact_id from contact_numbers where account_id = ${accountId} and number = any(${numbers}::text[]))
    and ${ownerUserId ? sql`owner_user_id = ${ownerUserId}` : sql`owner_user_id is null`} for update`.execute(db);
  return r.rows;
}

export async function analyzeContacts(db: Executor): Promise<void> {
  await sql`analyze contacts, contact_numbers`.execute(db);
}

/**
 * One name per number among the contacts the viewer sees: the personal book
 * before the shared one, then the first by name, so the same number always
 * shows the same name.
 */
export async function findNamesByNumber(db: Executor, viewer: Viewer, numbers: string[]): Promise<{ number: string; name: string }[]> {
  if (numbers.length === 0) return [];
  const r = await sql<{ number: string; name: string }>`select distinct on (n.number) n.number, c.name
    from contact_numbers n join contacts c on c.id = n.contact_id
    where n.account_id = ${viewer.accountId} and n.number = any(${numbers}::text[]) and ${visibleTo(viewer, 'all', 'c')}
    order by n.number, c.owner_user_id is null, c.sort_name, c.id`.execute(db);
  return r.rows;
}
