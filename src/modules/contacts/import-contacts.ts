import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { decodeIdCursor, decodeNumberCursor } from '../../platform/cursor.js';
import { newId } from '../../platform/ids.js';
import { getSendingSettings } from '../accounts/index.js';
import type { Viewer } from './contacts.repository.js';
import { ownerFor } from './contacts.js';
import { getList } from './lists.js';
import { CONTACT_FIELDS, suggestMapping, type ContactField } from './formats/csv-mapping.js';
import type { CsvEncoding } from './formats/csv-read.js';
import { firstRow, guessFormat, importRecords, once, sniffCsv, type ImportOptions } from './import-records.js';
import {
  finishImportRow, findImportRow, insertChunk, insertImport, listImportErrorRows, listImportRows, queueImportRow, readChunk,
  type ImportError, type ImportRow,
} from './imports.repository.js';
import { isProblem, normaliseContact } from './normalise-contact.js';
import type { AddressBook } from './types.js';

/** Stored in slices this big: progress moves in these steps, and no slice is ever held twice. */
const CHUNK_BYTES = 256 * 1024;
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
const PREVIEW_ROWS = 10;
const ENCODINGS: readonly CsvEncoding[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'];
const DELIMITERS = [',', ';', '\t', '|'];
const NAME_FIELDS: readonly ContactField[] = ['name', 'first_name', 'last_name', 'organisation'];

export interface ContactImport {
  id: string;
  addressBook: AddressBook;
  format: 'csv' | 'vcard';
  status: ImportRow['status'];
  bytes: number;
  /** 0 to 1, by bytes read. */
  progress: number;
  rows: number;
  created: number;
  merged: number;
  failed: number;
  error: string | null;
  /** The list the imported contacts join, if any. */
  listId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ImportPreview {
  options: ImportOptions;
  /** The header's names, or "Column 1"… without a header. */
  columns: string[];
  rows: { line: number; contact: { name: string; organisation: string | null; phones: { type: string; number: string }[]; emails: string[]; tags: string[] } | null; error: { field: string | null; reason: string; code: string | null } | null }[];
}

const view = (r: ImportRow): ContactImport => ({
  id: r.id, addressBook: r.owner_user_id ? 'personal' : 'shared', format: r.format, status: r.status, bytes: Number(r.bytes),
  progress: r.status === 'done' ? 1 : Number(r.bytes) > 0 ? Math.min(1, Number(r.bytes_done) / Number(r.bytes)) : 0,
  rows: r.rows_done, created: r.created, merged: r.merged, failed: r.failed, error: r.error, listId: r.list_id,
  createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
});

/**
 * Stores an uploaded file in the database as it arrives (flat memory, and any
 * worker can run the import); one transaction, so an upload cut off leaves nothing.
 */
export async function uploadImport(
  db: Executor,
  viewer: Viewer & { actorId: string | null },
  input: { format?: 'csv' | 'vcard'; addressBook?: AddressBook; contentType?: string; list?: string },
  body: AsyncIterable<Buffer | string>,
): Promise<ContactImport & { preview: ImportPreview }> {
  const ownerUserId = ownerFor(viewer, input.addressBook ?? (viewer.userId ? 'personal' : 'shared'));
  if (input.list) {
    const list = await getList(db, viewer, input.list);
    if (list.addressBook === 'shared' && ownerUserId !== null) {
      throw invalid('list', 'A shared list holds only shared contacts: import into the shared address book', 'shared_list_personal_contact');
    }
  }
  const id = newId('imp');
  await db.transaction().execute(async (tx) => {
    let pending: Buffer[] = [];
    let size = 0;
    let total = 0;
    let seq = 0;
    const flush = async () => {
      const data = Buffer.concat(pending);
      if (seq === 0) await insertImport(tx, { id, accountId: viewer.accountId, createdBy: viewer.actorId, ownerUserId, format: input.format ?? guessFormat(input.contentType, data), listId: input.list ?? null });
      await insertChunk(tx, id, seq++, data);
      pending = [];
      size = 0;
    };
    for await (const piece of body) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      total += chunk.length;
      if (total > MAX_IMPORT_BYTES) throw invalid('body', `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
      pending.push(chunk);
      size += chunk.length;
      if (size >= CHUNK_BYTES) await flush();
    }
    if (size > 0 || seq === 0) await flush();
    if (total === 0) throw invalid('body', 'The file is empty');
  });
  const preview = await previewImport(db, viewer, id, {});
  return { ...(await getImport(db, viewer, id)), preview };
}

export async function getImport(db: Executor, viewer: Viewer, id: string): Promise<ContactImport> {
  return view(await ownImport(db, viewer, id));
}

async function ownImport(db: Executor, viewer: Viewer, id: string): Promise<ImportRow> {
  const row = await findImportRow(db, viewer.accountId, id);
  // Another user's import into their personal book is theirs alone.
  if (!row || (row.owner_user_id !== null && row.owner_user_id !== viewer.userId)) throw notFound('Import');
  return row;
}

export async function listImports(db: Executor, viewer: Viewer, page: { cursor?: string; limit: number }): Promise<{ data: ContactImport[]; nextCursor: string | null }> {
  const rows = (await listImportRows(db, viewer.accountId, decodeIdCursor(page.cursor, 'imp') ?? null, page.limit));
  const mine = rows.filter((r) => r.owner_user_id === null || r.owner_user_id === viewer.userId);
  return { data: mine.map(view), nextCursor: rows.length === page.limit ? rows[rows.length - 1]!.id : null };
}

/**
 * The options asked for, the rest guessed from the file; refused with the
 * field when they cannot work. A guessed mapping without a name column is
 * let through when `requireName` is off: the preview shows it, so the user can map one.
 */
async function resolveOptions(head: Buffer, row: ImportRow, given: Partial<Omit<ImportOptions, 'format'>>, requireName: boolean): Promise<{ options: ImportOptions; columns: string[] }> {
  const sniffed = sniffCsv(head);
  const encoding = given.encoding ?? sniffed.encoding;
  const delimiter = given.delimiter ?? sniffed.delimiter;
  if (!ENCODINGS.includes(encoding)) throw invalid('encoding', `Choose one of ${ENCODINGS.join(', ')}`);
  if (!DELIMITERS.includes(delimiter)) throw invalid('delimiter', 'Choose , ; | or a tab');
  const hasHeader = given.hasHeader ?? true;
  if (row.format === 'vcard') return { options: { format: 'vcard', encoding, delimiter, hasHeader, mapping: [] }, columns: [] };
  const first = await firstRow(head, { encoding, delimiter });
  const columns = hasHeader ? first.map((c, i) => c.trim() || `Column ${i + 1}`) : first.map((_, i) => `Column ${i + 1}`);
  const mapping = given.mapping ?? (hasHeader ? suggestMapping(first) : first.map(() => 'ignore' as const));
  for (const [i, f] of mapping.entries()) if (!CONTACT_FIELDS.includes(f)) throw invalid(`mapping[${i}]`, `Choose one of ${CONTACT_FIELDS.join(', ')}`);
  if (requireName && !mapping.some((f) => NAME_FIELDS.includes(f))) throw invalid('mapping', 'Map a column to the name, first name, last name or organisation');
  return { options: { format: 'csv', encoding, delimiter, hasHeader, mapping }, columns };
}

/** What the first rows become with these options, without importing anything. */
export async function previewImport(db: Executor, viewer: Viewer, id: string, given: Partial<Omit<ImportOptions, 'format'>>): Promise<ImportPreview> {
  const row = await ownImport(db, viewer, id);
  const head = (await readChunk(db, id, 0)) ?? Buffer.alloc(0);
  // A mapping the user chose must name someone; a guessed one is shown either way.
  const resolved = await resolveOptions(head, row, given, given.mapping !== undefined);
  const { defaultCountry } = await getSendingSettings(db, viewer.accountId);
  const rows: ImportPreview['rows'] = [];
  for await (const r of importRecords(once(head), resolved.options)) {
    if (rows.length >= PREVIEW_ROWS) break;
    if (!('contact' in r)) {
      rows.push({ line: r.line, contact: null, error: { field: r.field, reason: r.reason, code: r.code } });
      continue;
    }
    const c = normaliseContact(r.contact, defaultCountry);
    rows.push(isProblem(c)
      ? { line: r.line, contact: null, error: { field: c.field, reason: c.reason, code: c.code } }
      : { line: r.line, contact: { name: c.name, organisation: c.organisation, phones: c.phones, emails: c.emails, tags: c.tags }, error: null });
  }
  return { options: resolved.options, columns: resolved.columns, rows };
}

/** Queues an uploaded import with its options; a worker runs it. */
export async function startImport(db: Executor, viewer: Viewer, id: string, given: Partial<Omit<ImportOptions, 'format'>>): Promise<ContactImport> {
  const row = await ownImport(db, viewer, id);
  if (row.status !== 'uploaded') throw new AppError('conflict', `This import is already ${row.status}`);
  const { options } = await resolveOptions((await readChunk(db, id, 0)) ?? Buffer.alloc(0), row, given, true);
  const csv = options.format === 'csv';
  if (!(await queueImportRow(db, viewer.accountId, id, { encoding: csv ? options.encoding : null, delimiter: csv ? options.delimiter : null, hasHeader: options.hasHeader, mapping: csv ? options.mapping : null }))) {
    throw new AppError('conflict', 'This import has already started');
  }
  return getImport(db, viewer, id);
}

/** Stops an import; contacts already imported stay. */
export async function cancelImport(db: Executor, viewer: Viewer, id: string): Promise<ContactImport> {
  const row = await ownImport(db, viewer, id);
  if (!(await finishImportRow(db, id, 'cancelled', null, ['uploaded', 'queued', 'running']))) throw new AppError('conflict', `This import is already ${row.status}`);
  return getImport(db, viewer, id);
}

export async function listImportErrors(db: Executor, viewer: Viewer, id: string, page: { cursor?: string; limit: number }): Promise<{ data: ImportError[]; nextCursor: string | null }> {
  await ownImport(db, viewer, id);
  const after = Number(decodeNumberCursor(page.cursor) ?? 0);
  const rows = await listImportErrorRows(db, id, after, page.limit);
  return { data: rows, nextCursor: rows.length === page.limit ? String(rows[rows.length - 1]!.line) : null };
}
