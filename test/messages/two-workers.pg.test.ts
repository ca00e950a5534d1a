import { describe, expect, it } from 'vitest';
import { sql } from '../../src/platform/db/index.js';
import { json } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { chargesOf, mobileNumbers, topUp, waitUntil } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { spawnHerald, type Running } from '../helpers/process.js';
import { useWorkerWorld } from '../helpers/worker-world.js';

// ARCHITECTURE.md: each worker claims parts with SKIP LOCKED, "so N workers
// share". Two real `herald worker` processes on one database and one SMS
// centre: every part reaches the centre exactly once, from both workers, and
// is charged exactly once.

const RECIPIENTS = 3_000;
const TEXT = 'Two workers, one queue. '.repeat(8); // 192 GSM-7 characters: two parts
// One bind per worker, so the centre's sessions tell the workers apart.
const world = useWorkerWorld({ receiptDelayMs: 20, binds: 1, window: 50, responseTimeoutMs: 10_000 });

describe('two workers dispatching from one queue', () => {
  it('submits every part exactly once between them and charges each once', async () => {
    const owner = await createOwner(world.app, world.database.db, 'Two Workers Co');
    const key = await createKey(world.app, owner, ['messages:write']);
    await topUp(world.database.db, owner.accountId, BigInt(RECIPIENTS * 2 * 100));

    const env = { DATABASE_URL: world.database.url, HERALD_SMSC_SIMULATOR: 'off', HERALD_LOG_LEVEL: 'info', HERALD_SECRET_KEY: 'a key the two workers share, 32+ characters' };
    const workers: Running[] = [spawnHerald(['worker'], env), spawnHerald(['worker'], env)];
    const ids: string[] = [];
    try {
      await Promise.all(workers.map((w) => w.waitFor(/Herald is running/)));
      await waitUntil(() => world.simulator.counters.binds >= 2, 20_000, 'both workers bound');
      // Sent while both workers poll, in three requests, so both find parts due.
      for (const chunk of [0, 1, 2]) {
        const to = mobileNumbers(RECIPIENTS / 3, 200_000 + chunk * (RECIPIENTS / 3));
        const res = await world.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to, text: TEXT } });
        expect(res.statusCode, res.body.slice(0, 500)).toBe(202);
        ids.push(...json(res).accepted.map((a: { id: string }) => a.id));
      }
      expect(ids).toHaveLength(RECIPIENTS);
      await waitUntil(async () => (await world.count(sql`select count(*) as n from messages where status <> 'delivered'`)) === 0, 90_000, 'every message delivered', 250).catch(async (error: Error) => {
        const byStatus = await sql<{ status: string; n: string }>`select status, count(*) as n from message_parts group by status`.execute(world.database.db);
        const messages = await sql<{ status: string; n: string }>`select status, count(*) as n from messages group by status`.execute(world.database.db);
        throw new Error(`${error.message}; messages ${JSON.stringify(messages.rows)} parts ${JSON.stringify(byStatus.rows)}, centre ${JSON.stringify(world.simulator.counters)}\n${workers.map((w) => w.output().slice(-3000)).join('\n---\n')}`);
      });
      await waitUntil(async () => (await world.count(sql`select count(*) as n from message_parts where charge is null`)) === 0, 20_000, 'every part charged', 100);
    } finally {
      const codes = await Promise.all(workers.map((w) => w.stop('SIGTERM')));
      expect(codes).toEqual([0, 0]);
    }

    const parts = await sql<{ recipient: string; seq: number; submits: number }>`
      select m.recipient, p.seq, p.submits from message_parts p join messages m on m.id = p.message_id`.execute(world.database.db);
    expect(parts.rows).toHaveLength(RECIPIENTS * 2);
    const atCentre = new Map<string, number>();
    for (const s of world.simulator.submits) {
      const k = `+${s.destination} ${s.udh?.concat?.sequence ?? 1}`;
      atCentre.set(k, (atCentre.get(k) ?? 0) + 1);
    }
    const notOnce = parts.rows.filter((p) => atCentre.get(`${p.recipient} ${p.seq}`) !== 1 || p.submits !== 1);
    expect(notOnce).toEqual([]);
    expect(world.simulator.submits).toHaveLength(RECIPIENTS * 2);

    // Both workers took part: with one bind each and no reconnects, a session is a worker.
    expect(world.simulator.counters.binds).toBe(2);
    const perSession = new Map<number, number>();
    for (const s of world.simulator.submits) perSession.set(s.sessionId, (perSession.get(s.sessionId) ?? 0) + 1);
    console.log(`two workers: parts per worker ${[...perSession.values()].join(' and ')}`);
    expect(perSession.size).toBe(2);

    const charges = await chargesOf(world.database.db, ids);
    const wrong = [...charges.perPart.entries()].filter(([, c]) => c.settles !== 1 || c.refunds !== 0);
    expect(wrong).toEqual([]);
    expect(charges).toMatchObject({ held: RECIPIENTS * 2, released: RECIPIENTS * 2 });
    await expectLedgerConsistent(world.database.db);
  }, 180_000);
});
