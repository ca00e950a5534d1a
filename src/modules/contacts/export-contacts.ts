import type { Executor } from '../../platform/db/index.js';
import { searchContactRows } from './contact-search.repository.js';
import type { Viewer } from './contacts.repository.js';
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
}

/** Every visible contact in name order, a page at a time, so that any book exports in flat memory. */
async function* allContacts(db: Executor, viewer: Viewer, o: ExportOptions): AsyncGenerator<Contact> {
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
  if (o.format === 'csv') {
    yield* csvLines((async function* () {
      for await (const c of allContacts(db, viewer, o)) yield contactToCsvCells(c);
    })(), CSV_EXPORT_HEADER);
    return;
  }
  for await (const c of allContacts(db, viewer, o)) yield writeVcard(c, o.version ?? '4.0');
}
