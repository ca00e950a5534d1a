import type { Executor } from '../../platform/db/index.js';
import { searchContactRows } from './contact-search.repository.js';
import { findContactRows, type Viewer } from './contacts.repository.js';
import { getList } from './lists.js';
import { resolveListMembers } from './lists.repository.js';
import type { Position } from './cursor.js';
import { toContact } from './contacts.js';
import { CSV_EXPORT_HEADER, contactToCsvCells, csvLines } from './formats/csv-write.js';
import { writeVcard } from './formats/vcard.js';
import type { AddressBook, Contact } from './types.js';

const PAGE = 1_000;

export interface ExportOptions {
  format: 'csv' | 'vcard';
  /** vCard version; 4.0 unless asked. */
  version?: '3.0' | '4.0';
  addressBook?: AddressBook | 'all';
  tag?: string;
  /** Only the members of this list, nested lists included. */
  list?: string;
}

/**
 * The members of a list: its contacts (each once, however many lists hold
 * it), then raw numbers and addresses as contacts named by themselves, so the
 * file imports back into a book.
 */
async function* listContacts(db: Executor, viewer: Viewer, listId: string): AsyncGenerator<Contact> {
  const members = await resolveListMembers(db, [listId]);
  const ids = [...new Set(members.flatMap((m) => (m.contact_id ? [m.contact_id] : [])))];
  for (let i = 0; i < ids.length; i += PAGE) {
    const rows = await findContactRows(db, viewer, ids.slice(i, i + PAGE));
    for (const row of rows) yield toContact(row);
  }
  const now = new Date();
  const loose = (name: string, phones: Contact['phones'], emails: string[]): Contact => ({
    id: '', addressBook: 'shared', name, organisation: null, phones, emails, notes: null, tags: [], createdAt: now, updatedAt: now,
  });
  for (const m of members) {
    if (m.number) yield loose(m.number, [{ type: 'mobile', number: m.number }], []);
    else if (m.email) yield loose(m.email, [], [m.email]);
  }
}

/** Every visible contact in name order, a page at a time, so that any book exports in flat memory. */
async function* allContacts(db: Executor, viewer: Viewer, o: ExportOptions): AsyncGenerator<Contact> {
  if (o.list) {
    yield* listContacts(db, viewer, o.list);
    return;
  }
  let after: Position | undefined;
  for (;;) {
    const rows = await searchContactRows(db, viewer, { book: o.addressBook ?? 'all', limit: PAGE, ...(o.tag && { tag: o.tag }), ...(after && { after }) });
    for (const row of rows) yield toContact(row);
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { sortName: last.sort_name, id: last.id };
  }
}

/** The file's text, in pieces to stream. CSV cells that a spreadsheet would run as formulas are neutralised. */
export async function* exportContacts(db: Executor, viewer: Viewer, o: ExportOptions): AsyncGenerator<string> {
  // Before the first piece (a CSV header), so that an unknown list fails the request, not the download.
  if (o.list) await getList(db, viewer, o.list);
  if (o.format === 'csv') {
    yield* csvLines((async function* () {
      for await (const c of allContacts(db, viewer, o)) yield contactToCsvCells(c);
    })(), CSV_EXPORT_HEADER);
    return;
  }
  for await (const c of allContacts(db, viewer, o)) yield writeVcard(c, o.version ?? '4.0');
}
