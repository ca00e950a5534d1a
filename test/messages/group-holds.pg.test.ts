import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import * as messages from '../../src/modules/messages/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createOwner } from '../helpers/factories.js';
import { mobileNumbers, topUp } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/**
 * Sends committed as one group. The group closes when the last of them is
 * in, not after a wait: checks that take long on a slow machine delay it but
 * never split it (the long wait only bounds a test that goes wrong).
 */
async function sendTogether(accountId: string, count: number, start: number, sendAt?: Date) {
  const queue = messages.createSendQueue(t.db, { maxGroup: count, maxWaitMs: 60_000, concurrency: 1 });
  const to = mobileNumbers(count, start);
  const settled = await Promise.allSettled(
    to.map((n) => queue.accept({ accountId, actorId: null }, { to: [n], text: 'Grouped', ...(sendAt && { sendAt }) }, { defaultSender: 'Herald' })),
  );
  await queue.close();
  return settled;
}

async function holdsOf(accountId: string) {
  const r = await sql<{ reference: string; parts: number }>`select reference, quota_parts + provision_parts as parts from ledger_transactions
    where kind = 'hold' and account_id = ${accountId} order by id`.execute(t.db);
  return r.rows;
}

describe('sends committed together', () => {
  it('share one hold per price, each charged as if held alone: quota first, then provision', async () => {
    const owner = await createOwner(t.app, t.db, 'Grouped Co');
    await ledger.setPlan(t.db, owner.accountId, { monthlyQuota: 3 });
    await topUp(t.db, owner.accountId, 1000n);
    const settled = await sendTogether(owner.accountId, 5, 700_000, new Date(Date.now() + 3_600_000));
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    const results = settled.map((s) => (s.status === 'fulfilled' ? s.value.result : null));
    expect(results.every((r) => r !== null)).toBe(true);
    // The queue holds sends in the order their checks finished, which is not the order of the calls.
    expect(results.map((r) => `${r!.cost.quota_parts}/${r!.cost.provision}`).sort()).toEqual(['0/10', '0/10', '1/0', '1/0', '1/0']);

    const holds = await holdsOf(owner.accountId);
    expect(holds).toHaveLength(1);
    expect(holds[0]!.parts).toBe(5);
    const rows = await sql<{ id: string; hold_reference: string }>`select id, hold_reference from messages where account_id = ${owner.accountId}`.execute(t.db);
    expect(new Set(rows.rows.map((r) => r.hold_reference))).toEqual(new Set([holds[0]!.reference]));

    // Cancelling one message gives back its part only; the others stay held.
    const last = results.find((r) => r!.cost.provision > 0)!.accepted[0]!.id;
    await messages.cancelMessage(t.db, owner.accountId, last);
    const balances = await ledger.getBalances(t.db, owner.accountId);
    expect(balances.provision).toEqual({ availableMinor: 990n, heldMinor: 10n });
    await expectLedgerConsistent(t.db);
  });

  it('that cannot all be paid are held one by one, so only the sends that cannot pay fail', async () => {
    const owner = await createOwner(t.app, t.db, 'Short Co');
    // 10 minor units a part: 30 pays for three of the five.
    await topUp(t.db, owner.accountId, 30n);
    const settled = await sendTogether(owner.accountId, 5, 710_000);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(3);
    for (const s of settled) if (s.status === 'rejected') expect((s.reason as { code: string }).code).toBe('insufficient_credit');

    const holds = await holdsOf(owner.accountId);
    expect(holds.map((h) => h.parts)).toEqual([1, 1, 1]);
    const rows = await sql<{ hold_reference: string }>`select hold_reference from messages where account_id = ${owner.accountId} order by id`.execute(t.db);
    expect(rows.rows.map((r) => r.hold_reference).sort()).toEqual(holds.map((h) => h.reference).sort());
    expect((await ledger.getBalances(t.db, owner.accountId)).provision).toEqual({ availableMinor: 0n, heldMinor: 30n });
    // The refused sends' messages went, and their parts with them: none is left pointing at nothing.
    const orphans = await sql<{ n: number }>`select count(*)::int as n from message_parts p where not exists (select 1 from messages m where m.id = p.message_id)`.execute(t.db);
    expect(orphans.rows[0]!.n).toBe(0);
    await expectLedgerConsistent(t.db);
  });
});
