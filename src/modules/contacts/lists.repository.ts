import { sql, type Executor } from '../../platform/db/index.js';
import { escapeLike, visibleTo, type Viewer } from './contacts.repository.js';
import type { AddressBook, PhoneType } from './types.js';

export interface ListRow {
  id: string;
  owner_user_id: string | null;
  name: string;
  description: string | null;
  members: number;
  created_at: Date;
  updated_at: Date;
}

export interface MemberRow {
  id: string;
  list_id: string;
  contact_id: string | null;
  phone_type: PhoneType | null;
  number: string | null;
  email: string | null;
  member_list_id: string | null;
  contact_name: string | null;
  list_name: string | null;
}

export type NewMember =
  | { contactId: string; phoneType: PhoneType | null }
  | { number: string }
  | { email: string }
  | { listId: string };

const visible = (v: Viewer, book: AddressBook | 'all' = 'all') => visibleTo(v, book, 'l');

const LIST_COLUMNS = sql`l.id, l.owner_user_id, l.name, l.description, l.created_at, l.updated_at,
  (select count(*)::int from contact_list_members m where m.list_id = l.id) as members`;

export async function insertList(db: Executor, row: { id: string; accountId: string; ownerUserId: string | null; name: string; description: string | null }): Promise<void> {
  await sql`insert into contact_lists (id, account_id, owner_user_id, name, description)
    values (${row.id}, ${row.accountId}, ${row.ownerUserId}, ${row.name}, ${row.description})`.execute(db);
}

export async function findListRow(db: Executor, v: Viewer, id: string): Promise<ListRow | undefined> {
  const r = await sql<ListRow>`select ${LIST_COLUMNS} from contact_lists l where l.id = ${id} and ${visible(v)}`.execute(db);
  return r.rows[0];
}

export async function findListRows(db: Executor, v: Viewer, ids: string[]): Promise<ListRow[]> {
  if (ids.length === 0) return [];
  const r = await sql<ListRow>`select ${LIST_COLUMNS} from contact_lists l where l.id = any(${ids}::text[]) and ${visible(v)}`.execute(db);
  return r.rows;
}

export async function searchListRows(db: Executor, v: Viewer, s: { book: AddressBook | 'all'; q?: string; after?: { sortName: string; id: string }; limit: number }): Promise<(ListRow & { sort_name: string })[]> {
  const r = await sql<ListRow & { sort_name: string }>`select ${LIST_COLUMNS}, lower(l.name) as sort_name from contact_lists l where ${visible(v, s.book)}
    ${s.q ? sql`and lower(l.name) like ${`%${escapeLike(s.q.toLowerCase())}%`}` : sql``}
    ${s.after ? sql`and (lower(l.name), l.id) > (${s.after.sortName}, ${s.after.id})` : sql``}
    order by lower(l.name), l.id limit ${s.limit}`.execute(db);
  return r.rows;
}

