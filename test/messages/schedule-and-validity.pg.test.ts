import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import * as messages from '../../src/modules/messages/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { chargesOf, partsOf, topUp, waitUntil } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { startSmsWorld } from '../helpers/sms-world.js';

// README: "A message with `send_at` waits until then"; a message's validity
// (`validity_minutes`) is how long it may wait before it ends `expired`, and
// what never left is given back. Both against the simulator over SMPP.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
afterEach(() => expectLedgerConsistent(t.db));

async function customer(name: string) {
  const owner = await createOwner(t.app, t.db, name);
  const key = await createKey(t.app, owner, ['messages:read', 'messages:write']);
  await topUp(t.db, owner.accountId, 1_000n);
  const send = async (payload: object): Promise<{ id: string; status: string }> => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload });
    expect(res.statusCode, res.body).toBe(202);
    return json(res).accepted[0];
  };
  const read = async (id: string) => json((await t.app.inject({ method: 'GET', url: `/v1/messages/${id}`, ...key.caller })));
  const provision = async () => (await ledger.getBalances(t.db, owner.accountId)).provision;
  return { accountId: owner.accountId, send, read, provision };
}

describe('a scheduled send', () => {
  it('stays scheduled while it is not due, and is dispatched once it is', async () => {
    const world = await startSmsWorld(t);
    try {
      const c = await customer('Later Co');
      // More than 5 s ahead, so it is scheduled rather than queued (prepare-send's SCHEDULE_AFTER_MS).
      const sendAt = new Date(Date.now() + 10_000);
      const { id, status } = await c.send({ to: ['+32475810001'], text: 'At the time you asked', send_at: sendAt.toISOString() });
      expect(status).toBe('scheduled');

      // Rounds that ended before send_at (by the database's clock, the one
      // dispatch goes by) must have left it alone; the loop ends once it is due.
      let earlyRounds = 0;
      for (;;) {
        const handled = await messages.dispatchDueParts(t.db, world.pool);
        const { early } = (await sql<{ early: boolean }>`select now() < send_at as early from messages where id = ${id}`.execute(t.db)).rows[0]!;
        if (!early) break;
        earlyRounds++;
        expect(handled).toBe(0);
        expect((await c.read(id)).status).toBe('scheduled');
        expect((await partsOf(t.db, [id])).map((p) => [p.status, p.submits])).toEqual([['scheduled', 0]]);
        expect(world.simulator.counters.submits).toBe(0);
        await sleep(100);
      }
      expect(earlyRounds).toBeGreaterThan(0);

      await world.pump(async () => (await c.read(id)).status === 'delivered');
      const [submit] = world.simulator.submits;
      expect(world.simulator.submits).toHaveLength(1);
      expect(submit!.receivedAt.getTime()).toBeGreaterThanOrEqual(sendAt.getTime());
      expect(submit!.text).toBe('At the time you asked');
      expect([...(await chargesOf(t.db, [id])).perPart.values()]).toEqual([{ settles: 1, refunds: 0 }]);
      expect(await c.provision()).toEqual({ availableMinor: 990n, heldMinor: 0n });
    } finally {
      await world.close();
    }
  });
});

describe('a message whose validity runs out while it is queued', () => {
  it('ends expired without reaching the centre, every part refunded and reported', async () => {
    // A centre that is down: no bind, so each submit waits 200 ms for one and comes back transient.
    const world = await startSmsWorld(t, { connector: { queueTimeoutMs: 200, reconnectBackoffMinMs: 50, reconnectBackoffMaxMs: 200 } });
    try {
      await world.simulator.close();
      await waitUntil(() => world.pool.route('+32475820001').every((c) => c.status().bindsUp === 0), 10_000, 'the bind down');
      const c = await customer('Outage Co');
      const text = 'A text long enough for two parts. '.repeat(6);
      const { id, status } = await c.send({ to: ['+32475820001'], text, validity_minutes: 5, callback_url: 'https://example.org/herald' });
      expect(status).toBe('queued');
      expect(await c.provision()).toEqual({ availableMinor: 980n, heldMinor: 20n });

      // A round meets the outage: both parts go back to the queue, still within their validity.
      expect(await messages.dispatchDueParts(t.db, world.pool)).toBe(2);
      expect((await partsOf(t.db, [id])).map((p) => [p.status, p.error_code])).toEqual([['queued', 'queue-timeout'], ['queued', 'queue-timeout']]);
      expect((await c.read(id)).status).toBe('queued');

      // The five minutes pass while the parts wait for their retry.
      await sql`update messages set valid_until = now() where id = ${id}`.execute(t.db);
      await world.pump(async () => (await c.read(id)).status === 'expired');

      expect((await partsOf(t.db, [id])).map((p) => [p.status, p.error_code])).toEqual([['expired', 'validity'], ['expired', 'validity']]);
      expect(world.simulator.counters.submits).toBe(0);
      expect([...(await chargesOf(t.db, [id])).perPart.values()]).toEqual([{ settles: 0, refunds: 1 }, { settles: 0, refunds: 1 }]);
      expect(await c.provision()).toEqual({ availableMinor: 1_000n, heldMinor: 0n });
      const events = await sql<{ type: string; status: string }>`select type, payload->'data'->>'status' as status from webhook_events
        where account_id = ${c.accountId} order by created_at`.execute(t.db);
      expect(events.rows).toEqual([{ type: 'message.expired', status: 'expired' }]);
    } finally {
      await world.close();
    }
  });
});
