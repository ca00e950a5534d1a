import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as inbox from '../../src/modules/inbox/index.js';
import * as routing from '../../src/modules/routing/index.js';
import { sql } from '../../src/platform/db/index.js';
import { startSmscSimulator, type SmscSimulator } from '../../src/simulators/smsc/index.js';
import { waitUntil } from '../helpers/fault-kit.js';
import { buildHerald, spawnHerald, type Running } from '../helpers/process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { gsm, inboxRows, sendParts } from './inbox-kit.js';

// ARCHITECTURE.md: "The inbox.assemble loop (one assembler at a time, by
// advisory lock) joins parts". Whoever holds the lock assembles; the others
// leave the parts alone. And with two real workers receiving the parts of one
// reply on their own binds, each reply is filed once.

let database: TestDatabase;
beforeAll(async () => {
  await buildHerald();
  database = await createTestDatabase();
}, 120_000);
afterAll(() => database?.drop());

const TO = '+3225550300';
const pendingParts = async () => (await sql<{ n: number }>`select count(*)::int as n from sms_inbound where processed_at is null`.execute(database.db)).rows[0]!.n;

describe('the assembler lock', () => {
  it('leaves the parts alone while another assembler holds the lock, and assembles them once it is free', async () => {
    const from = '+32475123001';
    const received = new Date();
    for (const [sequence, text] of [[1, 'Held back '], [2, 'by the lock.']] as const) {
      await inbox.storeInboundPart(database.db, { connectorId: 'sim', from, to: TO, dataCoding: 0, concat: { reference: 5, referenceBits: 8, total: 2, sequence }, text, receivedAt: received });
    }
    // Another instance's assembler, on a connection of its own, in the middle of its work.
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query(`begin; select pg_advisory_xact_lock(hashtext('herald:inbox.assemble'))`);
      expect(await inbox.assembleInbound(database.db)).toBe(false);
      expect(await inboxRows(database.db, { sender: from })).toEqual([]);
      expect(await pendingParts()).toBe(2);
      await other.query('commit');
    } finally {
      await other.end();
    }
    expect(await inbox.assembleInbound(database.db)).toBe(true);
    expect(await inboxRows(database.db, { sender: from })).toMatchObject([{ body: 'Held back by the lock.', parts: 2, incomplete: false }]);
    expect(await pendingParts()).toBe(0);
  });
});

describe('two workers receiving the parts of the same replies', () => {
  let simulator: SmscSimulator;
  afterAll(() => simulator?.close());

  it('files each long reply once and whole, and each single text the centre sent twice once', async () => {
    simulator = await startSmscSimulator({ port: 0 });
    // One bind per worker: the centre hands its deliver_sm to the two binds in turn, so each reply's parts are split.
    await routing.ensureDefaultConnector(database.db, {
      id: 'sim2',
      provider: 'sms-smpp',
      config: { host: '127.0.0.1', port: simulator.port, systemId: 'herald', password: 'pw', binds: 1, window: 50, ratePerSecond: 0 },
    });
    const env = { DATABASE_URL: database.url, HERALD_SMSC_SIMULATOR: 'off', HERALD_LOG_LEVEL: 'info', HERALD_SECRET_KEY: 'a key the two workers share, 32+ characters' };
    const workers: Running[] = [spawnHerald(['worker'], env), spawnHerald(['worker'], env)];
    const LONG = 60;
    const SINGLE = 40;
    const longText = (i: number) => [`Reply ${i} begins here, `, `goes on in the middle `, `and ends with ${i}.`];
    try {
      await Promise.all(workers.map((w) => w.waitFor(/Herald is running/)));
      await waitUntil(() => simulator.counters.binds >= 2, 20_000, 'both workers bound');
      const sends: Promise<void>[] = [];
      for (let i = 0; i < LONG; i++) {
        // Parts out of order, one of them sent twice, as a centre retrying a lost answer does.
        sends.push(sendParts(simulator, { from: `+32475200${String(i).padStart(3, '0')}`, to: TO, bits: 8, reference: i, chunks: longText(i).map(gsm), dataCoding: 0, order: [2, 1, 3, 2] }));
      }
      for (let i = 0; i < SINGLE; i++) {
        for (let copy = 0; copy < 2; copy++) {
          sends.push(simulator.sendMo({ from: `+32475300${String(i).padStart(3, '0')}`, to: TO, text: `Single ${i}` }).then((status) => expect(status).toBe(0)));
        }
      }
      await Promise.all(sends);
      // A part is stored before it is answered, so all are in; filed once none waits.
      await waitUntil(async () => (await pendingParts()) === 0, 30_000, 'every part assembled', 100);
    } finally {
      const codes = await Promise.all(workers.map((w) => w.stop('SIGTERM')));
      expect(codes).toEqual([0, 0]);
    }

    expect(simulator.counters.mosSent).toBe(LONG * 4 + SINGLE * 2);
    const rows = (await inboxRows(database.db)).filter((r) => r.recipient === TO && r.sender !== '+32475123001');
    const bySender = new Map<string, string[]>();
    for (const r of rows) bySender.set(r.sender, [...(bySender.get(r.sender) ?? []), r.body]);
    const expected = new Map<string, string[]>([
      ...Array.from({ length: LONG }, (_, i): [string, string[]] => [`+32475200${String(i).padStart(3, '0')}`, [longText(i).join('')]]),
      ...Array.from({ length: SINGLE }, (_, i): [string, string[]] => [`+32475300${String(i).padStart(3, '0')}`, [`Single ${i}`]]),
    ]);
    expect(bySender).toEqual(expected);
    expect(rows.every((r) => !r.incomplete)).toBe(true);
  }, 120_000);
});
