import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as contacts from '../../src/modules/contacts/index.js';
import { createTestApp, json, requester, type Caller, type TestApp } from '../helpers/app.js';
import { createMember, createOwner, type TestUser } from '../helpers/factories.js';

let t: TestApp;
let owner: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Import Co');
});
afterAll(() => t.close());

const upload = (caller: Caller, body: string | Buffer, type = 'text/csv', query = '') =>
  t.app.inject({ method: 'POST', url: `/v1/contact-imports${query}`, headers: { ...caller.headers, 'content-type': type }, payload: body });
const call = requester(() => t);

async function importFile(caller: Caller, body: string | Buffer, type = 'text/csv', options: object = {}, query = '') {
  const res = await upload(caller, body, type, query);
  expect(res.statusCode, res.body).toBe(201);
  const started = await call(caller, 'POST', `/v1/contact-imports/${json(res).id}/start`, options);
  expect(started.statusCode, started.body).toBe(202);
  while (await contacts.runNextImport(t.db)) { /* run every queued import */ }
  const done = json(await call(caller, 'GET', `/v1/contact-imports/${json(res).id}`));
  const errors = json(await call(caller, 'GET', `/v1/contact-imports/${done.id}/errors`)).data;
  return { upload: json(res), done, errors };
}
const find = async (caller: Caller, q: string) => json(await call(caller, 'GET', `/v1/contacts?q=${encodeURIComponent(q)}&limit=200`)).data;

