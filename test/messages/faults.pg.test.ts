import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { chargesOf, messageStatusCounts, mobileNumbers, partsOf, pumpWith, topUp, waitUntil } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { startSmsWorld } from '../helpers/sms-world.js';

// SMS centre faults over TCP against the simulator, with real PostgreSQL: the
// parts end where the notes' table says, and every part is charged at most once.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
afterEach(() => expectLedgerConsistent(t.db));

/** A fresh account with bought credit only (no quota), so money is exact: 10 minor units a part. */
async function sender(name: string, creditMinor = 100_000n) {
  const owner = await createOwner(t.app, t.db, name);
  const key = await createKey(t.app, owner, ['messages:read', 'messages:write']);
  await topUp(t.db, owner.accountId, creditMinor);
  const send = async (payload: object) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload });
    expect(res.statusCode, res.body).toBe(202);
    const body = json(res);
    return { body, ids: body.accepted.map((a: { id: string }) => a.id) as string[] };
  };
  return { owner, send };
}

const allFinal = (ids: string[], status = 'delivered') => async () => (await messageStatusCounts(t.db, ids))[status] === ids.length;

describe('a disconnect with submits in flight', () => {
  it('records them unknown, resubmits each once, delivers them and charges each once', async () => {
    const world = await startSmsWorld(t, { connector: { reconnectBackoffMinMs: 50, reconnectBackoffMaxMs: 200, responseTimeoutMs: 10_000 } });
    try {
      const { send } = await sender('Dropped Line Co');
      const to = mobileNumbers(20, 200_000);
      const mine = new Set(to.map((n) => n.slice(1)));
      const ofMine = () => world.simulator.submits.filter((s) => mine.has(s.destination));
      // Answers held back, so every submit is in flight when the line drops.
      world.simulator.setFaults({ responseDelayMs: 5_000 });
      const { ids } = await send({ to, text: 'Through a dropped line' });
      const pumping = pumpWith(t.db, world.pool, allFinal(ids), { ms: 30_000, dispatch: { unknownRetryMs: 100 } });
      await waitUntil(() => ofMine().length === 20, 10_000, 'all 20 submits at the centre');
      world.simulator.setFaults({ responseDelayMs: 0 });
      world.simulator.disconnectAll();
      await pumping;

      const parts = await partsOf(t.db, ids);
      const counts = new Map<string, number>();
      for (const s of ofMine()) counts.set(s.destination, (counts.get(s.destination) ?? 0) + 1);
      console.log(`disconnect: ${parts.filter((p) => p.unknowns > 0).length}/${parts.length} parts recorded unknown and resubmitted; ` +
        `${ofMine().length} submits at the centre for ${to.length} parts`);
      expect(new Set(parts.map((p) => JSON.stringify({ status: p.status, unknowns: p.unknowns, submits: p.submits, error: p.error_code })))).toEqual(
        new Set([JSON.stringify({ status: 'delivered', unknowns: 1, submits: 2, error: 'disconnected' })]),
      );
      expect([...counts.values()]).toEqual(Array(20).fill(2));

      const charges = await chargesOf(t.db, ids);
      expect([...charges.perPart.values()].every((c) => c.settles === 1 && c.refunds === 0)).toBe(true);
      expect(charges).toMatchObject({ held: 20, released: 20 });
    } finally {
      world.simulator.setFaults({ responseDelayMs: 0 });
      await world.close();
    }
  });
});

describe('a centre that never answers some submits', () => {
  it('resubmits a part whose answer timed out once at most, and charges each part once', async () => {
    const world = await startSmsWorld(t, { connector: { responseTimeoutMs: 300, reconnectBackoffMinMs: 50, reconnectBackoffMaxMs: 200 } });
    try {
      const { send } = await sender('Silent Centre Co');
      const to = mobileNumbers(100, 250_000);
      const mine = new Set(to.map((n) => n.slice(1)));
      world.simulator.setFaults({ dropResponseShare: 0.1 });
      const { ids } = await send({ to, text: 'Anyone there?' });
      const finals = ['delivered', 'unknown'];
      await pumpWith(t.db, world.pool, async () => (await partsOf(t.db, ids)).every((p) => finals.includes(p.status)), { ms: 30_000, dispatch: { unknownRetryMs: 50 } });

      const parts = await partsOf(t.db, ids);
      const atCentre = new Map<string, number>();
      for (const s of world.simulator.submits) if (mine.has(s.destination)) atCentre.set(`+${s.destination}`, (atCentre.get(`+${s.destination}`) ?? 0) + 1);
      const statuses = await messageStatusCounts(t.db, ids);
      console.log(`dropped answers: messages ${JSON.stringify(statuses)}; ${parts.filter((p) => p.unknowns > 0).length} parts recorded unknown ` +
        `(${parts.filter((p) => p.error_code === 'timeout').length} by timeout), ${[...atCentre.values()].filter((n) => n === 2).length} submitted twice`);
      expect(parts.filter((p) => (atCentre.get(p.recipient) ?? 0) > 2 || p.submits > 2)).toEqual([]);
      expect(parts.filter((p) => (atCentre.get(p.recipient) ?? 0) === 2 && p.unknowns < 1)).toEqual([]);
      // A part ends unknown only after its second uncertain submit.
      expect(parts.filter((p) => p.status === 'unknown' && p.unknowns < 2)).toEqual([]);
      expect(parts.filter((p) => p.unknowns > 0).length).toBeGreaterThan(0);
      const charges = await chargesOf(t.db, ids);
      expect([...charges.perPart.values()].every((c) => c.settles === 1 && c.refunds === 0)).toBe(true);
    } finally {
      world.simulator.setFaults({ dropResponseShare: 0 });
      await world.close();
    }
  });
});

