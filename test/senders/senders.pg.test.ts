import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as inbox from '../../src/modules/inbox/index.js';
import * as senders from '../../src/modules/senders/index.js';
import { createTestApp, json, requester, type Caller, type Method, type TestApp } from '../helpers/app.js';
import { createKey, createMember, createOwner, type TestUser } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { setupOperator } from '../helpers/operator.js';
import { fund, startSmsWorld, statusOf } from '../helpers/sms-world.js';

let t: TestApp;
let world: Awaited<ReturnType<typeof startSmsWorld>>;
let operator: TestUser;
let a: TestUser;
let b: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  world = await startSmsWorld(t);
  operator = await setupOperator(t);
  a = await createOwner(t.app, t.db, 'Sender A');
  b = await createOwner(t.app, t.db, 'Sender B');
  await fund(t, a.accountId, 1_000_000n);
  await fund(t, b.accountId, 1_000_000n);
});
afterAll(async () => {
  await world.close();
  await t.close();
});
afterEach(() => expectLedgerConsistent(t.db));

const call = requester(() => t);
async function ok(caller: Caller, method: Method, url: string, payload?: object, status = 200) {
  const res = await call(caller, method, url, payload);
  expect(res.statusCode, res.body).toBe(status);
  return res.body ? json(res) : null;
}
async function refused(caller: Caller, method: Method, url: string, payload: object, field: string, message: RegExp, status = 400) {
  const res = await call(caller, method, url, payload);
  expect(res.statusCode, res.body).toBe(status);
  expect(json(res).error).toMatchObject({ field, message: expect.stringMatching(message) });
}
/** Sends one SMS and waits until the simulator has it; returns what went over the wire. */
async function sendAndSubmit(caller: Caller, accountId: string, body: object) {
  const sent = await ok(caller, 'POST', '/v1/messages', { text: 'Hello', ...body }, 202);
  const id = sent.accepted[0].id;
  await world.pump(async () => (await statusOf(t, accountId, id)) === 'delivered');
  const to = sent.accepted[0].to.replace('+', '');
  return { sent, pdu: world.simulator.submits.filter((s) => s.destination === to).at(-1)! };
}

