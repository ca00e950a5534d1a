import { afterAll, beforeAll, expect, it } from 'vitest';
import * as inbox from '../../src/modules/inbox/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { assembleAll } from './inbox-kit.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('deletes raw parts a month after they were filed, and never parts still waiting', async () => {
  const now = new Date();
  const part = (text: string, concat: { reference: number; referenceBits: 8 | 16; total: number; sequence: number } | null) =>
    inbox.storeInboundPart(t.db, { connectorId: 'sim', from: '+32475000001', to: '+3225550001', dataCoding: 0, concat, text, receivedAt: now });
  await part('filed long ago', null);
  await part('half of a long reply', { reference: 9, referenceBits: 8, total: 2, sequence: 1 });
  await assembleAll(t.db, { now });
  const month = 31 * 86_400_000;
  expect(await inbox.pruneInboundParts(t.db, { now: new Date(now.getTime() + 5 * 86_400_000) })).toBe(false);
  expect((await sql<{ n: number }>`select count(*)::int as n from sms_inbound`.execute(t.db)).rows[0]!.n).toBe(2);
  await inbox.pruneInboundParts(t.db, { now: new Date(now.getTime() + month) });
  const left = await sql<{ body: string }>`select body from sms_inbound`.execute(t.db);
  expect(left.rows.map((r) => r.body)).toEqual(['half of a long reply']);
  // The filed reply itself stays in the inbox.
  expect((await sql<{ n: number }>`select count(*)::int as n from inbox_messages where body = 'filed long ago'`.execute(t.db)).rows[0]!.n).toBe(1);
});
