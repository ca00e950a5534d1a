import { stringify } from 'csv-stringify/sync';
import type { Contact, PhoneType } from '../types.js';

export const CSV_EXPORT_HEADER: string[] = [
  'name',
  'organisation',
  'mobile',
  'work',
  'home',
  'fax',
  'other',
  'email',
  'notes',
  'tags',
];

const EXPORTED_PHONE_TYPES: readonly PhoneType[] = ['mobile', 'work', 'home', 'fax', 'other'];

/** One export row, in the order of CSV_EXPORT_HEADER. */
export function contactToCsvCells(c: Contact): string[] {
  const phones = EXPORTED_PHONE_TYPES.map((type) =>
    c.phones
      .filter((p) => p.type === type)
      .map((p) => p.number)
      .join('; '),
  );
  return [
    c.name,
    c.organisation ?? '',
    ...phones,
    c.emails.join('; '),
    c.notes ?? '',
    c.tags.join(', '),
  ];
}

// The fullwidth forms too: Apple Numbers folds them to their ASCII twins before evaluating
// (the same list as csv-stringify's escape_formulas).
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * Keeps a spreadsheet from running a cell as a formula (OWASP "CSV injection"): a leading
 * `'` makes Excel, LibreOffice and Numbers show the cell as text. Phone numbers in E.164
 * start with `+` and get the prefix too, on purpose: without it Excel would read
 * `+3212345678` as the number 3212345678, dropping the `+` that makes it international.
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Undoes neutraliseCell on import, so that a file exported here comes back unchanged. Only
 * a `'` followed by a formula character is removed: Dutch names such as `'t Hart` keep theirs.
 */
export function restoreNeutralisedCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

const ROWS_PER_CHUNK = 200;

/**
 * Streams a CSV file: a UTF-8 BOM (without it Excel reads the file in the ANSI code page and
 * garbles accents), the header, then the rows, with RFC 4180 quoting and CRLF line ends.
 */
export async function* csvLines(
  rows: AsyncIterable<string[]> | Iterable<string[]>,
  header: string[],
): AsyncGenerator<string> {
  yield '\uFEFF' + toCsv([header]);
  let batch: string[][] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= ROWS_PER_CHUNK) {
      yield toCsv(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield toCsv(batch);
}

function toCsv(rows: string[][]): string {
  return stringify(
    rows.map((row) => row.map(neutraliseCell)),
    // csv-stringify stops quoting a lone `\n` once record_delimiter is given; a note with a
    // line break would then split its row in two for every reader.
    { record_delimiter: 'windows', quote_record_delimiter: true, eof: true },
  );
}
