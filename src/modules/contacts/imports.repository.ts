import { sql, type Executor } from '../../platform/db/index.js';

export type ImportStatus = 'uploaded' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ImportRow {
  id: string;
  account_id: string;
  owner_user_id: string | null;
  format: 'csv' | 'vcard';
  encoding: string | null;
  delimiter: string | null;
  has_header: boolean;
  mapping: string[] | null;
  status: ImportStatus;
  bytes: string;
  bytes_done: string;
  rows_done: number;
  created: number;
  merged: number;
  failed: number;
  error: string | null;
  list_id: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS = sql`id, account_id, owner_user_id, format, encoding, delimiter, has_header, mapping, status, bytes, bytes_done, rows_done,
  created, merged, failed, error, list_id, created_at, started_at, finished_at`;

export async function insertImport(db: Executor, row: { id: string; accountId: string; createdBy: string | null; ownerUserId: string | null; format: 'csv' | 'vcard'; listId: string | null }): Promise<void> {
  await sql`insert into contact_imports (id, account_id, created_by, owner_user_id, format, status, list_id)
    values (${row.id}, ${row.accountId}, ${row.createdBy}, ${row.ownerUserId}, ${row.format}, 'uploaded', ${row.listId})`.execute(db);
}

export async function insertChunk(db: Executor, importId: string, seq: number, data: Buffer): Promise<void> {
  await sql`insert into contact_import_chunks (import_id, seq, data) values (${importId}, ${seq}, ${data})`.execute(db);
  await sql`update contact_imports set bytes = bytes + ${data.length} where id = ${importId}`.execute(db);
}

export async function readChunk(db: Executor, importId: string, seq: number): Promise<Buffer | undefined> {
  const r = await sql<{ data: Buffer }>`select data from contact_import_chunks where import_id = ${importId} and seq = ${seq}`.execute(db);
  return r.rows[0]?.data;
}

export async function findImportRow(db: Executor, accountId: string, id: string): Promise<ImportRow | undefined> {
  const r = await sql<ImportRow>`select ${COLUMNS} from contact_imports where id = ${id} and account_id = ${accountId}`.execute(db);
  return r.rows[0];
}

export async function listImportRows(db: Executor, accountId: string, before: string | null, limit: number): Promise<ImportRow[]> {
  const r = await sql<ImportRow>`select ${COLUMNS} from contact_imports where account_id = ${accountId}
    ${before ? sql`and id < ${before}` : sql``} order by id desc limit ${limit}`.execute(db);
  return r.rows;
}

/** Options are fixed when the import is queued; only an uploaded one changes. */
export async function queueImportRow(db: Executor, accountId: string, id: string, o: { encoding: string | null; delimiter: string | null; hasHeader: boolean; mapping: string[] | null }): Promise<boolean> {
  const r = await sql`update contact_imports set status = 'queued', encoding = ${o.encoding}, delimiter = ${o.delimiter},
    has_header = ${o.hasHeader}, mapping = ${o.mapping === null ? null : JSON.stringify(o.mapping)}::jsonb
    where id = ${id} and account_id = ${accountId} and status = 'uploaded'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Takes the oldest queued import, or one whose worker died (lease run out). */
export async function claimImportRow(db: Executor, leaseSeconds: number): Promise<ImportRow | undefined> {
  const r = await sql<ImportRow>`update contact_imports set status = 'running', started_at = coalesce(started_at, now()),
      lease_until = now() + make_interval(secs => ${leaseSeconds})
    where id = (select id from contact_imports where status = 'queued' or (status = 'running' and lease_until < now())
      order by created_at limit 1 for update skip locked)
    returning ${COLUMNS}`.execute(db);
  return r.rows[0];
}

export async function releaseImportRow(db: Executor, id: string): Promise<void> {
  await sql`update contact_imports set status = 'queued', lease_until = null where id = ${id} and status = 'running'`.execute(db);
}

export interface ImportProgress {
  rowsDone: number;
  bytesDone: number;
  created: number;
  merged: number;
  failed: number;
}

/** Records a batch's progress with its rows; false when the import was cancelled meanwhile. */
export async function saveProgress(db: Executor, id: string, p: ImportProgress, leaseSeconds: number): Promise<boolean> {
  const r = await sql`update contact_imports set rows_done = ${p.rowsDone}, bytes_done = ${p.bytesDone}, created = ${p.created}, merged = ${p.merged},
    failed = ${p.failed}, lease_until = now() + make_interval(secs => ${leaseSeconds})
    where id = ${id} and status = 'running'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function relaxCommit(db: Executor): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(db);
}

/** A refused row: where, which field, why in words, and why as a code. */
export interface ImportError {
  line: number;
  field: string | null;
  reason: string;
  code: string | null;
}

export async function insertImportErrors(db: Executor, id: string, errors: ImportError[]): Promise<void> {
  if (errors.length === 0) return;
  await sql`insert into contact_import_errors (import_id, line, field, reason, code)
    select ${id}, * from unnest(${errors.map((e) => e.line)}::int[], ${errors.map((e) => e.field)}::text[], ${errors.map((e) => e.reason)}::text[], ${errors.map((e) => e.code)}::text[])
    on conflict do nothing`.execute(db);
}

export async function listImportErrorRows(db: Executor, id: string, afterLine: number, limit: number): Promise<ImportError[]> {
  const r = await sql<ImportError>`select line, field, reason, code from contact_import_errors
    where import_id = ${id} and line > ${afterLine} order by line limit ${limit}`.execute(db);
  return r.rows;
}

/** Ends an import; the uploaded file goes, the counts and errors stay. */
export async function finishImportRow(db: Executor, id: string, status: 'done' | 'failed' | 'cancelled', error: string | null, from: ImportStatus[]): Promise<boolean> {
  const r = await sql`update contact_imports set status = ${status}, error = ${error}, finished_at = now(), lease_until = null
    where id = ${id} and status = any(${from}::text[])`.execute(db);
  await sql`delete from contact_import_chunks where import_id = ${id} and exists (select 1 from contact_imports where id = ${id} and status = ${status})`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}
