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

// Arrays of arrays cannot be unnested in PostgreSQL when their lengths differ,
// so each list travels as one string cut at a character no list item holds
// (normaliseContact folds control characters out); parsing JSON per row cost
// the import a third of its time.
const SEP = sql.lit('\u001f');
const joined = (items: string[]) => items.join('\u001f');

// One statement whatever the number of rows, as the import writes thousands at a time.
export async function insertContacts(db: Executor, rows: NewContactRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: NewContactRow) => T) => rows.map(f);
  await sql`
    insert into contacts (id, account_id, owner_user_id, name, organisation, phones, numbers, emails, notes, tags, search, sort_name)
    select id, account_id, owner_user_id, name, organisation, phones, string_to_array(numbers, ${SEP}),
      string_to_array(emails, ${SEP}), notes, string_to_array(tags, ${SEP}), search, sort_name
    from unnest(${col((r) => r.id)}::text[], ${col((r) => r.accountId)}::text[], ${col((r) => r.ownerUserId)}::text[], ${col((r) => r.name)}::text[],
      ${col((r) => r.organisation)}::text[], ${col((r) => JSON.stringify(r.phones))}::jsonb[], ${col((r) => joined(r.numbers))}::text[],
      ${col((r) => joined(r.emails))}::text[], ${col((r) => r.notes)}::text[], ${col((r) => joined(r.tags))}::text[],
      ${col((r) => r.search)}::text[], ${col((r) => r.sortName)}::text[])
      as t(id, account_id, owner_user_id, name, organisation, phones, numbers, emails, notes, tags, search, sort_name)`.execute(db);
  await insertNumbers(db, rows);
}

async function insertNumbers(db: Executor, rows: { id: string; accountId: string; numbers: string[] }[]): Promise<void> {
  const pairs = rows.flatMap((r) => r.numbers.map((n) => [r.accountId, n, r.id] as const));
  if (pairs.length === 0) return;
  await sql`insert into contact_numbers (account_id, number, reversed, contact_id)
    select * from unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[],
      ${pairs.map((p) => [...p[1]].reverse().join(''))}::text[], ${pairs.map((p) => p[2])}::text[])`.execute(db);
}

export async function updateContactRows(db: Executor, accountId: string, rows: (NormalisedContact & { id: string })[]): Promise<ContactRow[]> {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: NormalisedContact & { id: string }) => T) => rows.map(f);
  const r = await sql<ContactRow>`
    update contacts c set name = t.name, organisation = t.organisation, phones = t.phones,
      numbers = string_to_array(t.numbers, ${SEP}), emails = string_to_array(t.emails, ${SEP}),
      notes = t.notes, tags = string_to_array(t.tags, ${SEP}), search = t.search, sort_name = t.sort_name, updated_at = now()
    from unnest(${col((r) => r.id)}::text[], ${col((r) => r.name)}::text[], ${col((r) => r.organisation)}::text[], ${col((r) => JSON.stringify(r.phones))}::jsonb[],
      ${col((r) => joined(r.numbers))}::text[], ${col((r) => joined(r.emails))}::text[], ${col((r) => r.notes)}::text[],
      ${col((r) => joined(r.tags))}::text[], ${col((r) => r.search)}::text[], ${col((r) => r.sortName)}::text[])
      as t(id, name, organisation, phones, numbers, emails, notes, tags, search, sort_name)
    where c.id = t.id and c.account_id = ${accountId}
    returning c.id, c.account_id, c.owner_user_id, c.name, c.organisation, c.phones, c.numbers, c.emails, c.notes, c.tags, c.sort_name, c.created_at, c.updated_at`.execute(db);
  await sql`delete from contact_numbers where contact_id = any(${r.rows.map((x) => x.id)}::text[])`.execute(db);
  await insertNumbers(db, r.rows.map((x) => ({ id: x.id, accountId: x.account_id, numbers: x.numbers })));
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
