import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { createTestApp, json, type TestApp } from '../../../test/helpers/app.js';
import { createOwner } from '../../../test/helpers/factories.js';
import { waitUntil } from '../../../test/helpers/fault-kit.js';
import { fund } from '../../../test/helpers/sms-world.js';
import { recomputeMessages } from './progress.repository.js';

// Two transactions each end one part of a two-part message (receipts arriving
// on two workers' binds): whichever commits second must see the other's part
// and end the message, although neither saw the other's when it wrote its own.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('recomputeMessages in two transactions at once', () => {
  it('ends a long message whose last two parts end in two overlapping transactions', async () => {
    const owner = await createOwner(t.app, t.db, 'Race Co');
    await fund(t, owner.accountId, 10_000n);
    const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...owner.caller, payload: { to: ['+32475900001'], text: 'y'.repeat(200) } });
    expect(res.statusCode, res.body).toBe(202);
    const messageId: string = json(res).accepted[0].id;
    await sql`update message_parts set status = 'submitted' where message_id = ${messageId}`.execute(t.db);
    await sql`update messages set status = 'submitted' where id = ${messageId}`.execute(t.db);
    const deliver = (seq: number) => sql`update message_parts set status = 'delivered' where message_id = ${messageId} and seq = ${seq}`;

    const aWrote = gate();
    const bWrote = gate();
    const aRead = gate();
    const aMayCommit = gate();
    let bRead = false;
    const a = t.db.transaction().execute(async (tx) => {
      await deliver(1).execute(tx);
      aWrote.open();
      await bWrote.opened;
      await recomputeMessages(tx, [messageId]);
      aRead.open();
      await aMayCommit.opened;
    });
    const b = t.db.transaction().execute(async (tx) => {
      await aWrote.opened;
      await deliver(2).execute(tx);
      bWrote.open();
      await aRead.opened;
      await recomputeMessages(tx, [messageId]);
      bRead = true;
    });
    // A commits once B has read the parts, or is waiting to (a lock wait on A's transaction).
    await waitUntil(async () => bRead || (await lockWaits(t)) > 0, 10_000, 'B to read or wait');
    aMayCommit.open();
    await Promise.all([a, b]);

    const after = await sql<{ status: string }>`select status from messages where id = ${messageId}`.execute(t.db);
    expect(after.rows[0]!.status).toBe('delivered');
  });
});

async function lockWaits(t: TestApp): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db);
  return Number(r.rows[0]!.n);
}
