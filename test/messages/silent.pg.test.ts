import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as messages from '../../src/modules/messages/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { fund, statusOf } from '../helpers/sms-world.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('a part the centre never reports on', () => {
  it('ends unknown an hour after its validity, so the message is final', async () => {
    const owner = await createOwner(t.app, t.db, 'Silent Co');
    await fund(t, owner.accountId, 1000n);
    const key = await createKey(t.app, owner, ['messages:write']);
    const { accepted } = json(await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to: ['+32475900001', '+32475900002'], text: 'x' } }));
    // As if both were submitted long ago and never heard of again; the second is still within grace.
    await sql`update message_parts set status = 'submitted', connector_id = 'gone', provider_message_id = message_id where true`.execute(t.db);
    await sql`update messages set status = 'submitted', valid_until = now() - interval '2 hours' where id = ${accepted[0].id}`.execute(t.db);
    await sql`update messages set status = 'submitted', valid_until = now() - interval '10 minutes' where id = ${accepted[1].id}`.execute(t.db);
    expect(await messages.closeSilentMessages(t.db)).toBe(1);
    expect(await statusOf(t, owner.accountId, accepted[0].id)).toBe('unknown');
    expect(await statusOf(t, owner.accountId, accepted[1].id)).toBe('submitted');
    const detail = await messages.getMessage(t.db, owner.accountId, accepted[0].id);
    expect(detail.parts[0]).toMatchObject({ status: 'unknown', error_code: 'no_receipt' });
    expect(detail.parts[0]!.final_at).not.toBeNull();
    expect(detail.history.at(-1)).toMatchObject({ status: 'unknown', detail: 'no receipt within the validity period' });
    await expectLedgerConsistent(t.db);
  });
});
