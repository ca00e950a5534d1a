import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as contacts from '../../src/modules/contacts/index.js';
import * as ledger from '../../src/modules/ledger/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { fund, startSmsWorld } from '../helpers/sms-world.js';
import { addDedicated, assembleAll, inboxRows } from './inbox-kit.js';

// A reply that is only an opt-out word changes the account's suppression
// list; a later send to that number is refused before any charge.
let t: TestApp;
let world: Awaited<ReturnType<typeof startSmsWorld>>;
let owner: TestUser;
let other: TestUser;
const OUR_NUMBER = '+3225550200';
const OTHER_NUMBER = '+3225550201';

beforeAll(async () => {
  t = await createTestApp();
  world = await startSmsWorld(t);
  owner = await createOwner(t.app, t.db, 'Opt-out Co');
  other = await createOwner(t.app, t.db, 'Other Co');
  await fund(t, owner.accountId, 100_000n);
  await addDedicated(t.db, OUR_NUMBER, owner.accountId);
  await addDedicated(t.db, OTHER_NUMBER, other.accountId);
});
afterAll(async () => {
  await world?.close();
  await t?.close();
});

let n = 0;
const nextNumber = () => `+32476${String(++n).padStart(6, '0')}`;
const suppressed = async (accountId: string, number: string) => (await contacts.findSuppressed(t.db, accountId, [number])).get(number) ?? null;

async function reply(from: string, text: string, to = OUR_NUMBER) {
  expect(await world.simulator.sendMo({ from, to, text })).toBe(0);
  await assembleAll(t.db);
  const rows = await inboxRows(t.db, { sender: from });
  return rows[rows.length - 1]!;
}

describe('opt-out keywords', () => {
  const stops = ['STOP', ' stop! ', 'Unsubscribe.', 'STOPALL', 'quit', 'END', 'CANCEL'];
  const numbers = new Map<string, string>();

  it.each(stops)('%j puts the sender on the suppression list', async (text) => {
    const from = nextNumber();
    numbers.set(text, from);
    expect(await reply(from, text)).toMatchObject({ account_id: owner.accountId, body: text, opt_out: 'stop' });
    expect(await suppressed(owner.accountId, from)).toBe('opt_out');
    expect(await suppressed(other.accountId, from)).toBeNull();
  });

  it('calls back and refunds what is scheduled for the number that replied STOP', async () => {
    const from = nextNumber();
    const sendAt = new Date(Date.now() + 86_400_000).toISOString();
    const sent = await t.app.inject({ method: 'POST', url: '/v1/messages', ...owner.caller, payload: { to: [from], text: 'See you tomorrow', send_at: sendAt } });
    expect(sent.statusCode, sent.body).toBe(202);
    const id = json(sent).accepted[0].id;
    const before = await ledger.getBalances(t.db, owner.accountId);
    await reply(from, 'STOP');
    const message = json(await t.app.inject({ method: 'GET', url: `/v1/messages/${id}`, ...owner.caller }));
    expect(message).toMatchObject({ status: 'cancelled' });
    expect(JSON.stringify(message)).toContain('replied STOP');
    const after = await ledger.getBalances(t.db, owner.accountId);
    expect(after.provision.availableMinor - before.provision.availableMinor).toBe(before.provision.heldMinor - after.provision.heldMinor);
    expect(after.provision.heldMinor).toBeLessThan(before.provision.heldMinor);
    await expectLedgerConsistent(t.db);
  });

  it.each(["don't stop", 'stop it', 'Stop the delivery please'])('%j changes nothing', async (text) => {
    const from = nextNumber();
    expect(await reply(from, text)).toMatchObject({ opt_out: null });
    expect(await suppressed(owner.accountId, from)).toBeNull();
  });

  it('START or UNSTOP lifts the opt-out, but not a suppression made by hand', async () => {
    expect(await reply(numbers.get('STOP')!, 'START')).toMatchObject({ opt_out: 'start' });
    expect(await suppressed(owner.accountId, numbers.get('STOP')!)).toBeNull();
    expect(await reply(numbers.get(' stop! ')!, 'unstop')).toMatchObject({ opt_out: 'start' });
    expect(await suppressed(owner.accountId, numbers.get(' stop! ')!)).toBeNull();

    const manual = nextNumber();
    await contacts.suppressNumber(t.db, owner.accountId, { number: manual, reason: 'asked by phone' });
    await reply(manual, 'STOP');
    await reply(manual, 'START');
    expect(await suppressed(owner.accountId, manual)).toBe('manual');
  });

  it('only the account the reply reached is affected', async () => {
    const from = nextNumber();
    await reply(from, 'STOP', OTHER_NUMBER);
    expect(await suppressed(other.accountId, from)).toBe('opt_out');
    expect(await suppressed(owner.accountId, from)).toBeNull();
  });

  it('refuses a later send to an opted-out number with recipient_opted_out, without charging', async () => {
    const optedOut = numbers.get('quit')!;
    const before = await ledger.getBalances(t.db, owner.accountId);
    const alone = await t.app.inject({ method: 'POST', url: '/v1/messages', ...owner.caller, payload: { to: [optedOut], text: 'We miss you', sender: OUR_NUMBER } });
    // Nobody left to send to: the whole request is refused, naming the recipient.
    expect(alone.statusCode, alone.body).toBe(400);
    expect(json(alone).error).toMatchObject({ field: 'to[0]', reason: 'recipient_opted_out', message: expect.stringMatching(/replied STOP/) });
    expect(await ledger.getBalances(t.db, owner.accountId)).toEqual(before);

    const mixed = await t.app.inject({ method: 'POST', url: '/v1/messages', ...owner.caller, payload: { to: [optedOut, nextNumber()], text: 'We miss you', sender: OUR_NUMBER } });
    expect(mixed.statusCode, mixed.body).toBe(202);
    const body = json(mixed);
    expect(body.rejected).toMatchObject([{ index: 0, to: optedOut, code: 'recipient_opted_out' }]);
    expect(body.accepted).toHaveLength(1);
    expect(body.cost.parts).toBe(1);
    await expectLedgerConsistent(t.db);
  });
});