export async function updateListRow(db: Executor, v: Viewer, id: string, patch: { name?: string; description?: string | null }): Promise<boolean> {
  const r = await sql`update contact_lists l set name = coalesce(${patch.name ?? null}, name),
    description = ${patch.description === undefined ? sql`description` : sql`${patch.description}`}, updated_at = now()
    where l.id = ${id} and ${visible(v)}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function deleteListRow(db: Executor, v: Viewer, id: string): Promise<boolean> {
  const r = await sql`delete from contact_lists l where l.id = ${id} and ${visible(v)}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Serialises changes to the nesting of an account's lists, so that two adds cannot make a cycle together. */
export async function lockListNesting(db: Executor, accountId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`contact_lists:${accountId}`}))`.execute(db);
}

/** Every list reachable from `from`, itself included; UNION stops at a cycle. */
export async function reachableLists(db: Executor, from: string[]): Promise<string[]> {
  if (from.length === 0) return [];
  const r = await sql<{ id: string }>`with recursive tree(id) as (
      select unnest(${from}::text[])
      union
      select m.member_list_id from contact_list_members m join tree t on m.list_id = t.id where m.member_list_id is not null
    ) select id from tree`.execute(db);
  return r.rows.map((x) => x.id);
}

/** Makes these contacts members of a list that still exists (an import's list may go meanwhile); ones already there stay. */
export async function insertContactMembers(db: Executor, listId: string, contactIds: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  await sql`insert into contact_list_members (list_id, contact_id)
    select l.id, c.id from contact_lists l cross join unnest(${contactIds}::text[]) as c(id) where l.id = ${listId}
    on conflict do nothing`.execute(db);
}

/** Adds members; one already there is left as it is. Returns the ids of those added. */
export async function insertMembers(db: Executor, listId: string, members: NewMember[]): Promise<string[]> {
  if (members.length === 0) return [];
  const pick = <T>(f: (m: NewMember) => T | undefined) => members.map((m) => f(m) ?? null);
  const r = await sql<{ id: string }>`insert into contact_list_members (list_id, contact_id, phone_type, number, email, member_list_id)
    select ${listId}, * from unnest(${pick((m) => ('contactId' in m ? m.contactId : undefined))}::text[],
      ${pick((m) => ('contactId' in m ? m.phoneType : undefined))}::text[], ${pick((m) => ('number' in m ? m.number : undefined))}::text[],
      ${pick((m) => ('email' in m ? m.email : undefined))}::text[], ${pick((m) => ('listId' in m ? m.listId : undefined))}::text[])
    on conflict do nothing returning id`.execute(db);
  await sql`update contact_lists set updated_at = now() where id = ${listId}`.execute(db);
  return r.rows.map((x) => String(x.id));
}

const MEMBER_COLUMNS = sql`m.id::text as id, m.list_id, m.contact_id, m.phone_type, m.number, m.email, m.member_list_id,
  c.name as contact_name, sub.name as list_name`;

export async function listMemberRows(db: Executor, listId: string, after: string | null, limit: number): Promise<MemberRow[]> {
  const r = await sql<MemberRow>`select ${MEMBER_COLUMNS} from contact_list_members m
    left join contacts c on c.id = m.contact_id left join contact_lists sub on sub.id = m.member_list_id
    where m.list_id = ${listId} ${after ? sql`and m.id > ${after}::bigint` : sql``} order by m.id limit ${limit}`.execute(db);
  return r.rows;
}

export async function findMemberRows(db: Executor, listId: string, ids: string[]): Promise<MemberRow[]> {
  const r = await sql<MemberRow>`select ${MEMBER_COLUMNS} from contact_list_members m
    left join contacts c on c.id = m.contact_id left join contact_lists sub on sub.id = m.member_list_id
    where m.list_id = ${listId} and m.id = any(${ids}::bigint[]) order by m.id`.execute(db);
  return r.rows;
}

export async function deleteMemberRow(db: Executor, listId: string, memberId: string): Promise<boolean> {
  if (!/^\d{1,18}$/.test(memberId)) return false;
  const r = await sql`delete from contact_list_members where list_id = ${listId} and id = ${memberId}::bigint`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export interface ResolvedMemberRow {
  root: string;
  member_id: string;
  contact_id: string | null;
  phone_type: PhoneType | null;
  number: string | null;
  email: string | null;
  contact_name: string | null;
  phones: { type: PhoneType; number: string }[] | null;
}

/** The leaf members of each root list and of every list inside it, each nested list once. */
export async function resolveListMembers(db: Executor, roots: string[]): Promise<ResolvedMemberRow[]> {
  if (roots.length === 0) return [];
  const r = await sql<ResolvedMemberRow>`with recursive tree(list_id, root) as (
      select id, id from unnest(${roots}::text[]) as id
      union
      select m.member_list_id, t.root from contact_list_members m join tree t on m.list_id = t.list_id where m.member_list_id is not null
    )
    select t.root, m.id::text as member_id, m.contact_id, m.phone_type, m.number, m.email, c.name as contact_name, c.phones
    from tree t join contact_list_members m on m.list_id = t.list_id left join contacts c on c.id = m.contact_id
    where m.member_list_id is null order by t.root, m.id`.execute(db);
  return r.rows;
}
