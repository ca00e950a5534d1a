import type { Executor } from '../../platform/db/index.js';
import { collectGarbage } from '../../platform/memory.js';
import { newId } from '../../platform/ids.js';
import { getSendingSettings } from '../accounts/index.js';
import { analyzeContacts, findContactsByNumbers, insertContacts, updateContactRows, type ContactRow } from './contacts.repository.js';
import type { ContactField } from './formats/csv-mapping.js';
import type { CsvEncoding } from './formats/csv-read.js';
import { importRecords, type ImportRecord } from './import-records.js';
import { claimImportRow, finishImportRow, insertImportErrors, readChunk, relaxCommit, releaseImportRow, saveProgress, type ImportError, type ImportProgress, type ImportRow } from './imports.repository.js';
import { insertContactMembers } from './lists.repository.js';
import { isProblem, mergeContact, normaliseContact, type NormalisedContact } from './normalise-contact.js';

const LEASE_SECONDS = 60;
const ANALYZE_AFTER_ROWS = 5_000;
const GC_EVERY_BATCHES = 10;
const BATCH_ROWS = 2_000;
/** Enough to fix a file by; the count of failed rows stays exact beyond it. */
const MAX_STORED_ERRORS = 100_000;

export interface ImportRunOptions {
  batchRows?: number;
  /** Called after each committed batch (tests stop a run here to prove it resumes). */
  afterBatch?: (progress: ImportProgress) => void | Promise<void>;
  /** A stopping worker hands the import back between batches, for another to go on with at once. */
  signal?: AbortSignal;
}

/**
 * Runs the oldest waiting import to its end, in batches that each commit
 * their contacts together with the progress, so that a worker that dies
 * mid-file is followed by one that resumes after the last batch, writing
 * nothing twice. Returns false when there was nothing to run.
 */
export async function runNextImport(db: Executor, options: ImportRunOptions = {}): Promise<boolean> {
  const job = await claimImportRow(db, LEASE_SECONDS);
  if (!job) return false;
  try {
    await runImport(db, job, options);
  } catch (error) {
    await finishImportRow(db, job.id, 'failed', 'The import stopped on an internal error; the rows imported so far are kept', ['running']);
    throw error;
  }
  return true;
}

async function* chunks(db: Executor, importId: string, read: { bytes: number }): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const data = await readChunk(db, importId, seq);
    if (!data) return;
    read.bytes += data.length;
    yield data;
  }
}

async function runImport(db: Executor, job: ImportRow, options: ImportRunOptions): Promise<void> {
  const { defaultCountry } = await getSendingSettings(db, job.account_id);
  const read = { bytes: 0 };
  const progress: ImportProgress = { rowsDone: job.rows_done, bytesDone: Number(job.bytes_done), created: job.created, merged: job.merged, failed: job.failed };
  const records = importRecords(chunks(db, job.id, read), {
    format: job.format,
    encoding: (job.encoding ?? 'utf-8') as CsvEncoding,
    delimiter: job.delimiter ?? ',',
    hasHeader: job.has_header,
    mapping: (job.mapping ?? []) as ContactField[],
  });
  const limit = options.batchRows ?? BATCH_ROWS;
  let last: InFlight | null = null;
  let committed = 0;
  const flush = async (batch: ImportRecord[]): Promise<boolean> => {
    const prepared = prepareBatch(batch, defaultCountry, read.bytes);
    if (last) {
      const stop = async () => (await last!.done.catch(() => false), false);
      // Two batches at most in PostgreSQL at once, and each committed before the one after it.
      if (!(await last.previousDone)) return stop();
      // Memory stays flat: what the committed batches allocated goes now, not after the heap has quadrupled.
      if (++committed % GC_EVERY_BATCHES === 0) collectGarbage();
      await options.afterBatch?.(progress);
      if (options.signal?.aborted) {
        if (await last.done) await releaseImportRow(db, job.id);
        return false;
      }
      // The last batch's locks are taken and its merges decided: this one may wait for it, never the reverse.
      await last.locked;
      // A row of this batch would merge into a contact the last one creates: it must see it first.
      if (prepared.good.some((c) => c.numbers.some((n) => last!.creates.has(n))) && !(await last.done)) return false;
    }
    last = startBatch(db, job, prepared, progress, last?.done ?? Promise.resolve(true));
    return true;
  };
  let seen = 0;
  let batch: ImportRecord[] = [];
  for await (const record of records) {
    // Records a previous run committed.
    if (++seen <= job.rows_done) continue;
    batch.push(record);
    if (batch.length < limit) continue;
    if (!(await flush(batch))) return;
    batch = [];
  }
  if (batch.length > 0 && !(await flush(batch))) return;
  if (last) {
    if (!(await (last as InFlight).done)) return;
    await options.afterBatch?.(progress);
  }
  await finishImportRow(db, job.id, 'done', null, ['running']);
  // Autovacuum would get to it, but searches right after a large import would
  // meanwhile plan with the old statistics: tens of milliseconds instead of one.
  if (progress.created - job.created >= ANALYZE_AFTER_ROWS) await analyzeContacts(db);
}

interface PreparedBatch {
  rows: number;
  bytes: number;
  good: NormalisedContact[];
  errors: ImportError[];
}