describe('sender identities', () => {
  it('lets an account register a name and send from it as alphanumeric (TON 5, NPI 0), and refuses names it has not registered', async () => {
    await refused(a.caller, 'POST', '/v1/senders/names', { name: 'Far too long name' }, 'name', /1 to 11 characters/);
    await refused(a.caller, 'POST', '/v1/senders/names', { name: 'Acme{}' }, 'name', /letters, digits/);
    await ok(a.caller, 'POST', '/v1/senders/names', { name: 'Acme' }, 201);
    await refused(a.caller, 'POST', '/v1/senders/names', { name: 'Acme' }, 'name', /already registered/, 409);
    // A name is one account's, whatever its case.
    await refused(b.caller, 'POST', '/v1/senders/names', { name: 'ACME' }, 'name', /sender name ACME is already registered/, 409);
    const { pdu } = await sendAndSubmit(a.caller, a.accountId, { to: ['+32475300001'], sender: 'Acme' });
    expect(pdu).toMatchObject({ source: 'Acme', sourceTon: 5, sourceNpi: 0 });
    await refused(b.caller, 'POST', '/v1/messages', { to: ['+32475300001'], text: 'x', sender: 'Acme' }, 'sender', /not a sender this account may use/);
    // The installation's default sender is always allowed.
    await ok(b.caller, 'POST', '/v1/messages', { to: ['+32475300001'], text: 'x', sender: 'Herald' }, 202);
    const choices = await ok(a.caller, 'GET', '/v1/senders');
    expect(choices.data).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'alphanumeric', value: 'Acme', repliable: false, usable: true })]));
  });

  it('verifies a user\'s own mobile with a code sent to it, with limited attempts, before it can be a sender (TON 1, NPI 1)', async () => {
    const user = await createMember(t.app, a);
    await refused(user.caller, 'POST', '/v1/senders/mobiles', { number: '+3222222222' }, 'number', /not a mobile/);
    const started = await ok(user.caller, 'POST', '/v1/senders/mobiles', { number: '0475 30 00 02' }, 202);
    expect(started.number).toBe('+32475300002');
    // The code travels as Herald's own SMS, through the SMS centre.
    await world.pump(async () => world.simulator.submits.some((s) => s.destination === '32475300002'));
    const text = world.simulator.submits.find((s) => s.destination === '32475300002')!.shortMessage.toString('latin1');
    const code = /code is (\d{6})/.exec(text)![1]!;
    await refused(user.caller, 'POST', '/v1/messages', { to: ['+32475300003'], text: 'x', sender: '+32475300002' }, 'sender', /not a sender/);
    const wrong = code === '000000' ? '111111' : '000000';
    await refused(user.caller, 'POST', `/v1/senders/mobiles/${started.id}/verify`, { code: wrong }, 'code', /wrong; 4 attempts left/);
    // The reason and the attempts left, for the web app to say in the user's language.
    const again = json(await call(user.caller, 'POST', `/v1/senders/mobiles/${started.id}/verify`, { code: wrong }));
    expect(again.error).toMatchObject({ field: 'code', reason: 'code_wrong', params: { attempts_left: 3 } });
    // Someone else in the account cannot use or verify it.
    expect((await call(a.caller, 'POST', `/v1/senders/mobiles/${started.id}/verify`, { code })).statusCode).toBe(404);
    expect((await ok(user.caller, 'POST', `/v1/senders/mobiles/${started.id}/verify`, { code })).verified).toBe(true);
    const { pdu } = await sendAndSubmit(user.caller, a.accountId, { to: ['+32475300003'], sender: '+32475300002' });
    expect(pdu).toMatchObject({ source: '32475300002', sourceTon: 1, sourceNpi: 1 });
    await refused(a.caller, 'POST', '/v1/messages', { to: ['+32475300003'], text: 'x', sender: '+32475300002' }, 'sender', /own verified mobile/);
  });

  it('sends a code as Herald\'s own SMS: free, even to an account with no credit', async () => {
    const broke = await createOwner(t.app, t.db, 'No credit');
    expect((await ok(broke.caller, 'POST', '/v1/senders/mobiles', { number: '+32475300070' }, 202)).number).toBe('+32475300070');
  });

  it('ends a code after five wrong attempts or when it expires', async () => {
    const user = await createMember(t.app, b);
    const now = new Date();
    const caller = { accountId: b.accountId, userId: user.userId };
    const first = await senders.startMobileVerification(t.db, caller, '+32475300010', { now });
    for (let i = 0; i < 5; i++) await expect(senders.verifyMobile(t.db, caller, first.senderId.id, first.code === '999999' ? '123456' : '999999', now)).rejects.toThrow(/wrong/);
    await expect(senders.verifyMobile(t.db, caller, first.senderId.id, first.code, now)).rejects.toThrow(/Too many wrong codes/);
    await expect(senders.startMobileVerification(t.db, caller, '+32475300010', { now: new Date(now.getTime() + 5_000) })).rejects.toThrow(/less than 30 seconds/);
    const later = new Date(now.getTime() + 60_000);
    const second = await senders.startMobileVerification(t.db, caller, '+32475300010', { now: later });
    expect(second.senderId.id).toBe(first.senderId.id);
    const expired = new Date(later.getTime() + senders.CODE_TTL_MS + 1);
    await expect(senders.verifyMobile(t.db, caller, second.senderId.id, second.code, expired)).rejects.toThrow(/expired/);
  });

  it('caps the codes one user gets a day, even when a number is removed and added again', async () => {
    const user = await createMember(t.app, b);
    const caller = { accountId: b.accountId, userId: user.userId };
    const start = new Date();
    let at = start;
    for (let i = 0; i < senders.MAX_CODES_PER_DAY; i++) {
      // A number of its own for each round: one number gets at most MAX_NUMBER_CODES_PER_DAY.
      const started = await senders.startMobileVerification(t.db, caller, `+3247530008${Math.floor(i / senders.MAX_CODES)}`, { now: at });
      if ((i + 1) % senders.MAX_CODES === 0) await senders.removeSenderId(t.db, { ...caller, canManageAccount: false }, started.senderId.id);
      at = new Date(at.getTime() + 60_000);
    }
    await expect(senders.startMobileVerification(t.db, caller, '+32475300061', { now: at })).rejects.toThrow(/codes were sent to your numbers in the last 24 hours/);
    await expect(senders.startMobileVerification(t.db, caller, '+32475300061', { now: new Date(start.getTime() + 86_400_000 + 1000) })).resolves.toBeDefined();
  });

  it('keeps one pool number per (account, recipient) and never pairs two accounts with the same number for one recipient', async () => {
    await refused(a.caller, 'POST', '/v1/messages', { to: ['+32475300020'], text: 'x', sender: 'pool' }, 'sender', /no pool numbers/);
    await ok(operator.caller, 'POST', '/v1/admin/sender-numbers', { number: '+32460000001', kind: 'pool' }, 201);
    await refused(operator.caller, 'POST', '/v1/admin/sender-numbers', { number: '+32460000001', kind: 'pool' }, 'number', /already/, 409);
    expect((await call(a.caller, 'POST', '/v1/admin/sender-numbers', { number: '+32460000009', kind: 'pool' })).statusCode).toBe(403);
    const first = await sendAndSubmit(a.caller, a.accountId, { to: ['+32475300020'], sender: 'pool' });
    expect(first.pdu).toMatchObject({ source: '32460000001', sourceTon: 1, sourceNpi: 1 });
    // B wants the same recipient: the only pool number is A's for that person.
    const clash = await ok(b.caller, 'POST', '/v1/messages', { to: ['+32475300020', '+32475300021'], text: 'x', sender: 'pool' }, 202);
    expect(clash.rejected).toMatchObject([{ index: 0, code: 'no_pool_number' }]);
    await ok(operator.caller, 'POST', '/v1/admin/sender-numbers', { number: '+32460000002', kind: 'pool' }, 201);
    const second = await sendAndSubmit(b.caller, b.accountId, { to: ['+32475300020'], sender: 'pool' });
    expect(second.pdu.source).toBe('32460000002');
    const again = await sendAndSubmit(a.caller, a.accountId, { to: ['+32475300020'], sender: 'pool' });
    expect(again.pdu.source).toBe('32460000001');
    expect(await senders.routeReply(t.db, { to: '+32460000001', from: '+32475300020' })).toEqual({ accountId: a.accountId });
    // The recipient answers both: each reply lands with the account that wrote from that number.
    // B's other recipient was paired with the first pool number, which A also uses: one number, two accounts.
    expect(await senders.routeReply(t.db, { to: '+32460000001', from: '+32475300021' })).toEqual({ accountId: b.accountId });
    expect(await world.simulator.sendMo({ from: '32475300021', to: '32460000001', text: 'Other reply to B' })).toBe(0);
    for (const [pool, text] of [['32460000001', 'Reply to A'], ['32460000002', 'Reply to B']]) {
      expect(await world.simulator.sendMo({ from: '32475300020', to: pool!, text: text! })).toBe(0);
    }
    while (await inbox.assembleInbound(t.db));
    const inboxOf = async (u: TestUser) => (await ok(u.caller, 'GET', '/v1/inbox')).data.map((m: { text: string; from: string }) => [m.from, m.text]);
    expect(await inboxOf(a)).toEqual([['+32475300020', 'Reply to A']]);
    expect((await inboxOf(b)).sort()).toEqual([['+32475300020', 'Reply to B'], ['+32475300021', 'Other reply to B']]);
    expect(await senders.routeReply(t.db, { to: '+32460000002', from: '+32475300020' })).toEqual({ accountId: b.accountId });
    expect(await senders.routeReply(t.db, { to: '+32460000002', from: '+32475399999' })).toBeNull();
  });

  it('lets only the assigned account send from a dedicated number, and routes replies to it', async () => {
    await refused(operator.caller, 'POST', '/v1/admin/sender-numbers', { number: '+32460000100', kind: 'dedicated', account_id: 'acct_nope' }, 'account_id', /no such account/);
    await ok(operator.caller, 'POST', '/v1/admin/sender-numbers', { number: '+32460000100', kind: 'dedicated' }, 201);
    await refused(a.caller, 'POST', '/v1/messages', { to: ['+32475300030'], text: 'x', sender: '+32460000100' }, 'sender', /not a sender/);
    await ok(operator.caller, 'PUT', '/v1/admin/sender-numbers/+32460000100/account', { account_id: a.accountId });
    const { pdu } = await sendAndSubmit(a.caller, a.accountId, { to: ['+32475300030'], sender: '+32460000100' });
    expect(pdu).toMatchObject({ source: '32460000100', sourceTon: 1 });
    await refused(b.caller, 'POST', '/v1/messages', { to: ['+32475300030'], text: 'x', sender: '+32460000100' }, 'sender', /not a sender/);
    expect(await senders.routeReply(t.db, { to: '+32460000100', from: '+32475399998' })).toEqual({ accountId: a.accountId });
  });

  it('uses the user\'s default sender, then the account\'s, then the installation\'s', async () => {
    const owner = await createOwner(t.app, t.db, 'Defaults');
    await fund(t, owner.accountId, 100_000n);
    const member = await createMember(t.app, owner);
    const key = await createKey(t.app, owner, ['messages:write', 'messages:read']);
    await ok(owner.caller, 'POST', '/v1/senders/names', { name: 'Shop' }, 201);
    await ok(owner.caller, 'POST', '/v1/senders/names', { name: 'Mine' }, 201);
    await refused(owner.caller, 'PUT', '/v1/senders/default', { sender: 'Unknown' }, 'sender', /not a sender/);
    expect((await sendAndSubmit(key.caller, owner.accountId, { to: ['+32475300040'] })).pdu.source).toBe('Herald');
    await ok(owner.caller, 'PUT', '/v1/senders/default', { sender: 'Shop' }, 204);
    await ok(member.caller, 'PUT', '/v1/senders/my-default', { sender: 'Mine' }, 204);
    expect((await sendAndSubmit(key.caller, owner.accountId, { to: ['+32475300041'] })).pdu.source).toBe('Shop');
    expect((await sendAndSubmit(member.caller, owner.accountId, { to: ['+32475300042'] })).pdu.source).toBe('Mine');
    expect((await sendAndSubmit(owner.caller, owner.accountId, { to: ['+32475300043'] })).pdu.source).toBe('Shop');
    const view = await ok(member.caller, 'GET', '/v1/senders');
    expect(view.default).toEqual({ account: 'Shop', user: 'Mine', installation: 'Herald' });
    await ok(owner.caller, 'PUT', '/v1/senders/default', { sender: null }, 204);
    expect((await sendAndSubmit(key.caller, owner.accountId, { to: ['+32475300044'] })).pdu.source).toBe('Herald');
  });

  it('keeps defaults usable: the account\'s cannot be one person\'s mobile, and a removed sender stops being anyone\'s default', async () => {
    const owner = await createOwner(t.app, t.db, 'Default upkeep');
    await fund(t, owner.accountId, 100_000n);
    const key = await createKey(t.app, owner, ['messages:write', 'messages:read']);
    const started = await senders.startMobileVerification(t.db, { accountId: owner.accountId, userId: owner.userId }, '+32475300050');
    await senders.verifyMobile(t.db, { accountId: owner.accountId, userId: owner.userId }, started.senderId.id, started.code);
    await refused(owner.caller, 'PUT', '/v1/senders/default', { sender: '+32475300050' }, 'sender', /own verified mobile/);
    await ok(owner.caller, 'PUT', '/v1/senders/my-default', { sender: '+32475300050' }, 204);
    const name = await ok(owner.caller, 'POST', '/v1/senders/names', { name: 'Gone' }, 201);
    await ok(owner.caller, 'PUT', '/v1/senders/default', { sender: 'Gone' }, 204);
    expect((await sendAndSubmit(key.caller, owner.accountId, { to: ['+32475300051'] })).pdu.source).toBe('Gone');
    await ok(owner.caller, 'DELETE', `/v1/senders/${name.id}`, undefined, 204);
    await ok(owner.caller, 'DELETE', `/v1/senders/${started.senderId.id}`, undefined, 204);
    expect((await sendAndSubmit(key.caller, owner.accountId, { to: ['+32475300052'] })).pdu.source).toBe('Herald');
    expect((await sendAndSubmit(owner.caller, owner.accountId, { to: ['+32475300053'] })).pdu.source).toBe('Herald');
    expect((await ok(owner.caller, 'GET', '/v1/senders')).default).toEqual({ account: null, user: null, installation: 'Herald' });
  });
});
