import { describe, expect, it } from 'vitest';
import type { Contact } from '../types.js';
import { CSV_EXPORT_HEADER, contactToCsvCells, csvLines, neutraliseCell, restoreNeutralisedCell } from './csv-write.js';
import { readCsv } from './csv-read.js';
import { rowToContact, suggestMapping } from './csv-mapping.js';

const contact: Contact = {
  id: 'ctc_1',
  addressBook: 'personal',
  name: 'Hélène "Lena" Dubois',
  organisation: 'Dubois, Fils & Cie',
  phones: [
    { type: 'mobile', number: '+32470123456' },
    { type: 'work', number: '+3225550123' },
    { type: 'mobile', number: '+32471112233' },
    { type: 'fax', number: '+3225550124' },
  ],
  emails: ['helene@example.be', 'h.dubois@example.be'],
  notes: 'Line one; with a semicolon\nLine two',
  tags: ['vip', 'clients'],
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

async function text(gen: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const chunk of gen) out += chunk;
  return out;
}

describe('neutraliseCell', () => {
  it.each(['=1+1', '+32470123456', '-2', '@SUM(A1)', '\tx', '\rx', '＝1+1'])('prefixes %j', (value) => {
    expect(neutraliseCell(value)).toBe(`'${value}`);
    expect(restoreNeutralisedCell(neutraliseCell(value))).toBe(value);
  });

  it.each(['Jan', "'t Hart", '', '0612345678', 'a=b'])('leaves %j alone', (value) => {
    expect(neutraliseCell(value)).toBe(value);
    expect(restoreNeutralisedCell(value)).toBe(value);
  });
});

describe('contactToCsvCells', () => {
  it('puts the cells in header order, joining several values', () => {
    expect(contactToCsvCells(contact)).toEqual([
      'Hélène "Lena" Dubois',
      'Dubois, Fils & Cie',
      '+32470123456; +32471112233',
      '+3225550123',
      '',
      '+3225550124',
      '',
      'helene@example.be; h.dubois@example.be',
      'Line one; with a semicolon\nLine two',
      'vip, clients',
    ]);
    expect(contactToCsvCells({ ...contact, organisation: null, phones: [], emails: [], notes: null, tags: [] }))
      .toEqual(['Hélène "Lena" Dubois', '', '', '', '', '', '', '', '', '']);
  });
});

describe('csvLines', () => {
  it('writes a BOM, the header and RFC 4180 rows with CRLF', async () => {
    const out = await text(csvLines([['a', 'b,c', 'say "hi"', 'two\nlines', '=cmd'], ['', 'x']], ['h1', 'h2']));
    expect(out).toBe('\uFEFFh1,h2\r\na,"b,c","say ""hi""","two\nlines",\'=cmd\r\n,x\r\n');
  });

  it('streams from an async source in several chunks', async () => {
    async function* rows(): AsyncGenerator<string[]> {
      for (let i = 0; i < 450; i++) yield [`r${i}`];
    }
    const chunks: string[] = [];
    for await (const chunk of csvLines(rows(), ['name'])) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('').split('\r\n')).toHaveLength(452);
  });

  it('comes back unchanged through readCsv and rowToContact', async () => {
    async function* file(): AsyncGenerator<Buffer> {
      yield Buffer.from(await text(csvLines([contactToCsvCells(contact)], CSV_EXPORT_HEADER)));
    }
    const records = [];
    for await (const r of readCsv(file(), { encoding: 'utf-8', delimiter: ',' })) records.push(r);
    const [header, row] = records;
    if (!header || !('cells' in header) || !row || !('cells' in row)) throw new Error('no rows');
    expect(header.cells).toEqual(CSV_EXPORT_HEADER);
    const result = rowToContact(row.cells, suggestMapping(header.cells));
    expect(result).toEqual({
      ok: true,
      contact: {
        name: contact.name,
        organisation: contact.organisation,
        phones: [
          { type: 'mobile', number: '+32470123456' },
          { type: 'mobile', number: '+32471112233' },
          { type: 'fax', number: '+3225550124' },
          { type: 'work', number: '+3225550123' },
        ],
        emails: contact.emails,
        notes: contact.notes,
        tags: contact.tags,
      },
    });
  });
});
