import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as senders from '../../src/modules/senders/index.js';
import { sql } from '../../src/platform/db/index.js';
import { waitUntil } from '../helpers/fault-kit.js';
import { insertAccount } from '../helpers/ledger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

// A send pairs a recipient with the first pool number (in its account's own
// order) that no other account has; a concurrent send of another account may
// take that very number first, and the send tries the next. However many
// times that happens, a recipient is refused only once every number is taken.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

const RECIPIENT = '+32475990001';

describe('pool pairing that loses its number to other sends, round after round', () => {
  it('still pairs the recipient with the number left', async () => {
    const pool = ['+3225550501', '+3225550502', '+3225550503', '+3225550504', '+3225550505'];
    for (const number of pool) await sql`insert into sender_numbers (number, kind) values (${number}, 'pool')`.execute(database.db);
    const account = await insertAccount(database.db);
    const order = (await sql<{ number: string }>`select number from sender_numbers where kind = 'pool' order by hashtext(${account} || number)`.execute(database.db)).rows.map((r) => r.number);

    // Other accounts' sends, each holding (uncommitted) the number this account would pick next.
    const rivals: pg.Client[] = [];
    try {
      for (const number of order.slice(0, -1)) {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        rivals.push(client);
        const rival = await insertAccount(database.db);
        await client.query('begin');
        await client.query('insert into pool_assignments (pool_number, recipient, account_id) values ($1, $2, $3)', [number, RECIPIENT, rival]);
      }
      let settled = false;
      const assigned = senders.assignPoolNumbers(database.db, account, [RECIPIENT]).finally(() => (settled = true));
      // Each rival commits once this send waits for it: the send loses that number and tries the next (or has given up).
      for (const client of rivals) {
        const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
        await waitUntil(async () => settled || (await waitsFor(pid)), 10_000, `the send to wait for rival ${pid}`, 10);
        await client.query('commit');
      }
      expect((await assigned).get(RECIPIENT)).toBe(order.at(-1));
    } finally {
      for (const client of rivals) await client.end();
    }
  });
});

/** True when some other session waits for a lock that session `pid` holds. */
async function waitsFor(pid: number): Promise<boolean> {
  const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where ${pid} = any(pg_blocking_pids(pid))`.execute(database.db);
  return r.rows[0]!.n > 0;
}
