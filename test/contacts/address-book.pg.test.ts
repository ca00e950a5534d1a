import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as contacts from '../../src/modules/contacts/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, requester, type Caller, type TestApp } from '../helpers/app.js';
import { createKey, createMember, createOwner, type TestUser } from '../helpers/factories.js';

let t: TestApp;
let owner: TestUser;
let colleague: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Book Co');
  colleague = await createMember(t.app, owner);
});
afterAll(() => t.close());

const call = requester(() => t);
const create = async (caller: Caller, payload: object) => {
  const res = await call(caller, 'POST', '/v1/contacts', payload);
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
};
const search = async (caller: Caller, query: string) => json(await call(caller, 'GET', `/v1/contacts?${query}`));

describe('contacts', () => {
  it('stores numbers in international format, national ones with the account\'s country', async () => {
    const c = await create(owner.caller, {
      name: '  Anna   Peeters ', organisation: 'Peeters & Zonen',
      phones: [{ type: 'mobile', number: '0475 12 34 56' }, { type: 'work', number: '+32 2 555 12 12' }, { type: 'mobile', number: '+32475123456' }],
      emails: ['Anna@Example.org'], tags: ['klant', 'klant', 'VIP'], notes: 'Calls back after 5',
    });
    expect(c).toMatchObject({
      address_book: 'personal', name: 'Anna Peeters', organisation: 'Peeters & Zonen',
      phones: [{ type: 'mobile', number: '+32475123456' }, { type: 'work', number: '+3225551212' }],
      emails: ['anna@example.org'], tags: ['klant', 'VIP'], notes: 'Calls back after 5',
    });
    expect(json(await call(owner.caller, 'GET', `/v1/contacts/${c.id}`))).toEqual(c);
  });

  it('refuses a bad number with the reason the help pages give, naming the field', async () => {
    const cases: [object, string, RegExp][] = [
      [{ type: 'mobile', number: '+032475123456' }, 'phones[0].number', /zero before the country code/],
      [{ type: 'mobile', number: '+999 1234 5678' }, 'phones[0].number', /not in international format/],
      [{ type: 'mobile', number: '+32 2 555 12 12' }, 'phones[0].number', /not a mobile number/],
      [{ type: 'pager', number: '+32475123456' }, 'phones/0/type', /./],
    ];
    for (const [phone, field, reason] of cases) {
      const res = await call(owner.caller, 'POST', '/v1/contacts', { name: 'X', phones: [phone] });
      expect(res.statusCode, res.body).toBe(400);
      expect(json(res).error.field).toContain(field.split(/[[/]/)[0]);
      if (!field.includes('/')) expect(json(res).error.field).toBe(field);
      expect(json(res).error.message).toMatch(reason);
    }
    const email = await call(owner.caller, 'POST', '/v1/contacts', { name: 'X', emails: ['ok@example.org', 'Anna <a@b.c>'] });
    expect(json(email).error).toMatchObject({ field: 'emails[1]', code: 'invalid_request', reason: 'not_an_email' });
    const blank = await call(owner.caller, 'POST', '/v1/contacts', { name: '   ' });
    expect(json(blank).error).toMatchObject({ field: 'name', message: 'The name is empty', reason: 'name_missing' });
    const landline = await call(owner.caller, 'POST', '/v1/contacts', { name: 'X', phones: [{ type: 'mobile', number: '+32 2 555 12 12' }] });
    expect(json(landline).error).toMatchObject({ field: 'phones[0].number', reason: 'not_mobile' });
  });

  it('keeps a personal contact to its user, and shows shared ones to everyone in the account', async () => {
    const mine = await create(owner.caller, { name: 'Private Person', phones: [{ type: 'mobile', number: '+32475000111' }] });
    const shared = await create(owner.caller, { name: 'Shared Supplier', address_book: 'shared' });
    expect((await call(colleague.caller, 'GET', `/v1/contacts/${mine.id}`)).statusCode).toBe(404);
    expect((await call(colleague.caller, 'PATCH', `/v1/contacts/${mine.id}`, { name: 'Hijack' })).statusCode).toBe(404);
    expect((await call(colleague.caller, 'DELETE', `/v1/contacts/${mine.id}`)).statusCode).toBe(404);
    const seen = await search(colleague.caller, 'limit=200');
    expect(seen.data.map((c: { id: string }) => c.id)).toContain(shared.id);
    expect(JSON.stringify(seen)).not.toContain(mine.id);
    expect(JSON.stringify(await search(colleague.caller, 'q=475000111'))).not.toContain(mine.id);

    const key = await createKey(t.app, owner, ['contacts:read', 'contacts:write']);
    const byKey = await search(key.caller, 'limit=200');
    expect(byKey.data.every((c: { address_book: string }) => c.address_book === 'shared')).toBe(true);
    const refused = await call(key.caller, 'POST', '/v1/contacts', { name: 'Y', address_book: 'personal' });
    expect(json(refused).error).toMatchObject({ field: 'address_book' });
    expect(json(await call(key.caller, 'POST', '/v1/contacts', { name: 'By key' }))).toMatchObject({ address_book: 'shared' });
  });

  it('finds contacts by name without accents, organisation, number typed either way, email and tag', async () => {
    const c = await create(owner.caller, {
      name: 'Jürgen Müller', organisation: 'Zahnarztpraxis Süd', phones: [{ type: 'mobile', number: '+49 151 23456789' }],
      emails: ['jm@praxis.example'], tags: ['dentist'],
    });
    for (const q of ['muller', 'MÜLL', 'zahnarzt', '+49 151 2345', '0049 1512', '015123456789', '23456789', 'praxis.example', 'dentist']) {
      const found = await search(owner.caller, `q=${encodeURIComponent(q)}`);
      expect(found.data.map((x: { id: string }) => x.id), q).toContain(c.id);
    }
    // A national number is read with the account's country (BE): 0475 is +32475, never a German 0151.
    const be = await create(owner.caller, { name: 'Zz Belgian', phones: [{ type: 'mobile', number: '+32 475 77 66 55' }] });
    expect((await search(owner.caller, 'q=0475%207766')).data.map((x: { id: string }) => x.id)).toEqual([be.id]);
    // Names that start with the search come first, then the other matches, each in name order, across pages.
    for (const name of ['Aaron Tellmann', 'Tellmanny Zed', 'Tellmann Bo']) await create(owner.caller, { name });
    const first = await search(owner.caller, 'q=tellmann&limit=2');
    const second = await search(owner.caller, `q=tellmann&limit=2&cursor=${first.next_cursor}`);
    expect([...first.data, ...second.data].map((x: { name: string }) => x.name)).toEqual(['Tellmann Bo', 'Tellmanny Zed', 'Aaron Tellmann']);
    expect((await search(owner.caller, 'tag=dentist')).data.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await search(owner.caller, 'q=%25')).data).toEqual([]);
    expect((await search(owner.caller, 'q=nobody-by-this-name')).data).toEqual([]);
  });

  it('pages through contacts in name order with a cursor, without gaps or repeats', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `Paging ${String(i).padStart(2, '0')}`);
    for (const name of [...names].reverse()) await create(owner.caller, { name, tags: ['paging'] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { name: string }[]; next_cursor: string | null } = await search(owner.caller, `tag=paging&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((c) => c.name));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(names);
    const bad = await call(owner.caller, 'GET', '/v1/contacts?cursor=nonsense');
    expect(json(bad).error).toMatchObject({ field: 'cursor' });
  });

  it('finds rare matches at the end of a large book, and pages through common ones in order', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => `Bulk ${String(i).padStart(4, '0')},${i % 2 === 0 ? 'even' : 'odd'}`);
    const file = ['Name,Tags', ...rows, 'Zz Needle One,rare', 'Zz Needle Two,rare'].join('\n');
    const up = await t.app.inject({ method: 'POST', url: '/v1/contact-imports?address_book=shared', headers: { ...owner.caller.headers, 'content-type': 'text/csv' }, payload: file });
    await call(owner.caller, 'POST', `/v1/contact-imports/${json(up).id}/start`, {});
    while (await contacts.runNextImport(t.db)) { /* until done */ }
    expect((await search(owner.caller, 'q=needle')).data.map((c: { name: string }) => c.name)).toEqual(['Zz Needle One', 'Zz Needle Two']);
    expect((await search(owner.caller, 'tag=rare&limit=1')).data.map((c: { name: string }) => c.name)).toEqual(['Zz Needle One']);
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { name: string }[]; next_cursor: string | null } = await search(owner.caller, `q=bulk&tag=odd&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      names.push(...page.data.map((c) => c.name));
      cursor = page.next_cursor;
    } while (cursor);
    expect(names).toEqual(rows.filter((_, i) => i % 2 === 1).map((r) => r.split(',')[0]));
  });

  it('changes and deletes a contact; a list given replaces the old one', async () => {
    const c = await create(owner.caller, { name: 'Change Me', phones: [{ type: 'mobile', number: '+32475000222' }], tags: ['a'] });
    const changed = json(await call(owner.caller, 'PATCH', `/v1/contacts/${c.id}`, { phones: [{ type: 'home', number: '+3250123456' }], organisation: null }));
    expect(changed).toMatchObject({ name: 'Change Me', phones: [{ type: 'home', number: '+3250123456' }], tags: ['a'], organisation: null });
    expect((await search(owner.caller, 'q=475000222')).data).toEqual([]);
    const bad = await call(owner.caller, 'PATCH', `/v1/contacts/${c.id}`, { phones: [{ type: 'mobile', number: '+3250123456' }] });
    expect(json(bad).error).toMatchObject({ field: 'phones[0].number', message: expect.stringMatching(/not a mobile number/) });
    expect(json(await call(owner.caller, 'GET', `/v1/contacts/${c.id}`)).phones).toEqual([{ type: 'home', number: '+3250123456' }]);
    expect((await call(owner.caller, 'DELETE', `/v1/contacts/${c.id}`)).statusCode).toBe(204);
    expect((await call(owner.caller, 'GET', `/v1/contacts/${c.id}`)).statusCode).toBe(404);
    expect((await sql`select 1 from contact_numbers where contact_id = ${c.id}`.execute(t.db)).rows).toEqual([]);
  });

  it('takes a contact\'s numbers with it however the contact goes, one or many in a statement', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create(owner.caller, { name: `Gone ${i}`, phones: [{ type: 'mobile', number: `+3247500033${i}` }, { type: 'work', number: `+325012345${i}` }] })).id);
    const numbersOf = async (list: string[]) => (await sql<{ n: number }>`select count(*)::int as n from contact_numbers where contact_id = any(${list}::text[])`.execute(t.db)).rows[0]!.n;
    expect(await numbersOf(ids)).toBe(6);
    await sql`delete from contacts where id = any(${ids.slice(0, 2)}::text[])`.execute(t.db);
    expect(await numbersOf(ids.slice(0, 2))).toBe(0);
    expect(await numbersOf(ids.slice(2))).toBe(2);
  });
});

describe('suppression list', () => {
  it('adds, shows, lists and removes numbers, normalised', async () => {
    const added = await call(owner.caller, 'POST', '/v1/suppressions', { number: '0475 99 88 77', reason: 'asked by phone' });
    expect(added.statusCode, added.body).toBe(201);
    expect(json(added)).toMatchObject({ number: '+32475998877', reason: 'asked by phone', source: 'manual' });
    expect(json(await call(owner.caller, 'GET', '/v1/suppressions/%2B32475998877'))).toMatchObject({ number: '+32475998877' });
    expect(json(await call(owner.caller, 'GET', '/v1/suppressions')).data.map((s: { number: string }) => s.number)).toContain('+32475998877');
    expect(json(await call(owner.caller, 'POST', '/v1/suppressions', { number: 'abc' })).error).toMatchObject({ field: 'number' });
    expect((await call(owner.caller, 'DELETE', '/v1/suppressions/0475998877')).statusCode).toBe(204);
    expect((await call(owner.caller, 'GET', '/v1/suppressions/%2B32475998877')).statusCode).toBe(404);
  });
});
