import { describe, expect, it } from 'vitest';
import type { Contact } from '../types.js';
import { readVcards, writeVcard, type VcardRecord } from './vcard.js';

/** Cuts the text into pieces of `size` bytes, so that lines and characters fall across chunks. */
async function* bytes(text: string, size = 7): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text, 'utf-8');
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function read(text: string, maxCardChars?: number): Promise<VcardRecord[]> {
  const out: VcardRecord[] = [];
  for await (const r of readVcards(bytes(text), maxCardChars === undefined ? undefined : { maxCardChars })) out.push(r);
  return out;
}

const crlf = (...lines: string[]) => lines.join('\r\n') + '\r\n';

// As Apple Contacts exports it: repeated type params, item groups, a folded note.
const apple = crlf(
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//macOS 14.4//EN',
  'N:Dubois;Hélène;;;',
  'FN:Hélène Dubois',
  'ORG:Boulangerie Dubois\\, Fils & Cie;',
  'EMAIL;type=INTERNET;type=HOME;type=pref:Helene@Example.be',
  'TEL;type=CELL;type=VOICE;type=pref:+32 470 12 34 56',
  'TEL;type=WORK;type=VOICE:+32 2 555 01 23',
  'item1.TEL:+32 2 555 01 99',
  'item1.X-ABLabel:_$!<Other>!$_',
  'TEL;type=WORK;type=FAX:+32 2 555 01 24',
  'TEL;type=HOME,CELL:+32 471 11 22 33',
  'NOTE:Allergique aux noix\\; préfère le matin\\, pas le soir.\\nDeuxième lig',
  ' ne\\, assez longue pour être pliée.',
  'CATEGORIES:Clients,VIP',
  'END:VCARD',
);

// As Google Contacts exports it, with LF line ends.
const google = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Jan de Vries',
  'N:de Vries;Jan;;;',
  'EMAIL;TYPE=INTERNET;TYPE=WORK:jan@devries.nl',
  'TEL;TYPE=CELL:06 12345678',
  'TEL;TYPE=HOME:020 123 4567',
  'TEL:020 765 4321',
  'ORG:De Vries BV',
  'CATEGORIES:myContacts,Leveranciers',
  'END:VCARD',
  '',
].join('\n');

const v4 = crlf(
  'BEGIN:VCARD',
  'VERSION:4.0',
  'UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1',
  'FN:Anna Müller',
  'N:Müller;Anna;;;',
  'ORG:Müller GmbH;Vertrieb',
  'TEL;TYPE="cell,voice";VALUE=uri:tel:+49-151-12345678',
  'TEL;VALUE=uri;TYPE=work:tel:+49301234567',
  'TEL;TYPE=fax,work;VALUE=uri:tel:+49301234568',
  'TEL;VALUE=uri:tel:+49301234569',
  'EMAIL;TYPE=work:anna.mueller@example.de',
  'NOTE:Rückruf bitte\\, nur vormittags',
  'CATEGORIES:Kunden,Berlin',
  'END:VCARD',
);