describe('CSV import', () => {
  it('previews a Dutch Excel file, then imports it with an error per bad row and duplicates merged by number', async () => {
    await call(owner.caller, 'POST', '/v1/contacts', { name: 'Existing Person', phones: [{ type: 'mobile', number: '+32475300001' }], tags: ['old'] });
    const csv = Buffer.from([
      'Voornaam;Achternaam;GSM;E-mail;Labels',
      'Existing;Again;+32 475 30 00 01;existing@example.org;new',
      'Zoë;Dupré;0475300002;zoe@example.org;klant',
      'Zoë;D.;+32475300002;;vip',
      ';;;;',
      'No;Number;;x@example.org;',
      'Bad;Phone;+032475300003;;',
      'Fixed;Line;+32 2 555 12 12;;',
    ].join('\r\n'), 'latin1');
    const res = await upload(owner.caller, csv);
    expect(res.statusCode, res.body).toBe(201);
    const { preview, status, format } = json(res);
    expect({ status, format }).toEqual({ status: 'uploaded', format: 'csv' });
    expect(preview.options).toMatchObject({ encoding: 'windows-1252', delimiter: ';', has_header: true, mapping: ['first_name', 'last_name', 'mobile', 'email', 'tags'] });
    expect(preview.columns).toEqual(['Voornaam', 'Achternaam', 'GSM', 'E-mail', 'Labels']);
    expect(preview.rows[1]).toMatchObject({ line: 3, contact: { name: 'Zoë Dupré', phones: [{ type: 'mobile', number: '+32475300002' }], emails: ['zoe@example.org'] }, error: null });
    expect(preview.rows.find((r: { line: number }) => r.line === 7)).toMatchObject({ contact: null, error: { field: 'phones[0].number', code: 'zero_before_country_code', reason: expect.stringMatching(/zero before the country code/) } });

    const id = json(res).id;
    // A changed mapping shows at once in a new preview.
    const remapped = json(await call(owner.caller, 'POST', `/v1/contact-imports/${id}/preview`, { mapping: ['name', 'ignore', 'work', 'ignore', 'ignore'] }));
    expect(remapped.rows[1].contact).toMatchObject({ name: 'Zoë', phones: [{ type: 'work' }] });
    const unnamed = await call(owner.caller, 'POST', `/v1/contact-imports/${id}/start`, { mapping: ['ignore', 'ignore', 'mobile', 'email', 'tags'] });
    expect(json(unnamed).error).toMatchObject({ field: 'mapping', message: expect.stringMatching(/name/) });

    // A header with no name column still previews, each row saying what is missing; starting it is refused.
    const nameless = await upload(owner.caller, 'GSM;E-mail\r\n0475300009;n@example.org\r\n');
    expect(nameless.statusCode, nameless.body).toBe(201);
    expect(json(nameless).preview.rows[0]).toMatchObject({ contact: null, error: { field: 'name' } });
    expect(json(await call(owner.caller, 'POST', `/v1/contact-imports/${json(nameless).id}/start`, {})).error).toMatchObject({ field: 'mapping' });

    expect((await call(owner.caller, 'POST', `/v1/contact-imports/${id}/start`, {})).statusCode).toBe(202);
    expect((await call(owner.caller, 'POST', `/v1/contact-imports/${id}/start`, {})).statusCode).toBe(409);
    expect(await contacts.runNextImport(t.db)).toBe(true);
    const done = json(await call(owner.caller, 'GET', `/v1/contact-imports/${id}`));
    expect(done).toMatchObject({ status: 'done', progress: 1, created: 2, merged: 2, failed: 2 });
    const errors = json(await call(owner.caller, 'GET', `/v1/contact-imports/${id}/errors`)).data;
    expect(errors).toEqual([
      { line: 7, field: 'phones[0].number', code: 'zero_before_country_code', reason: expect.stringMatching(/zero before the country code/) },
      { line: 8, field: 'phones[0].number', code: 'not_mobile', reason: expect.stringMatching(/not a mobile number/) },
    ]);
    const [existing] = await find(owner.caller, '475300001');
    expect(existing).toMatchObject({ name: 'Existing Person', emails: ['existing@example.org'], tags: ['old', 'new'] });
    const zoe = await find(owner.caller, '475300002');
    expect(zoe).toHaveLength(1);
    expect(zoe[0]).toMatchObject({ name: 'Zoë Dupré', tags: ['klant', 'vip'] });
    expect(await find(owner.caller, 'x@example.org')).toHaveLength(1);
  });

  it('turns malformed input into errors per row and never crashes: bad quoting, bad bytes, a 10 MB field', async () => {
    const lines = ['Name,Mobile', 'Good One,+32475310001', 'Broken "quote" here,"+32475310002', 'Good Two,+32475310003'];
    const badBytes = Buffer.concat([Buffer.from('Name,Mobile\nAnn,+32475310004\n'), Buffer.from([0x42, 0xff, 0xfe, 0x2c, 0x30, 0x0a]), Buffer.from('Bob,+32475310005\n')]);
    const quoting = await importFile(owner.caller, lines.join('\n'));
    expect(quoting.done.status).toBe('done');
    expect((await find(owner.caller, '475310001'))).toHaveLength(1);
    expect(quoting.done.failed).toBeGreaterThan(0);
    expect(quoting.errors[0]).toMatchObject({ line: 3 });

    const bytes = await importFile(owner.caller, badBytes, 'text/csv', { encoding: 'utf-8' });
    expect(bytes.done).toMatchObject({ status: 'done', created: 2, failed: 1 });
    expect(bytes.errors).toEqual([{ line: 3, field: null, code: 'unreadable', reason: expect.stringMatching(/not valid utf-8/i) }]);

    const huge = `Name,Mobile\nBefore,+32475310006\n"${'x'.repeat(10 * 1024 * 1024)}",+32475310007\n`;
    const big = await importFile(owner.caller, huge);
    expect(big.done.status).toBe('done');
    expect(await find(owner.caller, '475310006')).toHaveLength(1);
    expect(big.errors[0]).toMatchObject({ line: 3, reason: expect.stringMatching(/longer than/) });
  });

  it('resumes a stopped import after its last batch, writing nothing twice', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `Resume ${i},+3247632${String(i).padStart(4, '0')}`);
    const res = await upload(owner.caller, ['Name,Mobile', ...rows].join('\n'));
    await call(owner.caller, 'POST', `/v1/contact-imports/${json(res).id}/start`, {});
    const stop = new AbortController();
    let batches = 0;
    await contacts.runNextImport(t.db, { batchRows: 100, signal: stop.signal, afterBatch: () => { if (++batches === 3) stop.abort(); } });
    expect(json(await call(owner.caller, 'GET', `/v1/contact-imports/${json(res).id}`))).toMatchObject({ status: 'queued', rows: 300, created: 300 });
    await contacts.runNextImport(t.db, { batchRows: 100 });
    expect(json(await call(owner.caller, 'GET', `/v1/contact-imports/${json(res).id}`))).toMatchObject({ status: 'done', rows: 1000, created: 1000, merged: 0 });
    expect((await find(owner.caller, 'resume')).length).toBe(200);
    const all = await contacts.searchContacts(t.db, { accountId: owner.accountId, userId: owner.userId }, { q: 'resume', limit: 2000 });
    expect(all.data).toHaveLength(1000);
  });

  it('fills a list: every contact created or merged joins it, batch by batch; a shared list takes shared contacts only', async () => {
    const existing = json(await call(owner.caller, 'POST', '/v1/contacts', { name: 'Already here', address_book: 'shared', phones: [{ type: 'mobile', number: '+32476600000' }] }));
    const shared = json(await call(owner.caller, 'POST', '/v1/lists', { name: 'Imported list', address_book: 'shared' }));
    const refused = await upload(owner.caller, 'Name,Mobile\nX,+32476600009\n', 'text/csv', `?address_book=personal&list=${shared.id}`);
    expect(refused.statusCode).toBe(400);
    expect(json(refused).error).toMatchObject({ field: 'list', message: expect.stringMatching(/shared list holds only shared contacts/) });
    expect((await upload(owner.caller, 'Name\nX\n', 'text/csv', '?list=lst_nope')).statusCode).toBe(404);
    const rows = ['Name,Mobile', 'Already here again,+32476600000', ...Array.from({ length: 120 }, (_, i) => `Listed ${i},+3247661${String(i).padStart(4, '0')}`)];
    const res = await upload(owner.caller, rows.join('\n'), 'text/csv', `?address_book=shared&list=${shared.id}`);
    expect(json(res)).toMatchObject({ list_id: shared.id });
    await call(owner.caller, 'POST', `/v1/contact-imports/${json(res).id}/start`, {});
    await contacts.runNextImport(t.db, { batchRows: 50 });
    expect(json(await call(owner.caller, 'GET', `/v1/contact-imports/${json(res).id}`))).toMatchObject({ status: 'done', created: 120, merged: 1 });
    const listed = await call(owner.caller, 'GET', `/v1/lists/${shared.id}/members?limit=200`);
    expect(listed.statusCode, listed.body).toBe(200);
    const members = json(listed).data;
    expect(members).toHaveLength(121);
    expect(members.some((m: { contact: { id: string } | null }) => m.contact?.id === existing.id)).toBe(true);
  });

  it('merges rows that share a number across batches, whichever batch is still committing', async () => {
    // 120 numbers, each on three rows 120 apart: with batches of 50 a repeat lands one, two or three batches later.
    const rows = Array.from({ length: 360 }, (_, i) => `Merge ${i % 120},+324764${String(i % 120).padStart(5, '0')},t${Math.floor(i / 120)}`);
    const res = await upload(owner.caller, ['Name,Mobile,Tags', ...rows].join('\n'));
    await call(owner.caller, 'POST', `/v1/contact-imports/${json(res).id}/start`, {});
    await contacts.runNextImport(t.db, { batchRows: 50 });
    expect(json(await call(owner.caller, 'GET', `/v1/contact-imports/${json(res).id}`))).toMatchObject({ status: 'done', rows: 360, created: 120, merged: 240, failed: 0 });
    const all = await contacts.searchContacts(t.db, { accountId: owner.accountId, userId: owner.userId }, { q: '+324764', limit: 200 });
    expect(all.data).toHaveLength(120);
    expect(all.data.every((c) => c.tags.join() === 't0,t1,t2')).toBe(true);
  });

  it('keeps a personal import to its user, and can be cancelled', async () => {
    const colleague = await createMember(t.app, owner);
    const res = await upload(owner.caller, 'Name,Mobile\nSecret,+32475330001\n');
    const id = json(res).id;
    for (const [m, url] of [['GET', `/v1/contact-imports/${id}`], ['GET', `/v1/contact-imports/${id}/errors`], ['POST', `/v1/contact-imports/${id}/start`], ['DELETE', `/v1/contact-imports/${id}`]] as const) {
      expect((await call(colleague.caller, m, url, m === 'POST' ? {} : undefined)).statusCode, url).toBe(404);
    }
    expect(JSON.stringify(json(await call(colleague.caller, 'GET', '/v1/contact-imports')))).not.toContain(id);
    expect(json(await call(owner.caller, 'DELETE', `/v1/contact-imports/${id}`))).toMatchObject({ status: 'cancelled' });
    expect(await contacts.runNextImport(t.db)).toBe(false);
    expect(await find(owner.caller, 'Secret')).toHaveLength(0);
    expect(json(await upload(owner.caller, '')).error).toMatchObject({ field: 'body' });
  });
});

