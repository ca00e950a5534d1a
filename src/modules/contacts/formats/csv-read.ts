import { Parser, type CsvError } from 'csv-parse';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type CsvDelimiter = ',' | ';' | '\t';
export type CsvRecord = { line: number; cells: string[] } | { line: number; error: string };

export interface ReadCsvOptions {
  encoding: CsvEncoding;
  delimiter: string;
  maxFieldChars?: number;
  maxRecordChars?: number;
}

const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];

/** Guesses how a file was written from its first bytes, for the import form's defaults. */
export function sniffCsv(head: Buffer): { encoding: CsvEncoding; delimiter: CsvDelimiter } {
  const encoding = sniffEncoding(head);
  // stream: true keeps a character cut at the end of the head from showing as U+FFFD.
  const text = new TextDecoder(encoding).decode(head, { stream: true });
  return { encoding, delimiter: sniffDelimiter(text) };
}

function sniffEncoding(head: Buffer): CsvEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  try {
    // In stream mode a fatal decoder only throws on bytes that can never be UTF-8, so
    // a multi-byte sequence cut by the end of the head does not count against it.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    // Excel on Windows saves "CSV" in the ANSI code page, which is 1252 in western Europe.
    return 'windows-1252';
  }
}

function sniffDelimiter(text: string): CsvDelimiter {
  const counts = new Map<string, number>();
  let quoted = false;
  let started = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (started) break;
      continue;
    } else if (!quoted) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    started = true;
  }
  let best: CsvDelimiter = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/**
 * Streams the records of a CSV file, each with the line where it starts. Malformed input
 * never throws: it becomes an error record, and reading goes on where csv-parse can.
 */
export async function* readCsv(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  options: ReadCsvOptions,
): AsyncGenerator<CsvRecord> {
  const maxFieldChars = options.maxFieldChars ?? 10_000;
  const maxRecordChars = options.maxRecordChars ?? 1_000_000;
  const decoder = new TextDecoder(options.encoding);
  const ready: CsvRecord[] = [];
  const lines = new LineCounter();
  // Set from the parser's callbacks; an object so that TypeScript does not narrow them to null.
  const stop: { fatal: CsvRecord | null; error: Error | null } = { fatal: null, error: null };

  const parser = new Parser({
    delimiter: options.delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: maxRecordChars,
    // The raw text gives both the line numbers (csv-parse's own count is off after a CRLF
    // inside quotes) and the quoting that relax_quotes hides.
    raw: true,
    // With `raw: true` csv-parse hands on_record `{ record, raw }`, which its types do not say.
    on_record: (wrapped: unknown, context) => {
      if (stop.fatal === null) {
        const raw = context.raw ?? '';
        const line = lines.advance(raw);
        const cells = (wrapped as { record: string[] }).record;
        const checked = checkRecord(cells, raw, line, options, maxFieldChars);
        if (checked !== null) ready.push(checked);
      }
      return null;
    },
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      if (stop.fatal !== null) return undefined;
      const line = lines.advance(raw ?? '');
      if (err?.code === 'CSV_MAX_RECORD_SIZE') {
        // After this error csv-parse drops the rest of its buffer and later emits pieces of
        // the record as rows of their own, so nothing after it can be trusted.
        stop.fatal = {
          line,
          error: `is longer than ${maxRecordChars} characters (is a quote left open?); the rest of the file was not read`,
        };
      } else if (err?.code === 'CSV_QUOTE_NOT_CLOSED') {
        ready.push({ line, error: 'opens a quote that is never closed' });
      } else {
        ready.push({ line, error: `could not be read (${err?.message ?? 'unknown error'})` });
      }
      return undefined;
    },
  });
  parser.on('error', (err: Error) => {
    stop.error = err;
  });
  const feed = (text: string | null) =>
    new Promise<void>((resolve) => {
      if (text === null) parser.end(() => resolve());
      else parser.write(text, () => resolve());
    });

  try {
    let first = true;
    for await (const chunk of source) {
      let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (text.length > 0) await feed(text);
      yield* drain(ready);
      if (stop.fatal !== null || stop.error !== null) break;
    }
    if (stop.fatal === null && stop.error === null) {
      const rest = decoder.decode();
      if (rest.length > 0) await feed(rest);
      await feed(null);
      yield* drain(ready);
    }
    if (stop.fatal !== null) yield stop.fatal;
    if (stop.error !== null) yield { line: lines.next, error: `could not be read (${stop.error.message})` };
  } finally {
    parser.destroy();
  }
}

function* drain(ready: CsvRecord[]): Generator<CsvRecord> {
  // splice first so that a consumer stopping half-way leaves nothing behind.
  for (const record of ready.splice(0)) yield record;
}

function checkRecord(
  cells: string[],
  raw: string,
  line: number,
  options: ReadCsvOptions,
  maxFieldChars: number,
): CsvRecord | null {
  if (cells.every((c) => c.trim() === '')) return null;
  // PostgreSQL refuses NUL in text: the row would stop the whole import.
  if (cells.some((c) => c.includes('\0'))) {
    return { line, error: 'holds a NUL character, which is not text' };
  }
  if (cells.some((c) => c.includes('\uFFFD'))) {
    return { line, error: `is not valid ${options.encoding} text; choose another encoding` };
  }
  if (cells.some((c) => c.length > maxFieldChars)) {
    return { line, error: `has a cell longer than ${maxFieldChars} characters` };
  }
  if (!wellQuoted(raw, options.delimiter)) {
    return { line, error: 'has a quote in the wrong place (a quoted cell must end with a quote just before the separator)' };
  }
  return { line, cells };
}

/**
 * relax_quotes accepts `a "b" c` (a quote inside an unquoted cell) but also `"a"b` and
 * `"a "b" c"`, which are a quoted cell broken by an unescaped quote. The first is common and
 * harmless; the others garble the cells, so they are reported instead of imported.
 */
function wellQuoted(raw: string, delimiter: string): boolean {
  let quoted = false;
  let atFieldStart = true;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (quoted) {
      if (ch !== '"') continue;
      if (raw[i + 1] === '"') {
        i++;
        continue;
      }
      quoted = false;
      const next = raw[i + 1];
      if (next !== undefined && next !== '\r' && next !== '\n' && !raw.startsWith(delimiter, i + 1)) {
        return false;
      }
    } else if (atFieldStart && ch === '"') {
      quoted = true;
      atFieldStart = false;
    } else if (raw.startsWith(delimiter, i)) {
      atFieldStart = true;
      i += delimiter.length - 1;
    } else {
      atFieldStart = ch === '\r' || ch === '\n';
    }
  }
  return true;
}

/**
 * Turns the raw text of consecutive records into the line each starts on. A record's raw
 * text begins with the blank lines skipped before it and ends with the first character of
 * its line break (csv-parse leaves out the `\n` of a `\r\n` between records).
 */
class LineCounter {
  next = 1;

  advance(raw: string): number {
    let i = 0;
    let line = this.next;
    while (i < raw.length && (raw[i] === '\r' || raw[i] === '\n')) {
      i += raw[i] === '\r' && raw[i + 1] === '\n' ? 2 : 1;
      line++;
    }
    this.next = line + countBreaks(raw, i);
    return line;
  }
}

function countBreaks(text: string, from: number): number {
  let n = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) n++;
  }
  return n;
}