describe('readVcards', () => {
  it('reads an Apple Contacts 3.0 card', async () => {
    expect(await read(apple)).toEqual([
      {
        line: 1,
        contact: {
          name: 'Hélène Dubois',
          organisation: 'Boulangerie Dubois, Fils & Cie',
          phones: [
            { type: 'mobile', number: '+32 470 12 34 56' },
            { type: 'work', number: '+32 2 555 01 23' },
            { type: 'other', number: '+32 2 555 01 99' },
            { type: 'fax', number: '+32 2 555 01 24' },
            { type: 'mobile', number: '+32 471 11 22 33' },
          ],
          emails: ['helene@example.be'],
          notes: 'Allergique aux noix; préfère le matin, pas le soir.\nDeuxième ligne, assez longue pour être pliée.',
          tags: ['Clients', 'VIP'],
        },
      },
    ]);
  });

  it('reads a Google 3.0 card with LF line ends and a 4.0 card with tel: URIs', async () => {
    const records = await read(google + v4);
    expect(records).toEqual([
      {
        line: 1,
        contact: {
          name: 'Jan de Vries',
          organisation: 'De Vries BV',
          phones: [
            { type: 'mobile', number: '06 12345678' },
            { type: 'home', number: '020 123 4567' },
            { type: 'other', number: '020 765 4321' },
          ],
          emails: ['jan@devries.nl'],
          notes: null,
          tags: ['myContacts', 'Leveranciers'],
        },
      },
      {
        line: 12,
        contact: {
          name: 'Anna Müller',
          organisation: 'Müller GmbH',
          phones: [
            { type: 'mobile', number: '+49-151-12345678' },
            { type: 'work', number: '+49301234567' },
            { type: 'fax', number: '+49301234568' },
            { type: 'other', number: '+49301234569' },
          ],
          emails: ['anna.mueller@example.de'],
          notes: 'Rückruf bitte, nur vormittags',
          tags: ['Kunden', 'Berlin'],
        },
      },
    ]);
  });

  it('falls back to N, then ORG, for the name, and reports a card without one', async () => {
    const file = crlf(
      'BEGIN:VCARD', 'VERSION:3.0', 'N:Jansen;Piet;;;', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'ORG:Bakkerij Jansen;Verkoop', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'FN:', 'N:;;;;', 'TEL:0612345678', 'END:VCARD',
    );
    expect(await read(file)).toEqual([
      { line: 1, contact: expect.objectContaining({ name: 'Piet Jansen', organisation: null }) },
      { line: 5, contact: expect.objectContaining({ name: 'Bakkerij Jansen', organisation: 'Bakkerij Jansen' }) },
      { line: 9, error: 'has no name (FN, N or ORG)' },
    ]);
  });

  it('reports a broken card and reads the cards around it', async () => {
    const broken = crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Broken', 'this line has no colon', 'END:VCARD');
    const records = await read(google + broken + v4);
    expect(records.map((r) => r.line)).toEqual([1, 12, 17]);
    expect(records[0]).toMatchObject({ contact: { name: 'Jan de Vries' } });
    expect(records[1]).toEqual({ line: 12, error: expect.stringContaining('could not be read') });
    expect(records[2]).toMatchObject({ contact: { name: 'Anna Müller' } });
  });

  it('reports a card without END, in the middle and at the end of the file', async () => {
    const unfinished = crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Half');
    expect(await read(unfinished + v4 + unfinished.trimEnd())).toEqual([
      { line: 1, error: 'has no END:VCARD' },
      { line: 4, contact: expect.objectContaining({ name: 'Anna Müller' }) },
      { line: 18, error: 'has no END:VCARD' },
    ]);
  });

  it('reports a card with a NUL or with bytes that are not UTF-8, and reads on', async () => {
    const nul = crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Nul', 'NOTE:a\u0000b', 'END:VCARD');
    const notUtf8 = crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Bytes \uFFFD', 'END:VCARD');
    expect(await read(nul + notUtf8 + v4)).toEqual([
      { line: 1, error: 'holds a NUL character, which is not text' },
      { line: 6, error: 'is not valid UTF-8 text' },
      { line: 10, contact: expect.objectContaining({ name: 'Anna Müller' }) },
    ]);
  });

  it('reports vCard 2.1 as unsupported', async () => {
    const outlook = crlf('BEGIN:VCARD', 'VERSION:2.1', 'N;LANGUAGE=nl-nl:Jansen;Piet', 'FN:Piet Jansen',
      'TEL;WORK;VOICE:020-1234567', 'END:VCARD');
    expect(await read(outlook + v4)).toEqual([
      { line: 1, error: 'vCard 2.1 is not supported; export as 3.0 or 4.0' },
      { line: 7, contact: expect.objectContaining({ name: 'Anna Müller' }) },
    ]);
  });

  it('reports a card over maxCardChars, also one long line, and reads on', async () => {
    const big = crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Big', `NOTE:${'x'.repeat(5000)}`, 'END:VCARD');
    expect(await read(big + google + big.replace('\r\nEND:VCARD\r\n', ''), 1000)).toEqual([
      { line: 1, error: 'is longer than 1000 characters' },
      { line: 6, contact: expect.objectContaining({ name: 'Jan de Vries' }) },
      { line: 17, error: 'is longer than 1000 characters' },
    ]);
  });
});

describe('writeVcard', () => {
  const contact: Contact = {
    id: 'ctc_1',
    addressBook: 'shared',
    name: 'Hélène Dubois-Lefèvre',
    organisation: 'Dubois; Fils, Cie',
    phones: [
      { type: 'mobile', number: '+32470123456' },
      { type: 'work', number: '+3225550123' },
      { type: 'home', number: '+3225550199' },
      { type: 'fax', number: '+3225550124' },
      { type: 'other', number: '+3225550100' },
    ],
    emails: ['helene@example.be', 'h.dubois@example.be'],
    notes: 'Allergique aux noix; préfère le matin, pas le soir.\nDeuxième ligne: "quoted" \\ et une ligne bien plus longue que soixante-quinze octets.',
    tags: ['Clients', 'V,I;P'],
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };

  it('writes 4.0 with tel: URIs and 3.0 with plain numbers, CRLF and folded lines', () => {
    const v4card = writeVcard(contact, '4.0');
    expect(v4card).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\nFN:Hélène Dubois-Lefèvre\r\nN:Dubois-Lefèvre;Hélène;;;\r\n/);
    expect(v4card).toContain('\r\nTEL;TYPE=cell;VALUE=uri:tel:+32470123456\r\n');
    expect(v4card).toContain('\r\nTEL;TYPE=voice;VALUE=uri:tel:+3225550100\r\n');
    expect(v4card.endsWith('END:VCARD\r\n')).toBe(true);

    const v3card = writeVcard(contact, '3.0');
    expect(v3card).toContain('\r\nVERSION:3.0\r\n');
    expect(v3card).toContain('\r\nTEL;TYPE=cell:+32470123456\r\n');
    expect(v3card).toContain('\r\nTEL;TYPE=fax:+3225550124\r\n');
    expect(v3card).toContain('\r\nORG:Dubois\\; Fils\\, Cie\r\n');
    for (const card of [v3card, v4card]) {
      expect(card.replace(/\r\n/g, '')).not.toContain('\n');
      for (const line of card.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    }
  });

  it.each(['3.0', '4.0'] as const)('comes back unchanged through readVcards (%s)', async (version) => {
    const file = writeVcard(contact, version) + writeVcard({ ...contact, name: 'Cher', notes: null, tags: [] }, version);
    const records = await read(file);
    const { id: _id, addressBook: _book, createdAt: _c, updatedAt: _u, ...fields } = contact;
    expect(records).toEqual([
      { line: 1, contact: fields },
      { line: expect.any(Number), contact: { ...fields, name: 'Cher', notes: null, tags: [] } },
    ]);
  });
});
