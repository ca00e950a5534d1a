import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as messages from '../../src/modules/messages/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { chargesOf, messageStatusCounts, mobileNumbers, partsOf, pumpWith, topUp } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { startSmsWorld } from '../helpers/sms-world.js';

// Receipts that race the submit, come twice, come late or out of order, or
// name an id nobody knows: over TCP from the simulator into PostgreSQL.

let t: TestApp;
let send: (payload: object) => Promise<string[]>;
let accountId: string;
beforeAll(async () => {
  t = await createTestApp();
  const owner = await createOwner(t.app, t.db, 'Receipts Co');
  accountId = owner.accountId;
  const key = await createKey(t.app, owner, ['messages:read', 'messages:write']);
  await topUp(t.db, owner.accountId, 1_000_000n);
  send = async (payload) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload });
    expect(res.statusCode, res.body).toBe(202);
    return json(res).accepted.map((a: { id: string }) => a.id);
  };
});
afterAll(() => t.close());
afterEach(() => expectLedgerConsistent(t.db));

const delivered = (ids: string[]) => async () => (await messageStatusCounts(t.db, ids)).delivered === ids.length;

async function parkedFor(ids: string[]): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from sms_receipts_parked r join message_parts p
    on p.connector_id = r.connector_id and p.provider_message_id = r.provider_message_id where p.message_id = any(${ids}::text[])`.execute(t.db);
  return Number(r.rows[0]!.n);
}

async function historyOf(id: string): Promise<string[]> {
  return (await messages.getMessage(t.db, accountId, id)).history.map((h) => h.status);
}

describe('automatic receipts that misbehave', () => {
  it('applies a receipt that comes before the submit_sm_resp: delivered, nothing left parked', async () => {
    const world = await startSmsWorld(t);
    try {
      world.simulator.setFaults({ receiptBeforeResponse: true, responseDelayMs: 20 });
      const ids = await send({ to: mobileNumbers(50, 500_000), text: 'Receipt first' });
      await pumpWith(t.db, world.pool, delivered(ids));
      expect(await parkedFor(ids)).toBe(0);
      const parts = await partsOf(t.db, ids);
      expect(parts.every((p) => p.submits === 1 && p.status === 'delivered')).toBe(true);
      expect(await historyOf(ids[0]!)).toEqual(['queued', 'submitted', 'delivered']);
      const charges = await chargesOf(t.db, ids);
      expect([...charges.perPart.values()].every((c) => c.settles === 1 && c.refunds === 0)).toBe(true);
    } finally {
      world.simulator.setFaults({ receiptBeforeResponse: false, responseDelayMs: 0 });
      await world.close();
    }
  });

  it('takes every receipt twice without a second event, charge or parked row', async () => {
    const world = await startSmsWorld(t);
    try {
      world.simulator.setFaults({ duplicateReceipts: true });
      const before = world.simulator.counters.receiptsSent;
      const ids = await send({ to: mobileNumbers(50, 510_000), text: 'Twice told' });
      await pumpWith(t.db, world.pool, delivered(ids));
      // Wait for the second copies too.
      await pumpWith(t.db, world.pool, async () => world.simulator.counters.receiptsSent - before >= 100);
      console.log(`duplicate receipts: ${world.simulator.counters.receiptsSent - before} receipts acknowledged for 50 parts`);
      expect(await parkedFor(ids)).toBe(0);
      for (const id of ids.slice(0, 5)) expect(await historyOf(id)).toEqual(['queued', 'submitted', 'delivered']);
      const charges = await chargesOf(t.db, ids);
      expect([...charges.perPart.values()].every((c) => c.settles === 1 && c.refunds === 0)).toBe(true);
    } finally {
      world.simulator.setFaults({ duplicateReceipts: false });
      await world.close();
    }
  });
});

describe('receipts sent by hand', () => {
  // No automatic receipt within the test: each one is sent explicitly.
  let world: Awaited<ReturnType<typeof startSmsWorld>>;
  beforeAll(async () => {
    world = await startSmsWorld(t, { receiptDelayMs: 600_000 });
  });
  afterAll(() => world.close());

  /** Sends a message to `to` and pumps until it is submitted; returns its id and the centre's message id. */
  async function submitted(to: string): Promise<{ id: string; smscId: string }> {
    const [id] = await send({ to: [to], text: `Hello ${to}` });
    await pumpWith(t.db, world.pool, async () => (await messageStatusCounts(t.db, [id!])).submitted === 1);
    const submit = world.simulator.submits.find((s) => s.destination === to.slice(1) && s.messageId);
    return { id: id!, smscId: submit!.messageId! };
  }
  const receipt = (messageId: string, stat: 'DELIVRD' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN') => world.simulator.sendReceipt({ messageId, stat });
  const partStatus = async (id: string) => (await partsOf(t.db, [id]))[0]!.status;

  it('keeps delivered against a late UNDELIV, a repeated DELIVRD and an ACCEPTD after it', async () => {
    const { id, smscId } = await submitted('+32475520001');
    // An intermediate report while submitted changes nothing either.
    expect(await receipt(smscId, 'ACCEPTD')).toBe(0);
    expect(await partStatus(id)).toBe('submitted');
    expect(await receipt(smscId, 'DELIVRD')).toBe(0);
    expect(await partStatus(id)).toBe('delivered');
    for (const stat of ['UNDELIV', 'DELIVRD', 'ACCEPTD'] as const) {
      expect(await receipt(smscId, stat)).toBe(0);
      expect(await partStatus(id)).toBe('delivered');
    }
    expect(await historyOf(id)).toEqual(['queued', 'submitted', 'delivered']);
    expect(await parkedFor([id])).toBe(0);
    const charges = await chargesOf(t.db, [id]);
    expect([...charges.perPart.values()]).toEqual([{ settles: 1, refunds: 0 }]);
  });

  it('keeps undelivered when a DELIVRD comes after it: a final state never goes back', async () => {
    const { id, smscId } = await submitted('+32475520002');
    expect(await receipt(smscId, 'UNDELIV')).toBe(0);
    expect(await receipt(smscId, 'DELIVRD')).toBe(0);
    expect(await partStatus(id)).toBe('undelivered');
    expect(await historyOf(id)).toEqual(['queued', 'submitted', 'undelivered']);
    expect(await parkedFor([id])).toBe(0);
  });

  it('keeps a receipt for an id nobody sent as an orphan in sms_receipts_parked', async () => {
    const orphan = 'ABCDEF01';
    const count = async () => Number((await sql<{ n: string }>`select count(*) as n from sms_receipts_parked`.execute(t.db)).rows[0]!.n);
    const before = await count();
    expect(await world.simulator.sendReceipt({ messageId: orphan, stat: 'DELIVRD', from: '+32475529999', to: 'Herald' })).toBe(0);
    expect(await count()).toBe(before + 1);
    // The reconcile job leaves it alone: no part will ever claim it.
    await messages.reconcileParkedReceipts(t.db);
    const rows = await sql<{ connector_id: string; provider_message_id: string; status: string; raw: string }>`
      select connector_id, provider_message_id, status, raw from sms_receipts_parked where raw like ${`id:${orphan} %`}`.execute(t.db);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ connector_id: 'sim', status: 'delivered' });
    console.log(`orphan receipt kept as ${JSON.stringify({ ...rows.rows[0], raw: undefined })}`);
  });

  // ENROUTE (message_state 1) is an intermediate report: the part stays submitted.
  it('lets an intermediate ENROUTE report pass, then takes the final DELIVRD', async () => {
    const { id, smscId } = await submitted('+32475520003');
    // ENROUTE is not among the simulator's typed stats; the text carries it all the same.
    expect(await world.simulator.sendReceipt({ messageId: smscId, stat: 'ENROUTE' as never })).toBe(0);
    const afterEnroute = await partStatus(id);
    expect(await receipt(smscId, 'DELIVRD')).toBe(0);
    console.log(`ENROUTE left the part ${afterEnroute}; after DELIVRD it is ${await partStatus(id)}`);
    expect(afterEnroute).toBe('submitted');
    expect(await partStatus(id)).toBe('delivered');
  });

  it('makes a part final on an UNKNOWN receipt, and its message unknown', async () => {
    const { id, smscId } = await submitted('+32475520004');
    expect(await receipt(smscId, 'UNKNOWN')).toBe(0);
    expect(await partStatus(id)).toBe('unknown');
    expect(await messageStatusCounts(t.db, [id])).toEqual({ unknown: 1 });
    expect((await messages.getMessage(t.db, accountId, id)).message.final_at).not.toBeNull();
  });

  // A receipt that makes a part `unknown` makes it final, with the time it became so.
  it('records when a part became final on an UNKNOWN receipt', async () => {
    const { id, smscId } = await submitted('+32475520005');
    expect(await receipt(smscId, 'UNKNOWN')).toBe(0);
    const part = (await messages.getMessage(t.db, accountId, id)).parts[0]!;
    expect(part.status).toBe('unknown');
    expect(part.final_at).not.toBeNull();
  });
});
