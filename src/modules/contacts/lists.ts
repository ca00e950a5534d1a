import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { getSendingSettings } from '../accounts/index.js';
import { parseNumber } from '../numbers/index.js';
import { findContactRows, type Viewer } from './contacts.repository.js';
import { ownerFor } from './contacts.js';
import { decodePosition, encodePosition } from './cursor.js';
import { decodeNumberCursor } from '../../platform/cursor.js';
import { isEmailAddress } from '../mail/index.js';
import {
  deleteListRow, deleteMemberRow, findListRow, findListRows, findMemberRows, insertList, insertMembers, listMemberRows,
  lockListNesting, reachableLists, searchListRows, updateListRow, type ListRow, type MemberRow, type NewMember,
} from './lists.repository.js';
import { PHONE_TYPES, type AddressBook, type PhoneType } from './types.js';

export interface ContactList {
  id: string;
  addressBook: AddressBook;
  name: string;
  description: string | null;
  members: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a caller asks to add: a contact (and which of its numbers), a raw number or address, or a list. */
export type MemberInput = { contact: string; type?: PhoneType } | { number: string } | { email: string } | { list: string };

export interface ListMember {
  id: string;
  contact: { id: string; name: string; type: PhoneType | null } | null;
  number: string | null;
  email: string | null;
  list: { id: string; name: string } | null;
}

const MAX_MEMBERS_PER_CALL = 10_000;

const toList = (r: ListRow): ContactList => ({
  id: r.id, addressBook: r.owner_user_id ? 'personal' : 'shared', name: r.name, description: r.description,
  members: r.members, createdAt: r.created_at, updatedAt: r.updated_at,
});

const toMember = (r: MemberRow): ListMember => ({
  id: r.id,
  contact: r.contact_id ? { id: r.contact_id, name: r.contact_name ?? '', type: r.phone_type } : null,
  number: r.number,
  email: r.email,
  list: r.member_list_id ? { id: r.member_list_id, name: r.list_name ?? '' } : null,
});

function checkName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const t = name.trim();
  if (!t) throw invalid('name', 'The name is empty', 'name_missing');
  if (t.length > 200) throw invalid('name', 'The name is longer than 200 characters', 'too_long');
  return t;
}

export async function createList(db: Executor, viewer: Viewer, input: { name: string; description?: string | null; addressBook?: AddressBook }): Promise<ContactList> {
  const id = newId('lst');
  await insertList(db, {
    id, accountId: viewer.accountId, name: checkName(input.name)!, description: input.description?.trim() || null,
    ownerUserId: ownerFor(viewer, input.addressBook ?? (viewer.userId ? 'personal' : 'shared')),
  });
  return getList(db, viewer, id);
}

export async function getList(db: Executor, viewer: Viewer, id: string): Promise<ContactList> {
  const row = await findListRow(db, viewer, id);
  if (!row) throw notFound('List');
  return toList(row);
}

export async function searchLists(db: Executor, viewer: Viewer, query: { q?: string; addressBook?: AddressBook | 'all'; cursor?: string; limit: number }): Promise<{ data: ContactList[]; nextCursor: string | null }> {
  const rows = await searchListRows(db, viewer, {
    book: query.addressBook ?? 'all', limit: query.limit,
    ...(query.q?.trim() && { q: query.q.trim() }),
    ...(query.cursor && { after: decodePosition(query.cursor) }),
  });
  const last = rows.length === query.limit ? rows[rows.length - 1] : undefined;
  return { data: rows.map(toList), nextCursor: last ? encodePosition({ sortName: last.sort_name, id: last.id }) : null };
}

export async function updateList(db: Executor, viewer: Viewer, id: string, patch: { name?: string; description?: string | null }): Promise<ContactList> {
  const name = checkName(patch.name);
  const description = patch.description === undefined ? undefined : patch.description?.trim() || null;
  if (!(await updateListRow(db, viewer, id, { ...(name !== undefined && { name }), ...(description !== undefined && { description }) }))) throw notFound('List');
  return getList(db, viewer, id);
}