function prepareBatch(batch: ImportRecord[], defaultCountry: string, bytes: number): PreparedBatch {
  const errors: PreparedBatch['errors'] = [];
  const good: NormalisedContact[] = [];
  for (const r of batch) {
    if (!('contact' in r)) {
      errors.push({ line: r.line, field: r.field, reason: r.reason, code: r.code });
      continue;
    }
    const c = normaliseContact(r.contact, defaultCountry);
    if (isProblem(c)) errors.push({ line: r.line, field: c.field, reason: c.reason, code: c.code });
    else good.push(c);
  }
  return { rows: batch.length, bytes, good, errors };
}

/** A batch on its way into PostgreSQL. */
interface InFlight {
  /** Its existing contacts are locked and `creates` filled (or it ended). */
  locked: Promise<void>;
  /** Committed (true), or stopped by a cancel (false). */
  done: Promise<boolean>;
  /** The batch before it, committed. */
  previousDone: Promise<boolean>;
  /** The numbers of the contacts it creates. */
  creates: Set<string>;
}

/**
 * Two batches overlap in PostgreSQL (each on a connection of its own, the
 * machine's two cores both busy), yet commit in file order: a batch writes
 * its rows, waits for the one before to commit, then records its progress and
 * commits. So the progress row always counts a prefix of the file, and a
 * stopped import resumes after it.
 */
function startBatch(db: Executor, job: ImportRow, prepared: PreparedBatch, progress: ImportProgress, previousDone: Promise<boolean>): InFlight {
  let markLocked!: () => void;
  const locked = new Promise<void>((resolve) => (markLocked = resolve));
  const creates = new Set<string>();
  const done = commitBatch(db, job, prepared, progress, previousDone, markLocked, creates).finally(markLocked);
  done.catch(() => undefined);
  return { locked, done, previousDone, creates };
}

class Cancelled extends Error {}

/** One batch: rows whose number the book already has are merged into that contact, the rest created. */
async function commitBatch(
  db: Executor, job: ImportRow, { rows: size, bytes, good, errors }: PreparedBatch, progress: ImportProgress,
  previousDone: Promise<boolean>, markLocked: () => void, creates: Set<string>,
): Promise<boolean> {
  const delta = { created: 0, merged: 0 };
  let next: ImportProgress | null = null;
  try {
    await db.transaction().execute(async (tx) => {
      // A batch lost to a crash is read again (its progress is lost with it), so
      // its commit need not wait for the disk.
      await relaxCommit(tx);
      const existing = await findContactsByNumbers(tx, job.account_id, job.owner_user_id, [...new Set(good.flatMap((c) => c.numbers))]);
      const byNumber = new Map<string, { id: string; value: NormalisedContact; isNew: boolean }>();
      const changed = new Set<{ id: string; value: NormalisedContact; isNew: boolean }>();
      for (const row of existing) {
        const entry = { id: row.id, value: fromRow(row), isNew: false };
        for (const n of row.numbers) if (!byNumber.has(n)) byNumber.set(n, entry);
      }
      const created: { id: string; value: NormalisedContact; isNew: boolean }[] = [];
      for (const c of good) {
        const target = c.numbers.map((n) => byNumber.get(n)).find((x) => x);
        if (target) {
          target.value = mergeContact(target.value, c);
          changed.add(target);
          delta.merged++;
        } else {
          created.push({ id: newId('ctc'), value: c, isNew: true });
          delta.created++;
        }
        const owner = target ?? created[created.length - 1]!;
        for (const n of owner.value.numbers) if (!byNumber.has(n)) byNumber.set(n, owner);
      }
      for (const e of created) for (const n of e.value.numbers) creates.add(n);
      markLocked();
      await insertContacts(tx, created.map((e) => ({ ...e.value, id: e.id, accountId: job.account_id, ownerUserId: job.owner_user_id })));
      await updateContactRows(tx, job.account_id, [...changed].filter((e) => !e.isNew).map((e) => ({ ...e.value, id: e.id })));
      // The rows of an import into a list join it, created or merged alike, with this batch's commit.
      if (job.list_id) await insertContactMembers(tx, job.list_id, [...created.map((e) => e.id), ...[...changed].filter((e) => !e.isNew).map((e) => e.id)]);
      if (!(await previousDone)) throw new Cancelled();
      next = { rowsDone: progress.rowsDone + size, bytesDone: bytes, created: progress.created + delta.created, merged: progress.merged + delta.merged, failed: progress.failed + errors.length };
      await insertImportErrors(tx, job.id, errors.slice(0, Math.max(0, MAX_STORED_ERRORS - progress.failed)));
      // Also the cancel check: a cancelled import is no longer running, and this batch rolls back.
      if (!(await saveProgress(tx, job.id, next, LEASE_SECONDS))) throw new Cancelled();
    });
  } catch (error) {
    if (error instanceof Cancelled) return false;
    throw error;
  }
  Object.assign(progress, next);
  return true;
}

function fromRow(row: ContactRow): NormalisedContact {
  return {
    name: row.name, organisation: row.organisation, phones: row.phones, numbers: row.numbers, emails: row.emails,
    notes: row.notes, tags: row.tags, search: '', sortName: row.sort_name,
  };
}
