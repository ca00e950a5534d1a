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

const COLUMNS = sql`id, account_id, owner_user_id, name, organisation, phones, numbers, emails, notes, tags, sort_name, created_at, updated_at`;

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

// One statement whatever the number of rows, as the import writes thousands at a time.
export async function insertContacts(db: Executor, rows: NewContactRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: NewContactRow) => T) => rows.map(f);
  await sql`
    insert into contacts (id, account_id, owner_user_id, name, organisation, phones, numbers, emails, notes, tags, search, sort_name)
    select id, account_id, owner_user_id, name, organisation, phones, array(select jsonb_array_elements_text(numbers)),
      array(select jsonb_array_elements_text(emails)), notes, array(select jsonb_array_elements_text(tags)), search, sort_name
    from unnest(${col((r) => r.id)}::text[], ${col((r) => r.accountId)}::text[], ${col((r) => r.ownerUserId)}::text[], ${col((r) => r.name)}::text[],
      ${col((r) => r.organisation)}::text[], ${col((r) => JSON.stringify(r.phones))}::jsonb[], ${col((r) => JSON.stringify(r.numbers))}::jsonb[],
      ${col((r) => JSON.stringify(r.emails))}::jsonb[], ${col((r) => r.notes)}::text[], ${col((r) => JSON.stringify(r.tags))}::jsonb[],
      ${col((r) => r.search)}::text[], ${col((r) => r.sortName)}::text[])
      as t(id, account_id, owner_user_id, name, organisation, phones, numbers, emails, notes, tags, search, sort_name)`.execute(db);
}

export async function updateContactRows(db: Executor, accountId: string, rows: (NormalisedContact & { id: string })[]): Promise<ContactRow[]> {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: NormalisedContact & { id: string }) => T) => rows.map(f);
  const r = await sql<ContactRow>`
    update contacts c set name = t.name, organisation = t.organisation, phones = t.phones,
      numbers = array(select jsonb_array_elements_text(t.numbers)), emails = array(select jsonb_array_elements_text(t.emails)),
      notes = t.notes, tags = array(select jsonb_array_elements_text(t.tags)), search = t.search, sort_name = t.sort_name, updated_at = now()
    from unnest(${col((r) => r.id)}::text[], ${col((r) => r.name)}::text[], ${col((r) => r.organisation)}::text[], ${col((r) => JSON.stringify(r.phones))}::jsonb[],
      ${col((r) => JSON.stringify(r.numbers))}::jsonb[], ${col((r) => JSON.stringify(r.emails))}::jsonb[], ${col((r) => r.notes)}::text[],
      ${col((r) => JSON.stringify(r.tags))}::jsonb[], ${col((r) => r.search)}::text[], ${col((r) => r.sortName)}::text[])
      as t(id, name, organisation, phones, numbers, emails, notes, tags, search, sort_name)
    where c.id = t.id and c.account_id = ${accountId}
    returning c.id, c.account_id, c.owner_user_id, c.name, c.organisation, c.phones, c.numbers, c.emails, c.notes, c.tags, c.sort_name, c.created_at, c.updated_at`.execute(db);
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

export interface ContactSearch {
  book: AddressBook | 'all';
  /** Folded search text; matched anywhere in name, organisation, emails, digits and tags. */
  q?: string;
  tag?: string;
  after?: { sortName: string; id: string };
  limit: number;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchContactRows(db: Executor, v: Viewer, s: ContactSearch): Promise<ContactRow[]> {
  const r = await sql<ContactRow>`select ${COLUMNS} from contacts where ${visibleTo(v, s.book)}
    ${s.q ? sql`and search like ${likePattern(s.q)}` : sql``}
    ${s.tag ? sql`and tags @> array[${s.tag}]::text[]` : sql``}
    ${s.after ? sql`and (sort_name, id) > (${s.after.sortName}, ${s.after.id})` : sql``}
    order by sort_name, id limit ${s.limit}`.execute(db);
  return r.rows;
}

/** Contacts of one book holding any of `numbers`, to merge an import into. */
export async function findContactsByNumbers(db: Executor, accountId: string, ownerUserId: string | null, numbers: string[]): Promise<ContactRow[]> {
  if (numbers.length === 0) return [];
  const r = await sql<ContactRow>`select ${COLUMNS} from contacts where account_id = ${accountId} and numbers && ${numbers}::text[]
    and ${ownerUserId ? sql`owner_user_id = ${ownerUserId}` : sql`owner_user_id is null`} for update`.execute(db);
  return r.rows;
}
