import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, requester, type Caller, type TestApp } from '../helpers/app.js';
import { createMember, createOwner, type TestUser } from '../helpers/factories.js';

let t: TestApp;
let owner: TestUser;
let colleague: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Lists Co');
  colleague = await createMember(t.app, owner);
});
afterAll(() => t.close());

const call = requester(() => t);
async function made(caller: Caller, url: string, payload: object) {
  const res = await call(caller, 'POST', url, payload);
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}
const contact = (caller: Caller, name: string, extra: object = {}) => made(caller, '/v1/contacts', { name, ...extra });
const list = (caller: Caller, name: string, extra: object = {}) => made(caller, '/v1/lists', { name, ...extra });
const add = (caller: Caller, listId: string, members: object[]) => call(caller, 'POST', `/v1/lists/${listId}/members`, { members });

describe('distribution lists', () => {
  it('holds contacts, raw numbers, addresses and other lists, each once', async () => {
    const anna = await contact(owner.caller, 'Anna', { phones: [{ type: 'mobile', number: '+32475100001' }] });
    const team = await list(owner.caller, 'Team');
    const inner = await list(owner.caller, 'Inner');
    const res = await add(owner.caller, team.id, [
      { contact: anna.id }, { contact: anna.id, type: 'work' }, { number: '0475 10 00 02' }, { email: 'Team@Example.org' }, { list: inner.id },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res).added).toMatchObject([
      { contact: { id: anna.id, name: 'Anna', type: null } }, { contact: { id: anna.id, type: 'work' } },
      { number: '+32475100002' }, { email: 'team@example.org' }, { list: { id: inner.id, name: 'Inner' } },
    ]);
    const again = await add(owner.caller, team.id, [{ contact: anna.id }, { number: '+32475100002' }]);
    expect(json(again).added).toEqual([]);
    expect(json(await call(owner.caller, 'GET', `/v1/lists/${team.id}`))).toMatchObject({ name: 'Team', members: 5, address_book: 'personal' });

    const page1 = json(await call(owner.caller, 'GET', `/v1/lists/${team.id}/members?limit=3`));
    const page2 = json(await call(owner.caller, 'GET', `/v1/lists/${team.id}/members?limit=3&cursor=${page1.next_cursor}`));
    expect([...page1.data, ...page2.data]).toHaveLength(5);

    const bad = await add(owner.caller, team.id, [{ number: '+32475100003' }, { number: '+032475' }]);
    expect(json(bad).error).toMatchObject({ field: 'members[1].number', message: expect.stringMatching(/zero before the country code/) });
    expect(json(await call(owner.caller, 'GET', `/v1/lists/${team.id}`)).members).toBe(5);

    expect((await call(owner.caller, 'DELETE', `/v1/contacts/${anna.id}`)).statusCode).toBe(204);
    expect(json(await call(owner.caller, 'GET', `/v1/lists/${team.id}`)).members).toBe(3);
    const email = json(await call(owner.caller, 'GET', `/v1/lists/${team.id}/members`)).data.find((m: { email: string | null }) => m.email);
    expect((await call(owner.caller, 'DELETE', `/v1/lists/${team.id}/members/${email.id}`)).statusCode).toBe(204);
    expect((await call(owner.caller, 'DELETE', `/v1/lists/${team.id}/members/${email.id}`)).statusCode).toBe(404);
  });

  it('never lets a list contain itself, however deep', async () => {
    const a = await list(owner.caller, 'A');
    const b = await list(owner.caller, 'B');
    const c = await list(owner.caller, 'C');
    expect((await add(owner.caller, a.id, [{ list: b.id }])).statusCode).toBe(201);
    expect((await add(owner.caller, b.id, [{ list: c.id }])).statusCode).toBe(201);
    const loop = await add(owner.caller, c.id, [{ list: a.id }]);
    expect(loop.statusCode).toBe(409);
    expect(json(loop).error).toMatchObject({ field: 'members[0].list', message: expect.stringMatching(/contain itself/) });
    expect(json(await add(owner.caller, a.id, [{ list: a.id }])).error).toMatchObject({ field: 'members[0].list' });
    // Both directions at once: the nesting lock lets only one of them in.
    const d = await list(owner.caller, 'D');
    const e = await list(owner.caller, 'E');
    const both = await Promise.all([add(owner.caller, d.id, [{ list: e.id }]), add(owner.caller, e.id, [{ list: d.id }])]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  });

  it('keeps personal lists to their user and shared lists to shared members', async () => {
    const mine = await list(owner.caller, 'Mine');
    const shared = await list(owner.caller, 'Everyone', { address_book: 'shared' });
    const personalContact = await contact(owner.caller, 'Only Mine', { phones: [{ type: 'mobile', number: '+32475100009' }] });
    for (const url of [`/v1/lists/${mine.id}`, `/v1/lists/${mine.id}/members`]) expect((await call(colleague.caller, 'GET', url)).statusCode).toBe(404);
    expect(JSON.stringify(json(await call(colleague.caller, 'GET', '/v1/lists?limit=200')))).not.toContain(mine.id);
    // Each refusal carries a reason the web app translates beside the field.
    expect(json(await add(owner.caller, shared.id, [{ contact: personalContact.id }])).error).toMatchObject({
      field: 'members[0].contact', reason: 'shared_list_personal_contact', message: expect.stringMatching(/only contacts of the shared address book/),
    });
    expect(json(await add(owner.caller, shared.id, [{ list: mine.id }])).error).toMatchObject({ field: 'members[0].list', reason: 'shared_list_personal_list' });
    expect(json(await add(owner.caller, shared.id, [{ number: '+32 4' }])).error).toMatchObject({ field: 'members[0].number', reason: 'too_short' });
    expect(json(await add(owner.caller, shared.id, [{ email: 'not-an-address' }])).error).toMatchObject({ field: 'members[0].email', reason: 'not_an_email' });
    expect(json(await add(colleague.caller, shared.id, [{ contact: personalContact.id }])).error).toMatchObject({ field: 'members[0].contact', message: 'No such contact' });
    expect((await add(colleague.caller, shared.id, [{ number: '+32475100010' }])).statusCode).toBe(201);
    expect(json(await call(owner.caller, 'PATCH', `/v1/lists/${shared.id}`, { name: 'All of us', description: 'x' }))).toMatchObject({ name: 'All of us', description: 'x' });
    expect((await call(colleague.caller, 'DELETE', `/v1/lists/${mine.id}`)).statusCode).toBe(404);
    expect((await call(owner.caller, 'DELETE', `/v1/lists/${mine.id}`)).statusCode).toBe(204);
  });

  it('exports a list\'s members, nested lists included, as CSV or vCard; another user\'s personal list is not found', async () => {
    const bob = await contact(owner.caller, 'Bob Export', { phones: [{ type: 'mobile', number: '+32475100201' }], address_book: 'shared' });
    const cara = await contact(owner.caller, 'Cara Export', { phones: [{ type: 'work', number: '+3250100202' }], emails: ['cara@example.org'], address_book: 'shared' });
    const inner = await list(owner.caller, 'Inner export', { address_book: 'shared' });
    const outer = await list(owner.caller, 'Outer export', { address_book: 'shared' });
    expect((await add(owner.caller, inner.id, [{ contact: cara.id }, { number: '+32475100203' }])).statusCode).toBe(201);
    expect((await add(owner.caller, outer.id, [{ contact: bob.id }, { list: inner.id }, { contact: cara.id }])).statusCode).toBe(201);
    const csv = await call(owner.caller, 'GET', `/v1/contacts/export?format=csv&list=${outer.id}`);
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.trim().split(/\r?\n/);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['Bob Export', 'Cara Export', "'+32475100203"]);
    const vcard = await call(owner.caller, 'GET', `/v1/contacts/export?format=vcard&list=${outer.id}`);
    expect(vcard.body.match(/BEGIN:VCARD/g)).toHaveLength(3);
    expect(vcard.body).toContain('cara@example.org');
    const mine = await list(owner.caller, 'Mine only');
    expect((await call(colleague.caller, 'GET', `/v1/contacts/export?format=csv&list=${mine.id}`)).statusCode).toBe(404);
    expect((await call(owner.caller, 'GET', '/v1/contacts/export?format=csv&list=lst_nope')).statusCode).toBe(404);
  });
});
