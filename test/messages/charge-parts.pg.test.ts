import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryResult, SmsConnector } from '../../src/channels/channel.js';
import * as ledger from '../../src/modules/ledger/index.js';
import * as messages from '../../src/modules/messages/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createOwner } from '../helpers/factories.js';
import { chargesOf, mobileNumbers, topUp } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';

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
    const owner = await createOwner(t.app, t.db, 'Slow Round Co');
    await topUp(t.db, owner.accountId, 100n);
    const [id] = await send(owner.accountId, 1, 740_000);
    let release!: (r: DeliveryResult) => void;
    let submitted!: () => void;
    const atCentre = new Promise<void>((r) => (submitted = r));
    // Stands in for a centre that answers only after the lease has run out.
    const slow: SmsConnector = {
      id: 'slow', start: async () => {}, stop: async () => {}, onReceipt: () => {}, onInbound: () => {},
      status: () => ({ bindsUp: 1 }) as ReturnType<SmsConnector['status']>,
      submit: () => { submitted(); return new Promise<DeliveryResult>((r) => (release = r)); },
    };
    const round = messages.dispatchDueParts(t.db, { route: () => [slow] });
    await atCentre;
    await sql`update message_parts set lease_until = now() - interval '1 second' where message_id = ${id!}`.execute(t.db);
    expect(await messages.recoverExpiredLeases(t.db, { unknownRetryMs: 0 })).toBe(1);
    release({ kind: 'accepted', providerMessageId: 'late-1' });
    await round;

    const part = (await sql<{ status: string; provider_message_id: string | null; unknowns: number }>`select status, provider_message_id, unknowns
      from message_parts where message_id = ${id!}`.execute(t.db)).rows[0]!;
    expect(part).toEqual({ status: 'queued', provider_message_id: null, unknowns: 1 });
    expect(await messages.chargeParts(t.db)).toBe(0);
    expect((await ledger.getBalances(t.db, owner.accountId)).provision).toEqual({ availableMinor: 90n, heldMinor: 10n });
    await expectLedgerConsistent(t.db);
  });
});
