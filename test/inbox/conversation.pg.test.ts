import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as inbox from '../../src/modules/inbox/index.js';
import { createTestApp, json, requester, type Caller, type TestApp } from '../helpers/app.js';
import { createKey, createMember, createOwner, type TestUser } from '../helpers/factories.js';
import { fund } from '../helpers/sms-world.js';
import { addPool, assembleAll } from './inbox-kit.js';

// Replies as the web app answers them: from the pool number the conversation
// went through, with the sender's contact name, the opted-out state and the
// conversation with one number; and Sent ordered by the time it shows.
let t: TestApp;
let a: TestUser;
let member: TestUser;
let b: TestUser;
let key: Caller;
const POOL_1 = '+3225550401';
const POOL_2 = '+3225550402';
const CUSTOMER = '+32475222001';
const B_CUSTOMER = '+32475222002';
const call = requester(() => t);
const later = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function reply(from: string, to: string, text: string): Promise<void> {
  await inbox.storeInboundPart(t.db, { connectorId: 'sim', from, to, dataCoding: 0, concat: null, text, receivedAt: new Date() });
  await assembleAll(t.db);
}

async function send(caller: Caller, body: object) {
  return call(caller, 'POST', '/v1/messages', body);
}

beforeAll(async () => {
  t = await createTestApp();
  a = await createOwner(t.app, t.db, 'Replies A');
  b = await createOwner(t.app, t.db, 'Replies B');
  member = await createMember(t.app, a);
  key = (await createKey(t.app, a, ['messages:read', 'messages:write'])).caller;
  await fund(t, a.accountId, 100_000n);
  // A writes to its customer from POOL_1; B holds POOL_1 for its own customer.
  await addPool(t.db, POOL_1, [[CUSTOMER, a.accountId], [B_CUSTOMER, b.accountId]]);
  await addPool(t.db, POOL_2, []);
  await call(a.caller, 'POST', '/v1/contacts', { name: 'Ann (mine)', address_book: 'personal', phones: [{ type: 'mobile', number: CUSTOMER }] });
  await call(a.caller, 'POST', '/v1/contacts', { name: 'Ann Shared', address_book: 'shared', phones: [{ type: 'mobile', number: CUSTOMER }] });
});
afterAll(() => t?.close());

describe('replying from a pool number', () => {
  it('sends from the pool number a recipient is paired with, named as the sender', async () => {
    const res = await send(a.caller, { to: [CUSTOMER], text: 'Your order is ready', sender: POOL_1, send_at: later(2) });
    expect(res.statusCode, res.body).toBe(202);
    const sent = json(await call(a.caller, 'GET', `/v1/messages/${json(res).accepted[0].id}`));
    expect(sent.sender).toBe(POOL_1);
  });

  it('refuses a pool number the recipient is not paired with for this account, naming the recipient', async () => {
    const res = await send(a.caller, { to: [CUSTOMER], text: 'x', sender: POOL_2 });
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res).error).toMatchObject({ reason: 'pool_number_taken', field: 'to[0]' });
    // B's customer is served by POOL_1 for B: A cannot write to them from it.
    const taken = await send(a.caller, { to: [B_CUSTOMER], text: 'x', sender: POOL_1 });
    expect(taken.statusCode, taken.body).toBe(400);
    expect(json(taken).error.reason).toBe('pool_number_taken');
  });

  it('pairs a new recipient with the pool number asked for when it is free', async () => {
    const res = await send(a.caller, { to: ['+32475222003'], text: 'Hello', sender: POOL_2, send_at: later(3) });
    expect(res.statusCode, res.body).toBe(202);
  });
});

