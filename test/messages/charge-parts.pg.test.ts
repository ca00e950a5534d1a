import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import * as messages from '../../src/modules/messages/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createOwner } from '../helpers/factories.js';
import { chargesOf, mobileNumbers, topUp, waitUntil } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { startSmsWorld } from '../helpers/sms-world.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function send(accountId: string, count: number, start: number): Promise<string[]> {
  const to = mobileNumbers(count, start);
  const { result } = await messages.acceptMessages(t.db, { accountId, actorId: null }, { to, text: 'Charged once' }, { defaultSender: 'Herald' });
  return result.accepted.map((a) => a.id);
}

/** Sets the one part of each message to a state, as the dispatcher and receipts would. */
async function setPart(id: string, status: string, submitted: boolean): Promise<void> {
  await sql`update message_parts set status = ${status}, submitted_at = ${submitted ? sql`now()` : null}, final_at = now()
    where message_id = ${id}`.execute(t.db);
}

describe('the charge job', () => {
  it('settles what the centre took or may have taken and refunds what never left, once', async () => {
    const owner = await createOwner(t.app, t.db, 'Charge Co');
    await topUp(t.db, owner.accountId, 1000n);
    const [sent, expiredAfterSubmit, expiredUnsent, failed, unknown] = await send(owner.accountId, 5, 720_000);
    await setPart(sent!, 'delivered', true);
    await setPart(expiredAfterSubmit!, 'expired', true);
    await setPart(expiredUnsent!, 'expired', false);
    await setPart(failed!, 'failed', false);
    await setPart(unknown!, 'unknown', false);

    while ((await messages.chargeParts(t.db)) > 0);
    const charges = await chargesOf(t.db, [sent!, expiredAfterSubmit!, expiredUnsent!, failed!, unknown!]);
    const ofMessage = async (id: string) => (await sql<{ charge: string }>`select charge from message_parts where message_id = ${id}`.execute(t.db)).rows[0]!.charge;
    expect(await Promise.all([sent, expiredAfterSubmit, expiredUnsent, failed, unknown].map((id) => ofMessage(id!)))).toEqual(['settled', 'settled', 'refunded', 'refunded', 'settled']);
    expect(charges).toMatchObject({ held: 5, released: 5 });
    const balances = await ledger.getBalances(t.db, owner.accountId);
    // 10 a part: three spent, two given back, nothing held.
    expect(balances.provision).toEqual({ availableMinor: 970n, heldMinor: 0n });
    expect(await messages.chargeParts(t.db)).toBe(0);
    await expectLedgerConsistent(t.db);
  });

  it('charges each part once when several runs go at the same time', async () => {
    const owner = await createOwner(t.app, t.db, 'Parallel Charge Co');
    await topUp(t.db, owner.accountId, 10_000n);
    const ids = [...(await send(owner.accountId, 200, 730_000)), ...(await send(owner.accountId, 100, 731_000))];
    await sql`update message_parts set status = 'submitted', submitted_at = now() where message_id = any(${ids}::text[])`.execute(t.db);
    const counts = await Promise.all([1, 2, 3, 4].map(async () => {
      let n = 0;
      for (let got = -1; got !== 0; n += got) got = await messages.chargeParts(t.db, { limit: 40 });
      return n;
    }));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    const charges = await chargesOf(t.db, ids);
    expect([...charges.perPart.values()].every((c) => c.settles === 1 && c.refunds === 0)).toBe(true);
    expect(charges).toMatchObject({ held: 300, released: 300 });
    await expectLedgerConsistent(t.db);
  });
});

describe('a dispatch round whose lease was taken over', () => {
  it('writes nothing for those parts, so they are recorded and charged by whoever holds them now', async () => {
    // The centre over SMPP answers each submit 5 s late; the takeover below is a few statements, so
    // even a loaded machine takes it over first (had the answer come first, recoverExpiredLeases finds 0).
    const world = await startSmsWorld(t, { connector: { responseTimeoutMs: 30_000 } });
    try {
      world.simulator.setFaults({ responseDelayMs: 5_000 });
      const owner = await createOwner(t.app, t.db, 'Slow Round Co');
      await topUp(t.db, owner.accountId, 100n);
      const [id] = await send(owner.accountId, 1, 740_000);
      const round = messages.dispatchDueParts(t.db, world.pool);
      await waitUntil(() => world.simulator.submits.length === 1, 20_000, 'the submit at the centre');
      await sql`update message_parts set lease_until = now() - interval '1 second' where message_id = ${id!}`.execute(t.db);
      // 1, not 0: the late answer has not been written yet (had it come first, the part would be submitted).
      expect(await messages.recoverExpiredLeases(t.db, { unknownRetryMs: 0 })).toBe(1);
      expect(await round).toBe(1);
      const [late] = world.simulator.submits;
      expect(late).toMatchObject({ outcome: 'accepted', commandStatus: 0 });

      const partOf = async () => (await sql<{ status: string; provider_message_id: string | null; unknowns: number; charge: string | null }>`select status,
        provider_message_id, unknowns, charge from message_parts where message_id = ${id!}`.execute(t.db)).rows[0]!;
      expect(await partOf()).toEqual({ status: 'queued', provider_message_id: null, unknowns: 1, charge: null });
      expect(await messages.chargeParts(t.db)).toBe(0);
      expect((await ledger.getBalances(t.db, owner.accountId)).provision).toEqual({ availableMinor: 90n, heldMinor: 10n });

      // Whoever holds the part now sends it again, and it is charged once, with the id of that submit.
      world.simulator.setFaults({ responseDelayMs: 0 });
      await world.pump(async () => { const p = await partOf(); return p.status === 'delivered' && p.charge !== null; });
      const again = world.simulator.submits[1]!;
      expect(world.simulator.submits).toHaveLength(2);
      expect(await partOf()).toMatchObject({ status: 'delivered', provider_message_id: again.messageId!.toLowerCase(), unknowns: 1, charge: 'settled' });
      expect(again.messageId).not.toBe(late!.messageId);
      expect([...(await chargesOf(t.db, [id!])).perPart.values()]).toEqual([{ settles: 1, refunds: 0 }]);
      expect((await ledger.getBalances(t.db, owner.accountId)).provision).toEqual({ availableMinor: 90n, heldMinor: 0n });
      await expectLedgerConsistent(t.db);
    } finally {
      await world.close();
    }
  });
});
