import type { Executor } from '../../platform/db/index.js';
import { invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { getSendingSettings } from '../accounts/index.js';
import {
  deleteContactRow, findContactRow, insertContacts, updateContactRows,
  type ContactRow, type Viewer,
} from './contacts.repository.js';
import { searchContactRows } from './contact-search.repository.js';
import { decodePosition, encodePosition } from './cursor.js';
import { foldQuery, isProblem, normaliseContact, type NormalisedContact } from './normalise-contact.js';
import type { AddressBook, Contact, ContactInput } from './types.js';

export function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    addressBook: row.owner_user_id ? 'personal' : 'shared',
    name: row.name,
    organisation: row.organisation,
    phones: row.phones,
    emails: row.emails,
    notes: row.notes,
    tags: row.tags,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The owner a new contact or list gets: a key has no personal book. */
export function ownerFor(viewer: Viewer, book: AddressBook): string | null {
  if (book === 'shared') return null;
  if (!viewer.userId) throw invalid('address_book', 'An API key has no personal address book; use "shared"');
  return viewer.userId;
}

async function checked(db: Executor, viewer: Viewer, input: ContactInput): Promise<NormalisedContact> {
  const { defaultCountry } = await getSendingSettings(db, viewer.accountId);
  const value = normaliseContact(input, defaultCountry);
  if (isProblem(value)) throw invalid(value.field, value.reason, value.code);
  return value;
}

export async function createContact(db: Executor, viewer: Viewer, input: ContactInput & { addressBook?: AddressBook }): Promise<Contact> {
  const value = await checked(db, viewer, input);
  const id = newId('ctc');
  await insertContacts(db, [{ ...value, id, accountId: viewer.accountId, ownerUserId: ownerFor(viewer, input.addressBook ?? (viewer.userId ? 'personal' : 'shared')) }]);
  return getContact(db, viewer, id);
}

export async function getContact(db: Executor, viewer: Viewer, id: string): Promise<Contact> {
  const row = await findContactRow(db, viewer, id);
  if (!row) throw notFound('Contact');
  return toContact(row);
}

/** Fields left out stay as they are; a list given replaces the whole list. */
export async function updateContact(db: Executor, viewer: Viewer, id: string, patch: Partial<ContactInput>): Promise<Contact> {
  return db.transaction().execute(async (tx) => {
    const row = await findContactRow(tx, viewer, id, true);
    if (!row) throw notFound('Contact');
    const value = await checked(tx, viewer, { ...toContact(row), ...patch });
    const [updated] = await updateContactRows(tx, viewer.accountId, [{ ...value, id }]);
    return toContact(updated!);
  });
}

export async function deleteContact(db: Executor, viewer: Viewer, id: string): Promise<void> {
  if (!(await deleteContactRow(db, viewer, id))) throw notFound('Contact');
}

export interface ContactQuery {
  q?: string;
  tag?: string;
  addressBook?: AddressBook | 'all';
  cursor?: string;
  limit: number;
}

export async function searchContacts(db: Executor, viewer: Viewer, query: ContactQuery): Promise<{ data: Contact[]; nextCursor: string | null }> {
  const folded = query.q?.trim() ? foldQuery(query.q, (await getSendingSettings(db, viewer.accountId)).defaultCountry) : null;
  const rows = await searchContactRows(db, viewer, {
    book: query.addressBook ?? 'all',
    limit: query.limit,
    ...(folded && 'text' in folded && folded.text && { q: folded.text }),
    ...(folded && 'number' in folded && { number: folded.number }),
    ...(query.tag && { tag: query.tag }),
    ...(query.cursor && { after: decodePosition(query.cursor) }),
  });
  const last = rows.length === query.limit ? rows[rows.length - 1] : undefined;
  return { data: rows.map(toContact), nextCursor: last ? encodePosition({ sortName: last.sort_name, id: last.id, ...(folded && { tier: last.tier }) }) : null };
}
