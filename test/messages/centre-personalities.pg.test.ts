import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as messages from '../../src/modules/messages/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { centreSubmits, chargesOf, mobileNumbers, partsOf, personalitiesOf, pumpWith, topUp, waitUntil, type PartFacts } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { startSmsWorld } from '../helpers/sms-world.js';

// One send meets a centre that answers some numbers, never answers others,
// throttles or nacks others, after its id counter restarted at 1; a lease much
// shorter than the slowest answer, with the sweeper running beside the rounds.
// Per part: what the centre saw, where it ended, what it was charged.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
afterEach(() => expectLedgerConsistent(t.db));

async function sender(name: string) {
  const owner = await createOwner(t.app, t.db, name);
  const key = await createKey(t.app, owner, ['messages:read', 'messages:write']);
  await topUp(t.db, owner.accountId, 1_000_000n);
  return async (to: string[], text: string): Promise<string[]> => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to, text } });
    expect(res.statusCode, res.body).toBe(202);
    return json(res).accepted.map((a: { id: string }) => a.id);
  };
}

const FINAL = new Set(['delivered', 'undelivered', 'failed', 'expired', 'unknown', 'cancelled']);

describe('a centre with a personality per number, its id counter restarted, leases shorter than its answers', () => {
  it('records each answer as it comes, resubmits only what may be lost, refunds what no centre took, matches receipts to the latest id', async () => {
    const world = await startSmsWorld(t, {
      connector: {
        window: 800, responseTimeoutMs: 2_500, queueTimeoutMs: 10_000, recycleAfterTimeouts: 1_000,
        throttleBackoffMinMs: 20, throttleBackoffMaxMs: 100, reconnectBackoffMinMs: 50, reconnectBackoffMaxMs: 200,
      },
    });
    // A one-second lease against a 2.5 s answer timeout: only a round that keeps its leases and writes as it goes holds on.
    const pump = (done: () => Promise<boolean>) =>
      pumpWith(t.db, world.pool, done, { ms: 60_000, dispatch: { leaseSeconds: 1, unknownRetryMs: 50 }, recoverEveryMs: 100 });
    try {
      const send = await sender('Personalities Co');
      const early = mobileNumbers(20, 610_000);
      const healthy = mobileNumbers(50, 620_000);
      const silent = mobileNumbers(50, 630_000);
      const throttled = mobileNumbers(50, 640_000);
      const nacked = mobileNumbers(20, 650_000);
      world.simulator.setFaults({ personalities: personalitiesOf({ receipt_first: early, healthy, silent, throttled, generic_nack: nacked }) });

      // Before the restart: ids from 1, each receipt ahead of its submit_sm_resp.
      world.simulator.restartMessageIds(1);
      const earlyIds = await send(early, 'Before the restart');
      await pump(async () => (await partsOf(t.db, earlyIds)).every((p) => p.status === 'delivered'));

      // The centre's counter starts again at 1: the healthy parts get the ids the early ones had.
      world.simulator.restartMessageIds(1);
      const ids = await send([...healthy, ...silent, ...throttled, ...nacked], 'After the restart');
      const byNumber = async () => new Map((await partsOf(t.db, ids)).map((p) => [p.recipient, p]));
      // The healthy parts are delivered while the round that sent them still waits for the silent ones.
      let roundOver = false;
      const round = messages.dispatchDueParts(t.db, world.pool, { leaseSeconds: 1, unknownRetryMs: 50 }).then(() => (roundOver = true));
      await waitUntil(async () => { const p = await byNumber(); return healthy.every((n) => p.get(n)!.status === 'delivered'); }, 20_000, 'healthy parts delivered');
      expect(roundOver).toBe(false);
      await round;
      const throttledTwice = () => throttled.every((n) => (centreSubmits(world.simulator).get(n)?.throttled ?? 0) >= 2);
      await pump(async () => {
        const parts = await byNumber();
        return [...healthy, ...silent, ...nacked].every((n) => FINAL.has(parts.get(n)!.status)) && throttledTwice();
      });

      // Still throttled: queued again each time, never an attempt, never charged.
      let parts = await byNumber();
      for (const n of throttled) expect(parts.get(n), n).toMatchObject({ submits: 0, unknowns: 0 });
      const stillThrottled = throttled.filter((n) => !['queued', 'sending'].includes(parts.get(n)!.status));
      expect(stillThrottled).toEqual([]);

      // Half of them run out of validity while throttled; the centre takes the other half.
      const [expiring, lifted] = [throttled.slice(0, 25), throttled.slice(25)];
      await sql`update messages set valid_until = now() where recipient = any(${expiring}::text[]) and id = any(${ids}::text[])`.execute(t.db);
      world.simulator.setFaults({ personalities: personalitiesOf({ healthy: [...healthy, ...lifted], silent, throttled: expiring, generic_nack: nacked }) });
      await pump(async () => (await partsOf(t.db, ids)).every((p) => FINAL.has(p.status)));

      parts = await byNumber();
      const earlyParts = await partsOf(t.db, earlyIds);
      const centre = centreSubmits(world.simulator);
      const charges = await chargesOf(t.db, [...earlyIds, ...ids]);
      const facts = (p: PartFacts) => ({
        status: p.status, unknowns: p.unknowns, error: p.error_code, centre: centre.get(p.recipient), charge: charges.perPart.get(String(p.id)),
      });
      const summary = (numbers: string[], of: (n: string) => PartFacts) => {
        const seen = new Map<string, number>();
        for (const n of numbers) {
          const key = JSON.stringify(facts(of(n)));
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
        return Object.fromEntries(seen);
      };
      const settled = { settles: 1, refunds: 0 };
      const refunded = { settles: 0, refunds: 1 };
      const one = (numbers: string[], expected: object, of = (n: string) => parts.get(n)!) =>
        expect(summary(numbers, of)).toEqual({ [JSON.stringify(expected)]: numbers.length });
      const earlyOf = new Map(earlyParts.map((p) => [p.recipient, p]));

      one(early, { status: 'delivered', unknowns: 0, error: null, centre: { accepted: 1 }, charge: settled }, (n) => earlyOf.get(n)!);
      // Each healthy number got the SMS once, and its receipt found it rather than the early part with the same id.
      one(healthy, { status: 'delivered', unknowns: 0, error: null, centre: { accepted: 1 }, charge: settled });
      const reused = healthy.filter((n) => earlyParts.some((e) => e.provider_message_id === parts.get(n)!.provider_message_id));
      expect(reused.length).toBe(early.length);
      // Never answered: may have reached the handset, so resubmitted once, then unknown, and charged.
      one(silent, { status: 'unknown', unknowns: 2, error: 'timeout', centre: { dropped: 2 }, charge: settled });
      one(nacked, { status: 'failed', unknowns: 0, error: '0x02', centre: { nacked: 1 }, charge: refunded });
      for (const n of expiring) {
        expect(facts(parts.get(n)!), n).toMatchObject({ status: 'expired', unknowns: 0, charge: refunded });
        expect(Object.keys(centre.get(n)!), n).toEqual(['throttled']);
      }
      for (const n of lifted) {
        expect(facts(parts.get(n)!), n).toMatchObject({ status: 'delivered', unknowns: 0, charge: settled });
        expect(centre.get(n)!.accepted, n).toBe(1);
        expect(Object.keys(centre.get(n)!).sort(), n).toEqual(['accepted', 'throttled']);
      }
      // A throttle is no attempt of the message's; an uncertain submit is.
      for (const p of [...parts.values(), ...earlyParts]) if (p.status !== 'expired') expect(p.submits, p.recipient).toBe(Math.max(1, p.unknowns));
      expect(charges).toMatchObject({ held: 190, released: 190 });
    } finally {
      await world.close();
    }
  }, 120_000);

  it('takes a receipt that overtakes its submit for an id the centre used long before', async () => {
    const world = await startSmsWorld(t);
    try {
      const send = await sender('Reused Ids Co');
      // Ids the test above did not use lately.
      world.simulator.restartMessageIds(0x1000);
      const before = await send(mobileNumbers(5, 660_000), 'Long ago');
      await pumpWith(t.db, world.pool, async () => (await partsOf(t.db, before)).every((p) => p.status === 'delivered'));
      await sql`update message_parts set submitted_at = submitted_at - interval '1 day', final_at = final_at - interval '1 day'
        where message_id = any(${before}::text[])`.execute(t.db);

      world.simulator.restartMessageIds(0x1000);
      world.simulator.setFaults({ receiptBeforeResponse: true, responseDelayMs: 20 });
      const to = mobileNumbers(5, 670_000);
      const ids = await send(to, 'Today');
      await pumpWith(t.db, world.pool, async () => (await partsOf(t.db, ids)).every((p) => p.status === 'delivered'), { ms: 20_000 });

      const old = new Set((await partsOf(t.db, before)).map((p) => p.provider_message_id));
      const parts = await partsOf(t.db, ids);
      expect(parts.map((p) => ({ status: p.status, submits: p.submits, reused: old.has(p.provider_message_id) }))).toEqual(
        Array(5).fill({ status: 'delivered', submits: 1, reused: true }),
      );
      const centre = centreSubmits(world.simulator);
      expect(to.map((n) => centre.get(n))).toEqual(Array(5).fill({ accepted: 1 }));
      const charges = await chargesOf(t.db, ids);
      expect([...charges.perPart.values()]).toEqual(Array(5).fill({ settles: 1, refunds: 0 }));
    } finally {
      world.simulator.setFaults({ receiptBeforeResponse: false, responseDelayMs: 0 });
      await world.close();
    }
  }, 60_000);

  it('writes the other answers of a round when one row cannot be written', async () => {
    const world = await startSmsWorld(t);
    // Stands in for any row the database refuses: the unique index ids once had, over this test's ids (0x3000…, canonical '3000'…).
    await sql`create unique index test_one_id_once on message_parts (connector_id, provider_message_id) where provider_message_id like '300_'`.execute(t.db);
    try {
      const send = await sender('Refused Row Co');
      world.simulator.restartMessageIds(0x3000);
      const before = await send(mobileNumbers(5, 680_000), 'First');
      await pumpWith(t.db, world.pool, async () => (await partsOf(t.db, before)).every((p) => p.status === 'delivered'));
      // The centre hands out 0x3004 again: one answer of the next round collides.
      world.simulator.restartMessageIds(0x3004);
      const ids = await send(mobileNumbers(10, 690_000), 'Second');
      expect(await messages.dispatchDueParts(t.db, world.pool, { batch: 10 })).toBe(10);
      const parts = await partsOf(t.db, ids);
      expect(parts.filter((p) => p.status === 'sending')).toHaveLength(1);
      expect(parts.filter((p) => p.status === 'submitted' || p.status === 'delivered')).toHaveLength(9);
    } finally {
      await sql`drop index test_one_id_once`.execute(t.db);
      await world.close();
    }
  });
});
