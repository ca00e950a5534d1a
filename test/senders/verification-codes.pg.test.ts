import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as messages from '../../src/modules/messages/index.js';
import * as senders from '../../src/modules/senders/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, requester, type TestApp } from '../helpers/app.js';
import { createMember, createOwner, type TestUser } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { setupOperator } from '../helpers/operator.js';
import { fund, startSmsWorld } from '../helpers/sms-world.js';

/**
 * A verification code is Herald's own message: the account that asked for it
 * must not be able to read it (else it verifies a number it does not own),
 * pay for it, or use it to flood someone else's phone.
 */
describe('verification codes', () => {
  let t: TestApp;
  let world: Awaited<ReturnType<typeof startSmsWorld>>;
  let op: TestUser;
  let a: TestUser;
  let b: TestUser;
  const call = requester(() => t);

  beforeAll(async () => {
    t = await createTestApp();
    world = await startSmsWorld(t);
    op = await setupOperator(t);
    a = await createOwner(t.app, t.db, 'Victim A');
    b = await createOwner(t.app, t.db, 'Claimant B');
    await fund(t, a.accountId, 100_000n);
    await fund(t, b.accountId, 100_000n);
  });
  afterAll(async () => {
    await world.close();
    await t.close();
  });

  const balanceOf = async (user: TestUser) => (await call(user.caller, 'GET', '/v1/credit')).body;

  it('sends the code outside the claimant\'s messages, free, and readable by no tenant', async () => {
    const number = '+32475400001';
    const before = await balanceOf(b);
    const started = await call(b.caller, 'POST', '/v1/senders/mobiles', { number });
    expect(started.statusCode, started.body).toBe(202);
    await world.pump(async () => world.simulator.submits.some((s) => s.destination === number.slice(1)));
    const code = /code is (\d{6})/.exec(world.simulator.submits.find((s) => s.destination === number.slice(1))!.shortMessage.toString('latin1'))![1]!;

    for (const user of [b, op]) {
      for (const url of ['/v1/messages', `/v1/messages?to=${encodeURIComponent(number)}`]) {
        const res = await call(user.caller, 'GET', url);
        expect(res.statusCode).toBe(200);
        expect(json(res).data).toEqual([]);
        expect(res.body).not.toContain(code);
      }
    }
    // Nothing held, settled or charged to the claimant, once the part is done and the charge job has run.
    await world.pump(async () => (await sql<{ n: number }>`select count(*)::int as n from message_parts p join messages m on m.id = p.message_id
      where m.recipient = ${number} and p.status = 'delivered'`.execute(t.db)).rows[0]!.n === 1);
    await messages.chargeParts(t.db);
    expect(await balanceOf(b)).toBe(before);
    await expectLedgerConsistent(t.db);

    // Once done, its text is not kept either.
    await messages.redactOwnSms(t.db);
    const kept = await sql<{ body: string; payload: Buffer }>`select m.body, p.payload from messages m join message_parts p on p.message_id = m.id
      where m.recipient = ${number}`.execute(t.db);
    expect(kept.rows).toHaveLength(1);
    expect(kept.rows[0]!.body).not.toContain(code);
    expect(kept.rows[0]!.payload.length).toBe(0);
  });

  it('makes another account verify a number on its own before it may send from it', async () => {
    const number = '+32475400002';
    const mine = await senders.startMobileVerification(t.db, { accountId: a.accountId, userId: a.userId }, number);
    await senders.verifyMobile(t.db, { accountId: a.accountId, userId: a.userId }, mine.senderId.id, mine.code);
    expect((await call(a.caller, 'POST', '/v1/messages', { to: ['+32475400099'], text: 'x', sender: number })).statusCode).toBe(202);

    const claim = await call(b.caller, 'POST', '/v1/senders/mobiles', { number });
    expect(claim.statusCode, claim.body).toBe(202);
    const refused = await call(b.caller, 'POST', '/v1/messages', { to: ['+32475400099'], text: 'x', sender: number });
    expect(refused.statusCode).toBe(400);
    expect(json(refused).error.field).toBe('sender');
    // A's code does not verify B's claim.
    const wrong = await call(b.caller, 'POST', `/v1/senders/mobiles/${json(claim).id}/verify`, { code: mine.code });
    expect(wrong.statusCode).toBe(400);
  });

  it('limits the codes one number receives a day, whichever accounts ask, and the codes of one account', async () => {
    const number = '+32475400003';
    const owners = [a, b, ...(await Promise.all([1, 2, 3, 4].map((i) => createOwner(t.app, t.db, `Flooder ${i}`))))];
    for (const [i, owner] of owners.entries()) {
      const res = await call(owner.caller, 'POST', '/v1/senders/mobiles', { number });
      if (i < senders.MAX_NUMBER_CODES_PER_DAY) expect(res.statusCode, res.body).toBe(202);
      else {
        expect(res.statusCode).toBe(429);
        expect(json(res).error).toMatchObject({ field: 'number', message: expect.stringContaining(`codes were sent to ${number}`) });
      }
    }

    const owner = await createOwner(t.app, t.db, 'Many users');
    const users = await Promise.all([0, 1, 2, 3].map(() => createMember(t.app, owner, 'member')));
    const now = new Date();
    let sent = 0;
    let refusal: unknown;
    for (const [u, user] of users.entries()) {
      for (let i = 0; i < senders.MAX_CODES_PER_DAY && !refusal; i++) {
        await senders.startMobileVerification(t.db, { accountId: owner.accountId, userId: user.userId }, `+324755${u}${String(i).padStart(4, '0')}`, { now })
          .then(() => sent++, (e: unknown) => (refusal = e));
      }
    }
    expect(sent).toBe(senders.MAX_ACCOUNT_CODES_PER_DAY);
    expect(String(refusal)).toMatch(/codes were sent for this account/);
  });

  it('keeps a sender name to one account, whatever its case', async () => {
    expect((await call(a.caller, 'POST', '/v1/senders/names', { name: 'ShopA' })).statusCode).toBe(201);
    for (const name of ['ShopA', 'shopa', 'SHOPA']) {
      const res = await call(b.caller, 'POST', '/v1/senders/names', { name });
      expect(res.statusCode).toBe(409);
      expect(json(res).error).toMatchObject({ code: 'conflict', field: 'name' });
    }
    // The database holds the rule too, whatever the code path.
    await expect(sql`insert into sender_ids (id, account_id, user_id, kind, value, verified_at) values ('sid_x', ${b.accountId}, null, 'alphanumeric', 'SHOPA', now())`.execute(t.db))
      .rejects.toThrow(/sender_ids_name_unique/);
  });
});
