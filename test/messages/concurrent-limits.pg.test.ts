import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { activate, createKey, createOwner, uniqueEmail, type TestUser } from '../helpers/factories.js';
import { mobileNumbers } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { fund } from '../helpers/sms-world.js';

// Promises that hold only if concurrent sends serialise where they must: a
// subaccount never spends past the limit its parent set (ARCHITECTURE.md:
// "subaccounts spend from them within their monthly spending limit"), and a
// pool number serves one recipient for one account only, kept for later
// sends ("pool pairs each recipient with a pool number no other account uses
// for that recipient").

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const send = (caller: TestUser['caller'], to: string[], text = 'Race') =>
  t.app.inject({ method: 'POST', url: '/v1/messages', ...caller, payload: { to, text } });

describe('subaccounts near their spending limit', () => {
  it('accept, between them, only what each limit pays for, however many sends race', async () => {
    const parent = await createOwner(t.app, t.db, 'Reseller Race');
    await fund(t, parent.accountId, 100_000n);
    const children: TestUser[] = [];
    for (let i = 0; i < 3; i++) {
      // 10 minor units a part: a limit of 100 is 10 one-part sends.
      const res = await t.app.inject({ method: 'POST', url: '/v1/subaccounts', ...parent.caller, payload: { name: `Client ${i}`, spending_limit: 100, owner: { email: uniqueEmail('client') } } });
      expect(res.statusCode, res.body).toBe(201);
      const owner = await activate(t.app, json(res).invitation_link);
      children.push(owner);
    }
    // Each is brought near its limit first: 7 of its 10 parts spent.
    for (const [c, child] of children.entries()) {
      for (const n of mobileNumbers(7, 710_000 + c * 100)) expect((await send(child.caller, [n])).statusCode).toBe(202);
    }
    // Then 30 sends each, all at once, with the parent sending beside them.
    const keys = await Promise.all(children.map((child) => createKey(t.app, child, ['messages:write'])));
    const racing = keys.flatMap((key, c) => mobileNumbers(30, 720_000 + c * 100).map((n) => ({ child: c, answer: send(key.caller, [n]) })));
    const parentSends = mobileNumbers(20, 730_000).map((n) => send(parent.caller, [n]));
    const answers = await Promise.all(racing.map(async (r) => ({ child: r.child, res: await r.answer })));
    expect((await Promise.all(parentSends)).map((r) => r.statusCode)).toEqual(Array(20).fill(202));

    for (const [c, child] of children.entries()) {
      const mine = answers.filter((a) => a.child === c).map((a) => a.res);
      expect(mine.filter((r) => r.statusCode === 202)).toHaveLength(3);
      const refused = mine.filter((r) => r.statusCode !== 202);
      expect(refused.map((r) => `${r.statusCode} ${json(r).error.code}`)).toEqual(Array(27).fill('402 spending_limit_reached'));
      const credit = json(await t.app.inject({ method: 'GET', url: '/v1/credit', ...child.caller }));
      expect(credit.spending).toMatchObject({ limit: 100, spent: 100 });
      const rows = await sql<{ n: string }>`select count(*) as n from messages where account_id = ${child.accountId}`.execute(t.db);
      expect(Number(rows.rows[0]!.n)).toBe(10);
    }
    const balances = await ledger.getBalances(t.db, parent.accountId);
    expect(balances.provision).toEqual({ availableMinor: 100_000n - 3n * 100n - 200n, heldMinor: 3n * 100n + 200n });
    await expectLedgerConsistent(t.db);
  });
});

describe('pool numbers paired by concurrent sends', () => {
  it('give each recipient one number per account, never one another account has, and refuse only when every number is taken', async () => {
    const POOL = Array.from({ length: 8 }, (_, i) => `+322555040${i}`);
    for (const number of POOL) await sql`insert into sender_numbers (number, kind) values (${number}, 'pool')`.execute(t.db);
    // One account more than there are numbers, all sending to the same people at once.
    const accounts: TestUser[] = [];
    for (let i = 0; i < POOL.length + 1; i++) {
      const owner = await createOwner(t.app, t.db, `Pool Race ${i}`);
      await fund(t, owner.accountId, 100_000n);
      accounts.push({ ...owner, caller: (await createKey(t.app, owner, ['messages:write'])).caller });
    }
    const recipients = mobileNumbers(200, 740_000);
    const requests = accounts.flatMap((a) => [0, 1].map(() => ({ account: a.accountId, answer: t.app.inject({ method: 'POST', url: '/v1/messages', ...a.caller, payload: { to: recipients, text: 'Pool race', sender: 'pool' } }) })));
    const answers = await Promise.all(requests.map(async (r) => ({ account: r.account, res: await r.answer })));
    for (const { res } of answers) expect([202, 400], res.body).toContain(res.statusCode);

    // Per account and recipient: what each request did (the pool number it sent from, or refused).
    const outcome = new Map<string, Set<string>>();
    const note = (account: string, to: string, what: string) => outcome.set(`${account} ${to}`, (outcome.get(`${account} ${to}`) ?? new Set()).add(what));
    const sentFrom = new Map((await sql<{ id: string; sender: string }>`select id, sender from messages`.execute(t.db)).rows.map((m) => [m.id, m.sender]));
    for (const { account, res } of answers) {
      const body = json(res);
      if (res.statusCode === 400) {
        expect(body.error).toMatchObject({ code: 'invalid_request', reason: 'no_pool_number' });
        continue;
      }
      for (const a of body.accepted as { id: string; to: string }[]) note(account, a.to, sentFrom.get(a.id)!);
      for (const r of body.rejected as { to: string; code: string }[]) note(account, r.to, r.code);
    }
    const pairs = await sql<{ account_id: string; recipient: string; pool_number: string }>`select account_id, recipient, pool_number from pool_assignments`.execute(t.db);
    const paired = new Map(pairs.rows.map((p) => [`${p.account_id} ${p.recipient}`, p.pool_number]));

    for (const to of recipients) {
      const numbers: string[] = [];
      for (const a of accounts) {
        const seen = [...(outcome.get(`${a.accountId} ${to}`) ?? [])];
        const kept = paired.get(`${a.accountId} ${to}`);
        // Every send of an account to a recipient agrees, and with the pairing kept for the reply.
        if (kept) {
          expect(seen.length === 0 || (seen.length === 1 && seen[0] === kept), `${a.accountId} → ${to}: ${seen.join(', ')} / ${kept}`).toBe(true);
          numbers.push(kept);
        } else {
          expect(seen.every((s) => s === 'no_pool_number'), `${a.accountId} → ${to}: ${seen.join(', ')}`).toBe(true);
        }
      }
      // All numbers serve this recipient, each for one account: the one account left over is the one refused.
      expect(numbers.sort(), to).toEqual(POOL);
    }
  });
});