export async function deleteList(db: Executor, viewer: Viewer, id: string): Promise<void> {
  if (!(await deleteListRow(db, viewer, id))) throw notFound('List');
}

export async function listMembers(db: Executor, viewer: Viewer, listId: string, page: { cursor?: string; limit: number }): Promise<{ data: ListMember[]; nextCursor: string | null }> {
  await getList(db, viewer, listId);
  const rows = await listMemberRows(db, listId, decodeNumberCursor(page.cursor) ?? null, page.limit);
  return { data: rows.map(toMember), nextCursor: rows.length === page.limit ? rows[rows.length - 1]!.id : null };
}

/**
 * Adds members, checking each: it must be visible to the caller, a shared
 * list holds only shared contacts and lists (its other users could not see
 * the rest), and a list never comes to contain itself.
 */
export async function addListMembers(db: Executor, viewer: Viewer, listId: string, inputs: MemberInput[]): Promise<ListMember[]> {
  if (inputs.length === 0) throw invalid('members', 'Give at least one member');
  if (inputs.length > MAX_MEMBERS_PER_CALL) throw invalid('members', `At most ${MAX_MEMBERS_PER_CALL} members at a time`);
  return db.transaction().execute(async (tx) => {
    const list = await findListRow(tx, viewer, listId);
    if (!list) throw notFound('List');
    const shared = list.owner_user_id === null;
    const { defaultCountry } = await getSendingSettings(tx, viewer.accountId);
    const contactIds = inputs.flatMap((m) => ('contact' in m ? [m.contact] : []));
    const listIds = inputs.flatMap((m) => ('list' in m ? [m.list] : []));
    const contacts = new Map((await findContactRows(tx, viewer, contactIds)).map((c) => [c.id, c]));
    const lists = new Map((await findListRows(tx, viewer, listIds)).map((l) => [l.id, l]));
    if (listIds.length > 0) await lockListNesting(tx, viewer.accountId);
    const below = new Set(await reachableLists(tx, listIds));

    const members: NewMember[] = inputs.map((m, i) => {
      const field = `members[${i}]`;
      if ('contact' in m) {
        const c = contacts.get(m.contact);
        if (!c) throw invalid(`${field}.contact`, 'No such contact');
        if (shared && c.owner_user_id) throw invalid(`${field}.contact`, 'A shared list can hold only contacts of the shared address book', 'shared_list_personal_contact');
        if (m.type !== undefined && !PHONE_TYPES.includes(m.type)) throw invalid(`${field}.type`, `The number type must be one of ${PHONE_TYPES.join(', ')}`);
        return { contactId: c.id, phoneType: m.type ?? null };
      }
      if ('list' in m) {
        const l = lists.get(m.list);
        if (!l) throw invalid(`${field}.list`, 'No such list');
        if (shared && l.owner_user_id) throw invalid(`${field}.list`, 'A shared list can hold only shared lists', 'shared_list_personal_list');
        if (below.has(listId)) throw new AppError('conflict', `Adding "${l.name}" would make "${list.name}" contain itself`, { field: `${field}.list` });
        return { listId: l.id };
      }
      if ('number' in m) {
        const parsed = parseNumber(m.number, { defaultCountry });
        if (!parsed.ok) throw invalid(`${field}.number`, `${m.number.trim()} ${parsed.reason}`, parsed.problem);
        return { number: parsed.number.e164 };
      }
      const email = m.email.trim().toLowerCase();
      if (!isEmailAddress(email)) throw invalid(`${field}.email`, `${m.email.trim().slice(0, 60)} is not an email address`, 'not_an_email');
      return { email };
    });
    const added = await insertMembers(tx, listId, members);
    return (await findMemberRows(tx, listId, added)).map(toMember);
  });
}

export async function removeListMember(db: Executor, viewer: Viewer, listId: string, memberId: string): Promise<void> {
  await getList(db, viewer, listId);
  if (!(await deleteMemberRow(db, listId, memberId))) throw notFound('Member');
}
