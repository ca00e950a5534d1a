import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import * as messages from '../../src/modules/messages/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { chargesOf, mobileNumbers, topUp } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('parallel sends racing for the last credit', () => {
  it('accepts exactly as many one-part sends as the balance pays for, and refuses the rest with 402', async () => {
    const owner = await createOwner(t.app, t.db, 'Racing Co');
    const key = await createKey(t.app, owner, ['messages:read', 'messages:write']);
    // 10 minor units a part by default: 100 pays for 10 parts.
    await topUp(t.db, owner.accountId, 100n);
    const to = mobileNumbers(50, 600_000);
    const answers = await Promise.all(
      to.map((n) => t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to: [n], text: 'Last credit' } })),
    );
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.statusCode, (byStatus.get(a.statusCode) ?? 0) + 1);
    console.log(`credit race: ${JSON.stringify(Object.fromEntries(byStatus))} for 50 parallel one-part sends on a balance of 10 parts`);
    expect(Object.fromEntries(byStatus)).toEqual({ 202: 10, 402: 40 });
    for (const a of answers.filter((x) => x.statusCode === 402)) expect(json(a).error.code).toBe('insufficient_credit');

    // Every 202 names a committed message; every 402 left nothing behind.
    const acceptedIds = answers.filter((a) => a.statusCode === 202).flatMap((a) => json(a).accepted.map((m: { id: string }) => m.id));
    const stored = await messages.listMessages(t.db, owner.accountId, { limit: 100 });
    expect(stored.map((m) => m.id).sort()).toEqual(acceptedIds.sort());
    const balances = await ledger.getBalances(t.db, owner.accountId);
    expect(balances.provision).toEqual({ availableMinor: 0n, heldMinor: 100n });
    expect((await chargesOf(t.db, acceptedIds)).held).toBe(10);
    await expectLedgerConsistent(t.db);
  });
});