describe('inbox items', () => {
  it('carry the sender\'s contact name as each viewer sees it, and whether it opted out', async () => {
    await reply(CUSTOMER, POOL_1, 'Thanks, coming!');
    const mine = json(await call(a.caller, 'GET', '/v1/inbox')).data[0];
    expect(mine).toMatchObject({ from: CUSTOMER, to: POOL_1, contact_name: 'Ann (mine)', opted_out: false, suppressed: false });
    // Another user and an API key do not see the owner's personal book.
    expect(json(await call(member.caller, 'GET', '/v1/inbox')).data[0].contact_name).toBe('Ann Shared');
    expect(json(await call(key, 'GET', `/v1/inbox/${mine.id}`)).contact_name).toBe('Ann Shared');

    await reply(CUSTOMER, POOL_1, 'STOP');
    const items = json(await call(a.caller, 'GET', '/v1/inbox')).data;
    expect(items.map((m: { opted_out: boolean }) => m.opted_out)).toEqual([true, true]);
    expect(items[0]).toMatchObject({ text: 'STOP', opt_out: 'stop', suppressed: true });
  });

  it('say suppressed but not opted out for a number suppressed by hand', async () => {
    await addPool(t.db, POOL_2, [['+32475222009', a.accountId]]);
    await call(a.caller, 'POST', '/v1/suppressions', { number: '+32475222009' });
    await reply('+32475222009', POOL_2, 'Hello?');
    const item = json(await call(a.caller, 'GET', '/v1/inbox')).data.find((m: { from: string }) => m.from === '+32475222009');
    expect(item).toMatchObject({ opted_out: false, suppressed: true, contact_name: null });
  });
});

describe('GET /v1/conversation', () => {
  it('lists both directions with one number in time order, with its name and opted-out state', async () => {
    const res = await call(a.caller, 'GET', `/v1/conversation?number=${encodeURIComponent(CUSTOMER)}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = json(res);
    expect(body).toMatchObject({ number: CUSTOMER, contact_name: 'Ann (mine)', opted_out: true, suppressed: true });
    // The message sent first is scheduled two days ahead: it comes after the replies.
    expect(body.data.map((e: { direction: string; text: string }) => `${e.direction}:${e.text}`)).toEqual(['in:Thanks, coming!', 'in:STOP', 'out:Your order is ready']);
    // The STOP cancelled what was still to go to that number.
    expect(body.data[2]).toMatchObject({ ours: POOL_1, status: 'cancelled' });
    expect(body.data[0]).toMatchObject({ ours: POOL_1, status: null });
  });

  it('takes a number typed with spaces, and shows nothing of other accounts', async () => {
    const res = await call(b.caller, 'GET', `/v1/conversation?number=${encodeURIComponent('+32 475 222 001')}`);
    expect(json(res)).toEqual({ number: CUSTOMER, contact_name: null, opted_out: false, suppressed: false, data: [] });
  });
});

describe('GET /v1/messages', () => {
  it('orders by send_at, the time Sent shows, newest first, and pages through without skipping', async () => {
    const now = await send(a.caller, { to: ['+32475222004'], text: 'Now', sender: POOL_2 });
    expect(now.statusCode, now.body).toBe(202);
    const all = json(await call(a.caller, 'GET', '/v1/messages')).data;
    const times = all.map((m: { send_at: string }) => m.send_at);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.map((m: { text: string }) => m.text)).toEqual(['Hello', 'Your order is ready', 'Now']);
    expect(all.map((m: { contact_name: string | null }) => m.contact_name)).toEqual([null, 'Ann (mine)', null]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = json(await call(a.caller, 'GET', `/v1/messages?limit=1${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...page.data.map((m) => m.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.map((m: { id: string }) => m.id));
  });

  it('filters days by send_at and refuses a cursor it did not give', async () => {
    const from = later(2.5);
    const only = json(await call(a.caller, 'GET', `/v1/messages?from=${encodeURIComponent(from)}`)).data;
    expect(only.map((m: { text: string }) => m.text)).toEqual(['Hello']);
    const bad = await call(a.caller, 'GET', '/v1/messages?cursor=msg_123');
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.field).toBe('cursor');
  });
});
