import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner, type TestUser } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { fund } from '../helpers/sms-world.js';

let t: TestApp;
let owner: TestUser;
let headers: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Bulk Co');
  headers = { ...(await createKey(t.app, owner, ['messages:write'])).caller.headers, 'content-type': 'application/x-ndjson' };
  await fund(t, owner.accountId, 10_000_000n);
});
afterAll(() => t.close());
afterEach(() => expectLedgerConsistent(t.db));

const bulk = (lines: unknown[], extra: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/messages/bulk', headers: { ...headers, ...extra }, payload: lines.map((l) => (typeof l === 'string' && l.startsWith('RAW:') ? l.slice(4) : JSON.stringify(l))).join('\n') });

describe('bulk sending', () => {
  it('takes 25,000 recipients streamed as NDJSON, charged once', async () => {
    const numbers = Array.from({ length: 25_000 }, (_, i) => `+3247${String(1_000_000 + i)}`);
    const res = await bulk([{ text: 'Bulk hello', client_reference: 'bulk-1' }, ...numbers.slice(0, 12_500), ...numbers.slice(12_500).map((to) => ({ to })), '+32 4', numbers[0]]);
    expect(res.statusCode).toBe(202);
    const body = json(res);
    expect(body.accepted).toHaveLength(25_000);
    expect(body.rejected.map((r: { code: string }) => r.code)).toEqual(['too_short', 'duplicate']);
    expect(body.cost).toMatchObject({ parts: 25_000, provision: 250_000 });
    const holds = await t.db.selectFrom('ledger_transactions' as never).select('reference' as never).where('kind' as never, '=', 'hold' as never).where('reference' as never, 'like', `${body.batch_id}%` as never).execute();
    expect(holds).toHaveLength(1);
  });

  it('names the line at fault', async () => {
    const bad = async (lines: unknown[], field: string) => {
      const before = (await ledger.getBalances(t.db, owner.accountId)).provision;
      const res = await bulk(lines);
      expect(res.statusCode, res.body).toBe(400);
      expect(json(res).error.field).toBe(field);
      expect((await ledger.getBalances(t.db, owner.accountId)).provision).toEqual(before);
    };
    await bad(['+32475000001'], 'line 1');
    await bad([{ text: 'x', colour: 'red' }, '+32475000001'], 'colour');
    await bad([{ text: 'x' }, 'RAW:{not json'], 'line 2');
    await bad([{ text: 'x' }, { phone: '+32475000001' }], 'line 2');
    await bad([{ text: 'x' }], 'to');
    await bad([{ text: '' }, '+32475000001'], 'text');
  });

  it('asks for NDJSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/messages/bulk', headers: { ...headers, 'content-type': 'application/json' }, payload: { text: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.field).toBe('content-type');
  });
});
