import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, requester, type TestApp } from '../helpers/app.js';
import { createOwner, createSubaccountOwner, type TestUser } from '../helpers/factories.js';
import { fund, startSmsWorld, statusOf } from '../helpers/sms-world.js';
import { addDedicated, assembleAll } from './inbox-kit.js';

let t: TestApp;
let world: Awaited<ReturnType<typeof startSmsWorld>>;
let a: TestUser;
let b: TestUser;
let aChild: TestUser;
const A_NUMBER = '+3225550300';
const CUSTOMER = '+32475111111';
const STRANGER = '+32475111112';

const call = requester(() => t);

let sentId: string;
let answerId: string;
let otherId: string;

beforeAll(async () => {
  t = await createTestApp();
  world = await startSmsWorld(t);
  a = await createOwner(t.app, t.db, 'Inbox A');
  b = await createOwner(t.app, t.db, 'Inbox B');
  aChild = await createSubaccountOwner(t.app, a, 'Inbox A child');
  await fund(t, a.accountId, 100_000n);
  await addDedicated(t.db, A_NUMBER, a.accountId);

  // A writes to the customer from its own number; the customer answers it.
  const sent = await call(a.caller, 'POST', '/v1/messages', { to: [CUSTOMER], text: 'Your table for two is ready at 8 pm.', sender: A_NUMBER });
  expect(sent.statusCode, sent.body).toBe(202);
  sentId = json(sent).accepted[0].id;
  await world.pump(async () => (await statusOf(t, a.accountId, sentId)) === 'delivered');
  expect(await world.simulator.sendMo({ from: CUSTOMER, to: A_NUMBER, text: 'On my way <script>alert("x")</script> & co' })).toBe(0);
  await assembleAll(t.db);
  expect(await world.simulator.sendMo({ from: STRANGER, to: A_NUMBER, text: 'Wrong number?' })).toBe(0);
  await assembleAll(t.db);

  const list = json(await call(a.caller, 'GET', '/v1/inbox'));
  answerId = list.data.find((m: { from: string }) => m.from === CUSTOMER).id;
  otherId = list.data.find((m: { from: string }) => m.from === STRANGER).id;
});
afterAll(async () => {
  await world?.close();
  await t?.close();
});

