import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as contacts from '../../src/modules/contacts/index.js';
import { createTestApp, json, requester, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';

/**
 * A file with a NUL (which PostgreSQL refuses in text) or bytes that are not
 * text gets an error on that row or card; the rest imports and the import
 * ends `done`, not `failed` on an internal error.
 */
let t: TestApp;
let owner: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Hostile Import Co');
});
afterAll(() => t.close());
const call = requester(() => t);

async function importFile(body: Buffer, type: string, options: object = {}) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/contact-imports?address_book=shared', headers: { ...owner.caller.headers, 'content-type': type }, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  const id = json(res).id;
  expect((await call(owner.caller, 'POST', `/v1/contact-imports/${id}/start`, options)).statusCode).toBe(202);
  while (await contacts.runNextImport(t.db).catch(() => true)) { /* every queued import, even one that fails */ }
  return {
    preview: json(res).preview,
    done: json(await call(owner.caller, 'GET', `/v1/contact-imports/${id}`)),
    errors: json(await call(owner.caller, 'GET', `/v1/contact-imports/${id}/errors`)).data,
  };
}
const names = async (q: string) => json(await call(owner.caller, 'GET', `/v1/contacts?q=${q}&limit=50`)).data.map((c: { name: string }) => c.name).sort();

describe('hostile text in imported files', () => {
  it('gives a CSV row with a NUL byte an error, and imports the others', async () => {
    const csv = Buffer.concat([
      Buffer.from('Name,Mobile,Notes\nNul Before,+32475320001,fine\n'),
      Buffer.from('Nul Notes,+32475320002,a\u0000b\n'),
      Buffer.from('Nul\u0000Name,+32475320003,\n'),
      Buffer.from('Nul Bytes,+32475320004,'), Buffer.from([0xed, 0xa0, 0x80, 0x0a]),
      Buffer.from('Nul After,+32475320005,\n'),
    ]);
    const { preview, done, errors } = await importFile(csv, 'text/csv', { encoding: 'utf-8' });
    expect(preview.rows[1]).toMatchObject({ line: 3, contact: null, error: { code: 'unreadable', reason: expect.stringMatching(/NUL/) } });
    expect(done).toMatchObject({ status: 'done', created: 2, failed: 3, error: null });
    expect(errors).toEqual([
      { line: 3, field: null, code: 'unreadable', reason: expect.stringMatching(/NUL character/) },
      { line: 4, field: null, code: 'unreadable', reason: expect.stringMatching(/NUL character/) },
      { line: 5, field: null, code: 'unreadable', reason: expect.stringMatching(/not valid utf-8/i) },
    ]);
    expect(await names('Nul')).toEqual(['Nul After', 'Nul Before']);
  });

  it('gives a UTF-16 CSV row with a lone surrogate an error', async () => {
    const text = 'Name,Mobile\r\nLone Good,+32475320011\r\nLone \uD800Bad,+32475320012\r\n';
    const utf16 = Buffer.alloc(text.length * 2);
    for (let i = 0; i < text.length; i++) utf16.writeUInt16LE(text.charCodeAt(i), i * 2);
    const { done, errors } = await importFile(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]), 'text/csv');
    expect(done).toMatchObject({ status: 'done', created: 1, failed: 1 });
    expect(errors).toEqual([{ line: 3, field: null, code: 'unreadable', reason: expect.stringMatching(/not valid utf-16le/i) }]);
  });

  it('gives a vCard with a NUL or bytes that are not UTF-8 an error, and imports the others', async () => {
    const card = (fn: string, tel: string, extra: string[] = []) => ['BEGIN:VCARD', 'VERSION:3.0', `FN:${fn}`, `TEL;TYPE=CELL:${tel}`, ...extra, 'END:VCARD'].join('\r\n');
    const vcf = Buffer.concat([
      Buffer.from([card('Card Good', '+32475320021'), card('Card Nul', '+32475320022', ['NOTE:a\u0000b']), ''].join('\r\n')),
      Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card Bytes\r\nNOTE:'), Buffer.from([0xff, 0xfe]), Buffer.from('\r\nEND:VCARD\r\n'),
      Buffer.from(card('Card \u0000Name', '+32475320024') + '\r\n' + card('Card Last', '+32475320025') + '\r\n'),
    ]);
    const { done, errors } = await importFile(vcf, 'text/vcard');
    expect(done).toMatchObject({ status: 'done', created: 2, failed: 3, error: null });
    expect(errors).toEqual([
      { line: 6, field: null, code: 'unreadable', reason: expect.stringMatching(/NUL character/) },
      { line: 12, field: null, code: 'unreadable', reason: expect.stringMatching(/not valid UTF-8/) },
      { line: 17, field: null, code: 'unreadable', reason: expect.stringMatching(/NUL character/) },
    ]);
    expect(await names('Card')).toEqual(['Card Good', 'Card Last']);
  });
});
