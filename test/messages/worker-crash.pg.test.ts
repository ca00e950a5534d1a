import { describe, expect, it } from 'vitest';
import { sql } from '../../src/platform/db/index.js';
import { json } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { chargesOf, mobileNumbers, topUp, waitUntil } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { spawnHerald, type Running } from '../helpers/process.js';
import { useWorkerWorld } from '../helpers/worker-world.js';

// A real `herald worker` process killed with SIGKILL in the middle of 10,000
// sends, then a new one started: the sends finish, no part reaches the SMS
// centre more than twice (twice only after it was recorded unknown), and each
// part is charged once.

const COUNT = 10_000;
const world = useWorkerWorld({ receiptDelayMs: 50, binds: 2, window: 100, responseTimeoutMs: 5_000 });

describe('a worker killed with SIGKILL mid-send', () => {
  it('leaves every message final after a restart, each part submitted at most twice and charged once', async () => {
    const started = Date.now();
    const owner = await createOwner(world.app, world.database.db, 'Crash Co');
    const key = await createKey(world.app, owner, ['messages:write']);
    await topUp(world.database.db, owner.accountId, BigInt(COUNT * 10));
    const res = await world.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to: mobileNumbers(COUNT), text: 'Crash test' } });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(202);
    const ids: string[] = json(res).accepted.map((a: { id: string }) => a.id);
    expect(ids).toHaveLength(COUNT);

    const env = { DATABASE_URL: world.database.url, HERALD_SMSC_SIMULATOR: 'off', HERALD_LOG_LEVEL: 'info' };
    let first: Running | undefined;
    let second: Running | undefined;
    try {
      first = spawnHerald(['worker'], env);
      await first.waitFor(/Herald is running/, 30_000);
      await waitUntil(() => world.simulator.counters.submits >= 2_000, 60_000, '2,000 submits at the centre', 2);
      expect(await first.stop('SIGKILL')).toBeNull();
      const atKill = world.simulator.counters.submits;
      const byStatus = await sql<{ status: string; n: string }>`select status, count(*) as n from message_parts group by status order by status`.execute(world.database.db);
      const sending = Number(byStatus.rows.find((r) => r.status === 'sending')?.n ?? 0);
      console.log(`worker crash: SIGKILL after ${atKill} submits at the centre; parts then ${byStatus.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
      expect(atKill).toBeLessThan(COUNT);

      // Stands in for the 60-second lease running out: the sweeper of the next worker takes them.
      await sql`update message_parts set lease_until = now() - interval '1 second' where status = 'sending'`.execute(world.database.db);

      second = spawnHerald(['worker'], env);
      await second.waitFor(/Herald is running/, 30_000);
      const restarted = Date.now();
      // Recovered parts wait the default 30 s before their second submit.
      await waitUntil(
        async () => (await world.count(sql`select count(*) as n from messages where status not in ('delivered', 'undelivered', 'failed', 'expired', 'unknown', 'cancelled')`)) === 0,
        75_000,
        'every message final',
        250,
      );
      // The worker's charge job settles and refunds shortly after.
      await waitUntil(async () => (await world.count(sql`select count(*) as n from message_parts where charge is null`)) === 0, 10_000, 'every part charged', 100);
      console.log(`worker crash: all ${COUNT} messages final ${((Date.now() - restarted) / 1000).toFixed(1)} s after the restart (${sending} parts were in flight at the kill)`);
    } finally {
      await first?.stop('SIGKILL');
      await second?.stop('SIGTERM');
    }

    const statuses = await sql<{ status: string; n: string }>`select status, count(*) as n from messages group by status`.execute(world.database.db);
    console.log(`worker crash: messages ${statuses.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);

    const parts = await sql<{ id: string; recipient: string; seq: number; submits: number; unknowns: number; status: string }>`
      select p.id, m.recipient, p.seq, p.submits, p.unknowns, p.status from message_parts p join messages m on m.id = p.message_id`.execute(world.database.db);
    expect(parts.rows).toHaveLength(COUNT);
    const atCentre = new Map<string, number>();
    for (const s of world.simulator.submits) {
      const k = `+${s.destination} ${s.udh?.concat?.sequence ?? 1}`;
      atCentre.set(k, (atCentre.get(k) ?? 0) + 1);
    }
    const recorded = parts.rows.filter((p) => p.unknowns >= 1);
    const twice = parts.rows.filter((p) => (atCentre.get(`${p.recipient} ${p.seq}`) ?? 0) === 2);
    const tooMany = parts.rows.filter((p) => (atCentre.get(`${p.recipient} ${p.seq}`) ?? 0) > 2 || p.submits > 2);
    const twiceWithoutUnknown = parts.rows.filter((p) => ((atCentre.get(`${p.recipient} ${p.seq}`) ?? 0) === 2 || p.submits === 2) && p.unknowns < 1);
    const never = parts.rows.filter((p) => !atCentre.has(`${p.recipient} ${p.seq}`));
    const orphans = await world.count(sql`select count(*) as n from sms_receipts_parked`);
    console.log(`worker crash: ${recorded.length} parts recorded unknown after the kill; ${twice.length} reached the centre twice; ` +
      `${world.simulator.submits.length} submits in all for ${COUNT} parts; ${orphans} receipts of unrecorded submits kept as orphans`);
    expect(tooMany).toEqual([]);
    expect(twiceWithoutUnknown).toEqual([]);
    expect(never).toEqual([]);

    const charges = await chargesOf(world.database.db, ids);
    const wrong = [...charges.perPart.entries()].filter(([, c]) => c.settles + c.refunds !== 1);
    expect(wrong).toEqual([]);
    expect(charges).toMatchObject({ held: COUNT, released: COUNT });
    await expectLedgerConsistent(world.database.db);
    console.log(`worker crash: whole test ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 150_000);
});
