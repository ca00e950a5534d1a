import { readCsv, sniffCsv, type CsvEncoding } from './formats/csv-read.js';
import { rowToContact, type ContactField } from './formats/csv-mapping.js';
import { readVcards } from './formats/vcard.js';
import type { ContactInput, ContactProblemCode } from './types.js';

/** How to read an uploaded file; CSV options are guessed from its first bytes until the user says otherwise. */
export interface ImportOptions {
  format: 'csv' | 'vcard';
  encoding: CsvEncoding;
  delimiter: string;
  hasHeader: boolean;
  /** One field per column. */
  mapping: ContactField[];
}

export type ImportRecord = { line: number; contact: ContactInput } | { line: number; field: string | null; reason: string; code: ContactProblemCode };

/**
 * The records of a file, one per row or card, in order; the header row of a
 * CSV file is not one. Never throws for what is in the file.
 */
export async function* importRecords(source: AsyncIterable<Buffer>, o: ImportOptions): AsyncGenerator<ImportRecord> {
  if (o.format === 'vcard') {
    for await (const r of readVcards(source)) yield 'error' in r ? { line: r.line, field: null, reason: `This card ${r.error}`, code: 'unreadable' } : r;
    return;
  }
  let first = true;
  for await (const r of readCsv(source, { encoding: o.encoding, delimiter: o.delimiter })) {
    if ('error' in r) {
      first = false;
      yield { line: r.line, field: null, reason: `This row ${r.error}`, code: 'unreadable' };
      continue;
    }
    if (first && o.hasHeader) {
      first = false;
      continue;
    }
    first = false;
    const row = rowToContact(r.cells, o.mapping);
    yield row.ok ? { line: r.line, contact: row.contact } : { line: r.line, field: row.field, reason: row.reason, code: row.code };
  }
}

/** The first record of a CSV file, as cells: the header when there is one. */
export async function firstRow(head: Buffer, o: Pick<ImportOptions, 'encoding' | 'delimiter'>): Promise<string[]> {
  for await (const r of readCsv(once(head), { encoding: o.encoding, delimiter: o.delimiter })) {
    if ('cells' in r) return r.cells;
  }
  return [];
}

export function guessFormat(contentType: string | undefined, head: Buffer): 'csv' | 'vcard' {
  if (contentType && /^text\/(x-)?vcard\b/i.test(contentType)) return 'vcard';
  if (contentType && /^text\/csv\b/i.test(contentType)) return 'csv';
  const start = head.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return /^BEGIN:VCARD/i.test(start) ? 'vcard' : 'csv';
}

export { sniffCsv };

export async function* once(buffer: Buffer): AsyncGenerator<Buffer> {
  yield buffer;
}