describe('vCard import and export', () => {
  it('imports 3.0 and 4.0 cards, a broken one reported by line, and exports both versions and CSV', async () => {
    const vcf = [
      'BEGIN:VCARD', 'VERSION:3.0', 'FN:Vera Vcard', 'N:Vcard;Vera;;;', 'ORG:Cards Inc.', 'TEL;TYPE=CELL,VOICE:+32 475 34 00 01',
      'TEL;TYPE=WORK,FAX:+32 2 555 12 13', 'EMAIL;TYPE=INTERNET:vera@example.org', 'CATEGORIES:vcard,friends', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'FN;BROKEN', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:Victor Four', 'TEL;VALUE=uri;TYPE=cell:tel:+32475340002', 'NOTE:=cmd|\' /C calc\'!A0', 'END:VCARD',
    ].join('\r\n');
    const { upload: up, done, errors } = await importFile(owner.caller, vcf, 'text/vcard');
    expect(up.format).toBe('vcard');
    expect(done).toMatchObject({ status: 'done', created: 2, failed: 1 });
    expect(errors).toEqual([{ line: 11, field: null, code: 'unreadable', reason: expect.any(String) }]);
    const [vera] = await find(owner.caller, 'Vera Vcard');
    expect(vera).toMatchObject({ organisation: 'Cards Inc.', phones: [{ type: 'mobile', number: '+32475340001' }, { type: 'fax', number: '+3225551213' }], emails: ['vera@example.org'], tags: ['vcard', 'friends'] });

    const csv = await t.app.inject({ method: 'GET', url: '/v1/contacts/export?format=csv', ...owner.caller });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment/);
    const victorLine = csv.body.split('\r\n').find((l) => l.startsWith('Victor Four'))!;
    expect(victorLine).toContain("'=cmd");
    expect(victorLine).toContain("'+32475340002");
    expect(csv.body.split('\r\n').some((l) => /(^|,)[=+\-@]/.test(l))).toBe(false);

    for (const version of ['3.0', '4.0']) {
      const card = await t.app.inject({ method: 'GET', url: `/v1/contacts/export?format=vcard&version=${version}`, ...owner.caller });
      expect(card.statusCode).toBe(200);
      expect(card.body).toContain(`VERSION:${version}`);
      const other = await createOwner(t.app, t.db, `Round trip ${version}`);
      const again = await importFile(other.caller, card.body, 'text/vcard', {}, '?address_book=shared');
      expect(again.done.failed).toBe(0);
      const [copy] = await find(other.caller, 'Vera Vcard');
      expect(copy).toMatchObject({ name: vera.name, organisation: vera.organisation, phones: vera.phones, emails: vera.emails, tags: vera.tags, address_book: 'shared' });
    }
  });
});
