import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as contacts from '../../src/modules/contacts/index.js';
import * as ledger from '../../src/modules/ledger/index.js';
import { createTestApp, json, requester, type Caller, type TestApp } from '../helpers/app.js';
import { createMember, createOwner, type TestUser } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { fund, startSmsWorld, statusOf } from '../helpers/sms-world.js';

let t: TestApp;
let world: Awaited<ReturnType<typeof startSmsWorld>>;
let owner: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  world = await startSmsWorld(t);
  owner = await createOwner(t.app, t.db, 'Recipients Co');
  await fund(t, owner.accountId, 1_000_000n);
});
afterAll(async () => {
  await world.close();
  await t.close();
});
afterEach(() => expectLedgerConsistent(t.db));

const call = requester(() => t);
async function made(caller: Caller, url: string, payload: object) {
  const res = await call(caller, 'POST', url, payload);
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}
const viewer = () => ({ accountId: owner.accountId, userId: owner.userId });

describe('sending to contacts and lists', () => {
  it('sends to a contact\'s mobile, or the number type asked, and records where it came from', async () => {
    const anna = await made(owner.caller, '/v1/contacts', { name: 'Anna', phones: [{ type: 'work', number: '+32475200002' }, { type: 'mobile', number: '+32475200001' }] });
    const res = await call(owner.caller, 'POST', '/v1/messages', { to: [{ contact: anna.id }, { contact: anna.id, type: 'work' }, { contact: anna.id, type: 'fax' }, { contact: 'ctc_nope' }], text: 'Hi Anna' });
    expect(res.statusCode, res.body).toBe(202);
    const body = json(res);
    expect(body.accepted).toMatchObject([{ to: '+32475200001', index: 0, contact_id: anna.id }, { to: '+32475200002', index: 1, contact_id: anna.id }]);
    expect(body.rejected).toMatchObject([
      { index: 2, code: 'contact_has_no_number', reason: 'Anna has no fax number', field: 'to[2]', contact_id: anna.id },
      { index: 3, code: 'contact_not_found', field: 'to[3]' },
    ]);
    expect(body.cost.parts).toBe(2);
    const id = body.accepted[0].id;
    await world.pump(async () => (await statusOf(t, owner.accountId, id)) === 'delivered');
    expect(json(await call(owner.caller, 'GET', `/v1/messages/${id}`))).toMatchObject({ status: 'delivered', contact_id: anna.id, list_id: null });
  });

  it('does not let another user send to a personal contact or list', async () => {
    const colleague = await createMember(t.app, owner);
    const secret = await made(owner.caller, '/v1/contacts', { name: 'Secret', phones: [{ type: 'mobile', number: '+32475200009' }] });
    const mine = await made(owner.caller, '/v1/lists', { name: 'Mine' });
    const res = await call(colleague.caller, 'POST', '/v1/messages', { to: [{ contact: secret.id }, { list: mine.id }], text: 'x' });
    expect(res.statusCode).toBe(400);
    expect(json(res).error).toMatchObject({ field: 'to[0]', message: expect.stringMatching(/No contact/) });
  });

  it('charges a list of 5,000 contacts once per resolved number, skipping with reasons', async () => {
    const book = viewer();
    const big = await contacts.createList(t.db, book, { name: 'Customers' });
    const inner = await contacts.createList(t.db, book, { name: 'Inner' });
    const ids: string[] = [];
    for (let i = 0; i < 5_000; i += 250) {
      const batch = await Promise.all(Array.from({ length: 250 }, (_, j) => {
        const n = i + j;
        // Every 100th has no mobile; every 500th shares its number with the one before.
        const phones = n % 100 === 99 ? [{ type: 'home' as const, number: '+3250444444' }] : [{ type: 'mobile' as const, number: `+3247630${String(n % 500 === 1 ? n - 1 : n).padStart(4, '0')}` }];
        return contacts.createContact(t.db, book, { name: `Customer ${n}`, phones });
      }));
      ids.push(...batch.map((c) => c.id));
    }
    await contacts.addListMembers(t.db, book, big.id, ids.map((id) => ({ contact: id })));
    // A nested list repeating 10 of them, a raw number, an address and a suppressed number.
    await contacts.addListMembers(t.db, book, inner.id, [...ids.slice(0, 10).map((id) => ({ contact: id })), { number: '+32476399999' }, { email: 'x@example.org' }]);
    await contacts.addListMembers(t.db, book, big.id, [{ list: inner.id }]);
    await contacts.suppressNumber(t.db, owner.accountId, { number: '+32476300002' });
    await contacts.suppressNumber(t.db, owner.accountId, { number: '+32476300003', source: 'opt_out' });

    const before = await ledger.getBalances(t.db, owner.accountId);
    const res = await call(owner.caller, 'POST', '/v1/messages', { to: [{ list: big.id }, '+32476399999'], text: 'Sale starts today', send_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(202);
    const body = json(res);
    const codes = body.rejected.reduce((m: Record<string, number>, r: { code: string }) => ({ ...m, [r.code]: (m[r.code] ?? 0) + 1 }), {});
    // 50 without a mobile, 10 numbers shared by two contacts, 10 in the nested list again, the raw number again, the address, two suppressed.
    expect(codes).toEqual({ contact_has_no_mobile: 50, duplicate: 21, not_a_phone_number: 1, recipient_suppressed: 1, recipient_opted_out: 1 });
    const expected = 5_000 - 50 - 10 - 2 + 1;
    expect(body.accepted).toHaveLength(expected);
    expect(new Set(body.accepted.map((a: { to: string }) => a.to)).size).toBe(expected);
    expect(body.cost.parts).toBe(expected);
    const after = await ledger.getBalances(t.db, owner.accountId);
    expect(before.provision.availableMinor - after.provision.availableMinor).toBe(BigInt(expected * 10));
    // The list named in the send, nested ones included; the raw number came first through the list.
    expect(body.accepted.filter((a: { list_id?: string }) => a.list_id === big.id)).toHaveLength(expected);
    expect(body.rejected.find((r: { index: number }) => r.index === 1)).toMatchObject({ to: '+32476399999', code: 'duplicate' });
    expect(body.rejected.find((r: { code: string }) => r.code === 'recipient_opted_out')).toMatchObject({ to: '+32476300003', list_id: big.id, reason: expect.stringMatching(/STOP/) });
  });

  it('checks each of many sends arriving together against its own account\'s suppressions', async () => {
    // Small sends arriving together read their suppressions in one statement: each must still see only its own account's.
    const other = await createOwner(t.app, t.db, 'Other Co');
    await fund(t, other.accountId, 1_000_000n);
    await contacts.suppressNumber(t.db, owner.accountId, { number: '+32476500001' });
    await contacts.suppressNumber(t.db, other.accountId, { number: '+32476500002', source: 'opt_out' });
    const sends = Array.from({ length: 40 }, (_, i) => ({ caller: i % 2 === 0 ? owner : other, to: [`+3247650000${1 + (i % 4 >= 2 ? 1 : 0)}`, `+324765001${String(i).padStart(2, '0')}`] }));
    const answers = await Promise.all(sends.map((s) => call(s.caller.caller, 'POST', '/v1/messages', { to: s.to, text: 'Together', send_at: new Date(Date.now() + 3_600_000).toISOString() })));
    answers.forEach((res, i) => {
      expect(res.statusCode, res.body).toBe(202);
      const { caller, to } = sends[i]!;
      // Owner suppressed ...01 by hand; Other's ...02 opted out. Neither list touches the other account.
      const blocked = (caller === owner && to[0] === '+32476500001') ? 'recipient_suppressed' : (caller === other && to[0] === '+32476500002') ? 'recipient_opted_out' : null;
      const body = json(res);
      expect(body.rejected.map((r: { code: string }) => r.code), `send ${i}`).toEqual(blocked ? [blocked] : []);
      expect(body.accepted.map((a: { to: string }) => a.to), `send ${i}`).toEqual(blocked ? [to[1]] : to);
    });
  });
});
