import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pricing from '../../src/modules/pricing/index.js';
import * as routing from '../../src/modules/routing/index.js';
import { TEST_HANDSET } from '../../src/modules/inbox/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createMember, createOwner, type TestUser } from '../helpers/factories.js';
import { addDedicated, assembleAll, inboxRows } from '../inbox/inbox-kit.js';
import { fund, startSmsWorld } from '../helpers/sms-world.js';

type World = Awaited<ReturnType<typeof startSmsWorld>>;

// The first-run checklist reads real state, and the built-in simulator's test
// reply reaches the Inbox through the SMPP inbound path (issue 14 item 4).
describe('first run', () => {
  let t: TestApp;
  let world: World | undefined;
  let owner: TestUser;
  // The app is built before the simulator; the route reaches it when called.
  const simulator = { sendMo: (r: { from: string; to: string; text: string }) => (world ? world.simulator.sendMo(r) : Promise.reject(new Error('no simulator yet'))) };
  const checklist = async (user: TestUser) => json(await t.app.inject({ method: 'GET', url: '/v1/first-run', ...user.caller }));
  const testReply = (user: TestUser, payload: object = {}) => t.app.inject({ method: 'POST', url: '/v1/sms-simulator/replies', ...user.caller, payload });

  beforeAll(async () => {
    t = await createTestApp({ simulator });
    owner = await createOwner(t.app, t.db, 'New shop');
    await pricing.setSmsPrice(t.db, '*', 5n);
  });
  afterAll(async () => {
    await world?.close();
    await t?.close();
  });

  it('lists credit, a sender and the SMS centre as not done on a new account', async () => {
    expect(await checklist(owner)).toEqual({ credit: { done: false }, sender: { done: false }, sms_centre: { done: false, simulator: true }, test_reply: true });
  });

  it('refuses a test reply while the simulator cannot reach Herald, saying why', async () => {
    await addDedicated(t.db, '+3225550700', owner.accountId);
    const res = await testReply(owner);
    expect(res.statusCode, res.body).toBe(409);
    expect(json(res).error).toMatchObject({ code: 'conflict', reason: 'simulator_not_bound' });
  });

  it('ticks each item as the state it reads changes', async () => {
    await fund(t, owner.accountId, 1000n);
    world = await startSmsWorld(t);
    await expect.poll(() => world!.simulator.sessions, { timeout: 20_000 }).toBeGreaterThan(0);
    // What a worker reports every 2 s; /readyz reads the same rows.
    await routing.reportConnectorStatus(t.db, 'wrk_test', world.pool.statuses());
    expect(await checklist(owner)).toEqual({ credit: { done: true }, sender: { done: true }, sms_centre: { done: true, simulator: true }, test_reply: true });
  });

  it('sends a test reply to the dedicated number from a made-up handset, into the Inbox', async () => {
    const res = await testReply(owner, { text: 'Hello from the simulator' });
    expect(res.statusCode, res.body).toBe(202);
    expect(json(res)).toEqual({ from: TEST_HANDSET, to: '+3225550700', text: 'Hello from the simulator', reply_to_message_id: null });
    await assembleAll(t.db);
    const rows = await inboxRows(t.db, { sender: TEST_HANDSET });
    expect(rows).toEqual([expect.objectContaining({ account_id: owner.accountId, recipient: '+3225550700', body: 'Hello from the simulator' })]);
  });

  it('answers the latest message sent from a number, as its recipient', async () => {
    const sent = await t.app.inject({ method: 'POST', url: '/v1/messages', ...owner.caller, payload: { to: ['+32475000077'], text: 'Your order is ready', sender: '+3225550700' } });
    expect(sent.statusCode, sent.body).toBe(202);
    const id = json(sent).accepted[0].id;
    const res = await testReply(owner);
    expect(res.statusCode, res.body).toBe(202);
    expect(json(res)).toMatchObject({ from: '+32475000077', to: '+3225550700', reply_to_message_id: id });
    await assembleAll(t.db);
    expect(await inboxRows(t.db, { sender: '+32475000077' })).toEqual([expect.objectContaining({ account_id: owner.accountId, reply_to_message_id: id })]);
  });

  it('refuses an account with no number a reply could reach, and a member', async () => {
    const other = await createOwner(t.app, t.db, 'Names only');
    const res = await testReply(other);
    expect(res.statusCode, res.body).toBe(409);
    expect(json(res).error).toMatchObject({ reason: 'no_number_to_reply_to' });
    const member = await createMember(t.app, owner, 'member');
    expect((await testReply(member)).statusCode).toBe(403);
  });
});

describe('first run without a built-in simulator', () => {
  let t: TestApp;
  let owner: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    owner = await createOwner(t.app, t.db, 'Real centre');
    await addDedicated(t.db, '+3225550701', owner.accountId);
  });
  afterAll(async () => t?.close());

  it('offers no test reply and refuses one with simulator_not_running', async () => {
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/first-run', ...owner.caller }))).toMatchObject({ sms_centre: { simulator: false }, test_reply: false });
    const res = await t.app.inject({ method: 'POST', url: '/v1/sms-simulator/replies', ...owner.caller, payload: {} });
    expect(res.statusCode, res.body).toBe(409);
    expect(json(res).error).toMatchObject({ code: 'conflict', reason: 'simulator_not_running' });
  });
});