describe('GET /v1/inbox', () => {
  it('lists replies newest first, each with the message it answers and the text exactly as received', async () => {
    const res = await call(a.caller, 'GET', '/v1/inbox');
    expect(res.statusCode, res.body).toBe(200);
    const body = json(res);
    expect(body.unread_count).toBe(2);
    expect(body.data.map((m: { id: string }) => m.id)).toEqual([otherId, answerId]);
    expect(body.data[1]).toMatchObject({
      from: CUSTOMER, to: A_NUMBER, text: 'On my way <script>alert("x")</script> & co', parts: 1, incomplete: false, read: false, read_at: null,
      reply_to: { id: sentId, to: CUSTOMER, text: 'Your table for two is ready at 8 pm.', sent_at: expect.any(String) },
    });
    expect(body.data[0].reply_to).toBeNull();
    expect(res.body).toContain('<script>');
  });

  it('pages with a cursor and filters by sender', async () => {
    const first = json(await call(a.caller, 'GET', '/v1/inbox?limit=1'));
    expect(first.data.map((m: { id: string }) => m.id)).toEqual([otherId]);
    const second = json(await call(a.caller, 'GET', `/v1/inbox?limit=1&cursor=${first.next_cursor}`));
    expect(second.data.map((m: { id: string }) => m.id)).toEqual([answerId]);
    const third = json(await call(a.caller, 'GET', `/v1/inbox?limit=1&cursor=${second.next_cursor}`));
    expect(third).toMatchObject({ data: [], next_cursor: null });
    const fromCustomer = json(await call(a.caller, 'GET', `/v1/inbox?from=${encodeURIComponent(CUSTOMER)}`));
    expect(fromCustomer.data.map((m: { id: string }) => m.id)).toEqual([answerId]);
    // Unencoded, the "+" arrives as a space.
    expect(json(await call(a.caller, 'GET', `/v1/inbox?from=${CUSTOMER}`)).data.map((m: { id: string }) => m.id)).toEqual([answerId]);
    const bad = await call(a.caller, 'GET', '/v1/inbox?cursor=nonsense');
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.field).toBe('cursor');
  });

  it('marks replies read and unread, and filters on it', async () => {
    const read = await call(a.caller, 'POST', `/v1/inbox/${answerId}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(json(read)).toMatchObject({ id: answerId, read: true, read_at: expect.any(String) });
    const ids = async (query: string) => json(await call(a.caller, 'GET', `/v1/inbox${query}`)).data.map((m: { id: string }) => m.id);
    expect(await ids('?unread=true')).toEqual([otherId]);
    expect(await ids('?unread=false')).toEqual([answerId]);
    expect(json(await call(a.caller, 'GET', '/v1/inbox/unread-count'))).toEqual({ unread: 1 });

    expect(json(await call(a.caller, 'POST', `/v1/inbox/${answerId}/unread`))).toMatchObject({ read: false, read_at: null });
    expect(json(await call(a.caller, 'GET', '/v1/inbox/unread-count'))).toEqual({ unread: 2 });
    expect(json(await call(a.caller, 'GET', `/v1/inbox/${answerId}`))).toMatchObject({ id: answerId, reply_to: { id: sentId } });
  });

  it('answers 404 to another tenant and to a subaccount, and shows them none of it', async () => {
    for (const caller of [b.caller, aChild.caller]) {
      expect((await call(caller, 'GET', `/v1/inbox/${answerId}`)).statusCode).toBe(404);
      expect((await call(caller, 'POST', `/v1/inbox/${answerId}/read`)).statusCode).toBe(404);
      expect((await call(caller, 'DELETE', `/v1/inbox/${answerId}`)).statusCode).toBe(404);
      expect(json(await call(caller, 'GET', '/v1/inbox'))).toEqual({ data: [], next_cursor: null, unread_count: 0 });
    }
    expect(json(await call(a.caller, 'GET', `/v1/inbox/${answerId}`)).read).toBe(false);
  });

  it('deletes a reply', async () => {
    expect((await call(a.caller, 'DELETE', `/v1/inbox/${otherId}`)).statusCode).toBe(204);
    expect((await call(a.caller, 'GET', `/v1/inbox/${otherId}`)).statusCode).toBe(404);
    expect((await call(a.caller, 'DELETE', `/v1/inbox/${otherId}`)).statusCode).toBe(404);
  });
});

describe('forwarding rules', () => {
  it('takes an email address, changes and deletes it; refuses what is not one', async () => {
    const made = await call(a.caller, 'POST', '/v1/inbox/forwarding-rules', { kind: 'email', target: ' desk@example.org ' });
    expect(made.statusCode, made.body).toBe(201);
    const rule = json(made);
    expect(rule).toMatchObject({ kind: 'email', target: 'desk@example.org', enabled: true });

    for (const target of ['not an address', 'desk@example.org\r\nBcc: x@y', 'Desk <desk@example.org>']) {
      const res = await call(a.caller, 'POST', '/v1/inbox/forwarding-rules', { kind: 'email', target });
      expect(res.statusCode, target).toBe(400);
      expect(json(res).error.field).toBe('target');
    }

    expect(json(await call(a.caller, 'PATCH', `/v1/inbox/forwarding-rules/${rule.id}`, { enabled: false }))).toMatchObject({ id: rule.id, enabled: false });
    expect((await call(b.caller, 'PATCH', `/v1/inbox/forwarding-rules/${rule.id}`, { enabled: true })).statusCode).toBe(404);
    expect((await call(b.caller, 'DELETE', `/v1/inbox/forwarding-rules/${rule.id}`)).statusCode).toBe(404);
    expect(json(await call(b.caller, 'GET', '/v1/inbox/forwarding-rules')).data).toEqual([]);
    expect(json(await call(a.caller, 'GET', '/v1/inbox/forwarding-rules')).data).toMatchObject([{ id: rule.id, enabled: false }]);
    expect((await call(a.caller, 'DELETE', `/v1/inbox/forwarding-rules/${rule.id}`)).statusCode).toBe(204);
    expect(json(await call(a.caller, 'GET', '/v1/inbox/forwarding-rules')).data).toEqual([]);
  });

  it.each([
    ['http://127.0.0.1:8080/hook', /loopback/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://169.254.169.254/latest/meta-data', /linkLocal/],
    ['http://10.0.0.8/hook', /private/],
    ['http://localhost/hook', /loopback/],
    ['ftp://example.org/x', /scheme/],
  ])('refuses the HTTP target %s, naming target and why', async (target, why) => {
    const res = await call(a.caller, 'POST', '/v1/inbox/forwarding-rules', { kind: 'http', target });
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res).error).toMatchObject({ code: 'invalid_request', field: 'target', message: expect.stringMatching(why) });
  });
});