describe('throttling on a third of submits', () => {
  it('fails no message and delivers them all, a throttle counting as no attempt', async () => {
    const world = await startSmsWorld(t, { connector: { throttleBackoffMinMs: 20, throttleBackoffMaxMs: 200 } });
    try {
      const { send } = await sender('Throttled Co');
      const to = mobileNumbers(300, 300_000);
      world.simulator.setFaults({ throttleShare: 1 / 3 });
      const { ids } = await send({ to, text: 'Slow down, please' });
      const started = world.simulator.counters;
      await pumpWith(t.db, world.pool, allFinal(ids), { ms: 90_000 });
      const c = world.simulator.counters;
      console.log(`throttle: ${c.submits - started.submits} submits for 300 parts, ${c.throttled - started.throttled} answered 0x58, ${c.accepted - started.accepted} accepted`);

      expect(await messageStatusCounts(t.db, ids)).toEqual({ delivered: 300 });
      const parts = await partsOf(t.db, ids);
      expect(parts.every((p) => p.submits === 1 && p.unknowns === 0)).toBe(true);
      expect(c.throttled - started.throttled).toBeGreaterThan(50);
      expect(c.accepted - started.accepted).toBe(300);
      const charges = await chargesOf(t.db, ids);
      expect([...charges.perPart.values()].every((x) => x.settles === 1 && x.refunds === 0)).toBe(true);
    } finally {
      world.simulator.setFaults({ throttleShare: 0 });
      await world.close();
    }
  }, 120_000);
});

describe('a permanent refusal (0x0B) of one part of a long message', () => {
  const longText = 'Part of a long message. '.repeat(17); // 408 GSM characters: 3 parts

  it('fails the message; the parts already accepted stay charged, the refused one is refunded', async () => {
    const world = await startSmsWorld(t);
    try {
      const { owner, send } = await sender('Half Refused Co');
      const before = await ledger.getBalances(t.db, owner.accountId);
      // The third submit from now is refused: the parts of one round travel together.
      world.simulator.setFaults({ errorShare: 1 / 3, errorStatus: 0x0b });
      const { body, ids } = await send({ to: ['+32475400001'], text: longText });
      expect(body.parts_per_message).toBe(3);
      // Done when the message failed and the accepted parts have had their receipts.
      await pumpWith(t.db, world.pool, async () => (await partsOf(t.db, ids)).every((p) => p.status !== 'submitted' && p.status !== 'queued' && p.status !== 'sending'));

      const parts = await partsOf(t.db, ids);
      expect(parts.map((p) => p.status).sort()).toEqual(['delivered', 'delivered', 'failed']);
      expect(parts.find((p) => p.status === 'failed')!.error_code).toBe('0x0B');
      expect(await messageStatusCounts(t.db, ids)).toEqual({ failed: 1 });
      const charges = await chargesOf(t.db, ids);
      for (const p of parts) expect(charges.perPart.get(p.id)).toEqual(p.status === 'failed' ? { settles: 0, refunds: 1 } : { settles: 1, refunds: 0 });
      const after = await ledger.getBalances(t.db, owner.accountId);
      expect(before.provision.availableMinor - after.provision.availableMinor).toBe(20n);
      expect(after.provision.heldMinor).toBe(0n);
    } finally {
      world.simulator.setFaults({ errorShare: 0 });
      await world.close();
    }
  });

  it('cancels and refunds the parts not yet sent when the first one is refused', async () => {
    const world = await startSmsWorld(t);
    try {
      const { owner, send } = await sender('Refused First Co');
      const before = await ledger.getBalances(t.db, owner.accountId);
      world.simulator.setFaults({ errorShare: 1, errorStatus: 0x0b });
      const { ids } = await send({ to: ['+32475400002'], text: longText });
      // One part a round: the refusal of the first is recorded before the others go.
      await pumpWith(t.db, world.pool, allFinal(ids, 'failed'), { dispatch: { batch: 1 } });

      const parts = await partsOf(t.db, ids);
      expect(parts.map((p) => p.status).sort()).toEqual(['cancelled', 'cancelled', 'failed']);
      expect(world.simulator.submits.filter((s) => s.destination === '32475400002')).toHaveLength(1);
      const charges = await chargesOf(t.db, ids);
      expect([...charges.perPart.values()]).toEqual([{ settles: 0, refunds: 1 }, { settles: 0, refunds: 1 }, { settles: 0, refunds: 1 }]);
      expect(charges).toMatchObject({ held: 3, released: 3 });
      const after = await ledger.getBalances(t.db, owner.accountId);
      expect(after.provision.availableMinor).toBe(before.provision.availableMinor);
      expect(after.provision.heldMinor).toBe(0n);
    } finally {
      world.simulator.setFaults({ errorShare: 0 });
      await world.close();
    }
  });
});
