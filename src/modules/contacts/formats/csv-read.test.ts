import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readCsv, sniffCsv, type CsvEncoding, type CsvRecord } from './csv-read.js';

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer | string> {
  for (const p of parts) yield p;
}

/** Cuts a buffer into pieces of `size` bytes, so that characters and CRLFs fall across chunks. */
async function* bytes(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function read(
  source: AsyncIterable<Buffer | string>,
  opts: { encoding?: CsvEncoding; delimiter?: string; maxFieldChars?: number; maxRecordChars?: number } = {},
): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsv(source, { encoding: 'utf-8', delimiter: ',', ...opts })) out.push(r);
  return out;
}

describe('sniffCsv', () => {
  it('trusts a byte order mark', () => {
    expect(sniffCsv(Buffer.from('\uFEFFa;b\n', 'utf-8'))).toEqual({ encoding: 'utf-8', delimiter: ';' });
    expect(sniffCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\tb\n', 'utf16le')]))).toEqual({
      encoding: 'utf-16le',
      delimiter: '\t',
    });
    const be = Buffer.from('a;b;c\n', 'utf16le').swap16();
    expect(sniffCsv(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({ encoding: 'utf-16be', delimiter: ';' });
  });

  it('takes valid UTF-8 as UTF-8, even with a character cut at the end of the head', () => {
    const head = Buffer.from('Naam,Plaats\nHélène,Liège', 'utf-8');
    expect(sniffCsv(head).encoding).toBe('utf-8');
    expect(sniffCsv(head.subarray(0, head.length - 2)).encoding).toBe('utf-8'); // "è" cut in half
  });

  it('falls back to windows-1252 for bytes such as 0xE9 (é)', () => {
    expect(sniffCsv(Buffer.from('Nom;Ville\nH\xe9l\xe8ne;Li\xe8ge\n', 'latin1'))).toEqual({
      encoding: 'windows-1252',
      delimiter: ';',
    });
  });

  it('counts separators in the first line only, outside quotes', () => {
    expect(sniffCsv(Buffer.from('Naam;Adres;Telefoon\n"a,b,c,d";x;y\n')).delimiter).toBe(';');
    expect(sniffCsv(Buffer.from('"Jansen; Jan",Telefoon\n')).delimiter).toBe(',');
    expect(sniffCsv(Buffer.from('\r\nname\tphone\tmail\n')).delimiter).toBe('\t');
    expect(sniffCsv(Buffer.from('name\n')).delimiter).toBe(',');
  });
});

describe('readCsv', () => {
  it('gives each record the line it starts on, with LF and with CRLF', async () => {
    for (const eol of ['\n', '\r\n']) {
      const file = ['name,notes', '', 'Jan,"two', 'lines"', ',,', 'Piet,x', ''].join(eol);
      // 3-byte chunks put CR and LF in different chunks.
      expect(await read(bytes(Buffer.from(file), 3))).toEqual([
        { line: 1, cells: ['name', 'notes'] },
        { line: 3, cells: ['Jan', `two${eol}lines`] },
        { line: 6, cells: ['Piet', 'x'] },
      ]);
    }
  });

  it('reads a BOM-prefixed file in each encoding, characters split across chunks', async () => {
    const text = 'naam;plaats\r\nHélène;Liège €\r\n';
    const files: [CsvEncoding, Buffer][] = [
      ['utf-8', Buffer.from('\uFEFF' + text, 'utf-8')],
      ['utf-16le', Buffer.from('\uFEFF' + text, 'utf16le')],
      ['utf-16be', Buffer.from('\uFEFF' + text, 'utf16le').swap16()],
      ['windows-1252', Buffer.from([...Buffer.from(text.replace('€', ''), 'latin1')])],
    ];
    for (const [encoding, buf] of files) {
      const records = await read(bytes(buf, 5), { encoding, delimiter: ';' });
      const expected = encoding === 'windows-1252' ? 'Liège ' : 'Liège €';
      expect(records, encoding).toEqual([
        { line: 1, cells: ['naam', 'plaats'] },
        { line: 2, cells: ['Hélène', expected] },
      ]);
    }
  });

  it('reports a row with bytes that are not UTF-8, and only that row', async () => {
    const file = Buffer.concat([
      Buffer.from('name,city\nJan,Gent\nH'),
      Buffer.from([0xe9]),
      Buffer.from('l\xe8ne,Li\xe8ge\nPiet,Brugge\n', 'latin1'),
    ]);
    expect(await read(chunks(file))).toEqual([
      { line: 1, cells: ['name', 'city'] },
      { line: 2, cells: ['Jan', 'Gent'] },
      { line: 3, error: 'is not valid utf-8 text; choose another encoding' },
      { line: 4, cells: ['Piet', 'Brugge'] },
    ]);
  });

  it('reports a row with a NUL, which PostgreSQL cannot store, and only that row', async () => {
    const file = Buffer.from('name,notes\nJan,a\u0000b\nPiet,fine\n');
    expect(await read(chunks(file))).toEqual([
      { line: 1, cells: ['name', 'notes'] },
      { line: 2, error: 'holds a NUL character, which is not text' },
      { line: 3, cells: ['Piet', 'fine'] },
    ]);
  });

  it('reports a row with broken quoting and reads the rows after it', async () => {
    const file = 'name,notes\n"Jan "de Man" Jansen",x\nAnna,"said ""hi"""\nKees,"closed"too\nPiet,y\n';
    const records = await read(chunks(file));
    expect(records).toEqual([
      { line: 1, cells: ['name', 'notes'] },
      { line: 2, error: expect.stringContaining('quote') },
      { line: 3, cells: ['Anna', 'said "hi"'] },
      { line: 4, error: expect.stringContaining('quote') },
      { line: 5, cells: ['Piet', 'y'] },
    ]);
  });

  it('accepts a quote inside an unquoted cell', async () => {
    expect(await read(chunks('Jan "Johnny" Jansen,06 1234\n'))).toEqual([
      { line: 1, cells: ['Jan "Johnny" Jansen', '06 1234'] },
    ]);
  });

  it('reports an unclosed quote at the end of the file', async () => {
    expect(await read(chunks('name,notes\nJan,x\nPiet,"never closed\nmore\n'))).toEqual([
      { line: 1, cells: ['name', 'notes'] },
      { line: 2, cells: ['Jan', 'x'] },
      { line: 3, error: 'opens a quote that is never closed' },
    ]);
  });

  it('reports a cell over maxFieldChars and goes on', async () => {
    const file = `name,notes\nJan,${'x'.repeat(101)}\nPiet,${'y'.repeat(100)}\n`;
    expect(await read(chunks(file), { maxFieldChars: 100 })).toEqual([
      { line: 1, cells: ['name', 'notes'] },
      { line: 2, error: 'has a cell longer than 100 characters' },
      { line: 3, cells: ['Piet', 'y'.repeat(100)] },
    ]);
  });

  it('turns a 10 MB field into an error record without holding it', async () => {
    let pulled = 0;
    async function* huge(): AsyncGenerator<string> {
      yield 'name,notes\nJan,x\nPiet,';
      for (let i = 0; i < 160; i++) {
        pulled++;
        yield 'z'.repeat(64 * 1024);
      }
      yield '\nKees,y\n';
    }
    const records = await read(huge());
    expect(records.slice(0, 2)).toEqual([
      { line: 1, cells: ['name', 'notes'] },
      { line: 2, cells: ['Jan', 'x'] },
    ]);
    expect(records[2]).toEqual({ line: 3, error: expect.stringContaining('longer than 1000000 characters') });
    expect(records).toHaveLength(3);
    // It stops pulling soon after the limit instead of reading the 10 MB.
    expect(pulled).toBeLessThan(20);
  });

  it('stops at an unclosed quote that swallows the rest of the file', async () => {
    async function* rows(): AsyncGenerator<string> {
      yield 'name,notes\n"Jan,oops\n';
      for (let i = 0; i < 1000; i++) yield `Row ${i},note ${i}\n`;
    }
    const records = await read(rows(), { maxRecordChars: 1000 });
    expect(records).toEqual([
      { line: 1, cells: ['name', 'notes'] },
      { line: 2, error: expect.stringContaining('is a quote left open?') },
    ]);
  });

  it('pulls from the source only as records are consumed', async () => {
    let pulled = 0;
    async function* rows(): AsyncGenerator<string> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield `Row ${i},x\n`;
      }
    }
    const iterator = readCsv(rows(), { encoding: 'utf-8', delimiter: ',' });
    await iterator.next();
    await iterator.next();
    expect(pulled).toBeLessThan(5);
    await iterator.return(undefined);
  });

  it('streams 100,000 rows in flat memory', async () => {
    const row = (i: number) =>
      `Contact ${i},Organisation ${i} BV,+3161234${String(i).padStart(4, '0')},c${i}@example.nl,"${'note '.repeat(40)}"\r\n`;
    async function* file(): AsyncGenerator<Buffer> {
      let text = '';
      for (let i = 0; i < 100_000; i++) {
        text += row(i);
        if (text.length >= 64 * 1024) {
          yield Buffer.from(text);
          text = '';
        }
      }
      yield Buffer.from(text);
    }
    const parseRow = (text: string) => text.replace(/\r\n$/, '').replace(/"/g, '').split(',');
    // A full collection before each sample, so that what is measured is what readCsv keeps
    // alive and not garbage that V8 has yet to collect.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let count = 0;
    let last: CsvRecord | undefined;
    for await (const r of readCsv(file(), { encoding: 'utf-8', delimiter: ',' })) {
      count++;
      last = r;
      if (count % 5000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    expect(count).toBe(100_000);
    expect(last).toEqual({ line: 100_000, cells: [...parseRow(row(99_999))] });
    // The file is ~25 MB of text and its records ~60 MB; streaming keeps well under 1 MB.
    expect(peak - before).toBeLessThan(16 * 1024 * 1024);
  });
});
