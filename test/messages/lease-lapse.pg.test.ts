import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as messages from '../../src/modules/messages/index.js';
import { openDatabase } from '../../src/platform/db/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { centreSubmits, chargesOf, partsOf, personalitiesOf, topUp, waitUntil } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { startSmsWorld } from '../helpers/sms-world.js';
import { startStallingProxy } from '../helpers/stalling-proxy.js';

// A worker loses its database in the middle of a round: its lease of one
// second really runs out (no clock set back in SQL), the sweeper of a worker
// that still has the database takes the part, the first round's late answer
// is dropped, and the part is sent again once, delivered and charged once.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('a lease that runs out while its round has lost the database', () => {
  it('is taken over by the sweeper, and the part is resubmitted once, delivered and charged once', async () => {
    const world = await startSmsWorld(t, { connector: { responseTimeoutMs: 3_000, recycleAfterTimeouts: 1_000 } });
    const proxy = await startStallingProxy(t.database.url);
    const lost = openDatabase(proxy.url, { poolSize: 2, connectTimeoutMs: 500, statementTimeoutMs: 1_000 });
    try {
      const owner = await createOwner(t.app, t.db, 'Lapsed Lease Co');
      const key = await createKey(t.app, owner, ['messages:write']);
      await topUp(t.db, owner.accountId, 100n);
      const number = '+32475790001';
      // The centre holds its answer, so the round is still waiting when its database goes.
      world.simulator.setFaults({ personalities: personalitiesOf({ silent: [number] }) });
      const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to: [number], text: 'Lapse' } });
      expect(res.statusCode, res.body).toBe(202);
      const ids: string[] = json(res).accepted.map((a: { id: string }) => a.id);

      // The pool's connectors, with a log of our own to see what the round says about its answer.
      const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
      const connectors: messages.ConnectorSet = {
        route: (destination) => world.pool.route(destination),
        log: { warn: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, msg }), debug: () => {} },
      };
      const round = messages.dispatchDueParts(lost.db, connectors, { leaseSeconds: 1, unknownRetryMs: 0 });
      await waitUntil(() => centreSubmits(world.simulator).get(number)?.dropped === 1, 20_000, 'the submit at the centre');
      proxy.stall();
      // Recovered by real time: the sweeper takes nothing until the lease the round can no longer renew has run out.
      const [before] = await partsOf(t.db, ids);
      expect(before).toMatchObject({ status: 'sending', unknowns: 0 });
      await waitUntil(async () => (await messages.recoverExpiredLeases(t.db, { unknownRetryMs: 0 })) === 1, 20_000, 'the lapsed lease recovered', 100);
      const [recovered] = await partsOf(t.db, ids);
      expect(recovered).toMatchObject({ status: 'queued', unknowns: 1, error_code: 'lease_expired', submits: 1 });

      // The first round's answer (a timeout) cannot be written and its lease has lapsed: it is dropped, and the round ends.
      await round;
      const dropped = warnings.filter((w) => w.msg === 'dispatch: answer dropped');
      expect(dropped.map((w) => w.obj.outcome)).toEqual(['queued']);
      expect(String(dropped[0]!.obj.why)).toMatch(/lease (lapsed|was lost)/);
      expect((await partsOf(t.db, ids))[0]).toMatchObject({ status: 'queued', unknowns: 1, error_code: 'lease_expired' });

      world.simulator.setFaults({ personalities: {} });
      await world.pump(async () => (await partsOf(t.db, ids))[0]!.status === 'delivered');
      const [done] = await partsOf(t.db, ids);
      expect(done).toMatchObject({ status: 'delivered', unknowns: 1, submits: 2 });
      expect(centreSubmits(world.simulator).get(number)).toEqual({ dropped: 1, accepted: 1 });
      const charges = await chargesOf(t.db, ids);
      expect([...charges.perPart.values()]).toEqual([{ settles: 1, refunds: 0 }]);
      await expectLedgerConsistent(t.db);
    } finally {
      await proxy.close();
      await lost.close();
      await world.close();
    }
  }, 60_000);
});
