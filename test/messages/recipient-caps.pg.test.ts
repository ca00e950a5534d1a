import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import { PlatformConfigSchema } from '../../src/platform/config.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner, type TestUser } from '../helpers/factories.js';
import { mobileNumbers, topUp } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';

// README: `POST /v1/messages` (up to 10,000 recipients), `POST /v1/messages/bulk`
// (NDJSON, up to 1,000,000). With Herald's default body limit, so that the
// cap, not the limit, is what refuses.

let t: TestApp;
let owner: TestUser;
let headers: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp({ bodyLimit: PlatformConfigSchema.properties.HERALD_BODY_LIMIT.default });
  owner = await createOwner(t.app, t.db, 'Many Co');
  headers = (await createKey(t.app, owner, ['messages:write'])).caller.headers;
  await topUp(t.db, owner.accountId, 200_000n);
});
afterAll(() => t.close());

const provision = async () => (await ledger.getBalances(t.db, owner.accountId)).provision;

describe('POST /v1/messages', () => {
  it('refuses 10,001 recipients naming `to`, and takes 10,000', async () => {
    const before = await provision();
    const tooMany = await t.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: { to: mobileNumbers(10_001, 100_000), text: 'Too many' } });
    expect(tooMany.statusCode, tooMany.body.slice(0, 300)).toBe(400);
    expect(json(tooMany).error).toMatchObject({ code: 'invalid_request', field: 'to', message: 'to must NOT have more than 10000 items' });
    expect(await provision()).toEqual(before);

    const res = await t.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: { to: mobileNumbers(10_000, 100_000), text: 'As many as allowed' } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(202);
    const result = json(res);
    expect(result.accepted).toHaveLength(10_000);
    expect(result.rejected).toEqual([]);
    expect(await provision()).toEqual({ availableMinor: before.availableMinor - 100_000n, heldMinor: 100_000n });
    await expectLedgerConsistent(t.db);
  }, 120_000);
});

describe('POST /v1/messages/bulk', () => {
  it('refuses the 1,000,001st recipient, on line 1,000,002, without waiting for the body to end', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    const before = await provision();
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages/bulk', headers: { ...headers, 'content-type': 'application/x-ndjson' } });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
    });
    // Streamed 10,000 lines at a time, and never ended: only a server that
    // reads as the lines come can answer. Nothing follows the 1,000,001st, so
    // the server has read all there is when it closes (no reset to lose the answer).
    req.write('{"text":"To a million and one"}\n');
    const chunk = Buffer.from('"+32475200000"\n'.repeat(10_000));
    for (let lines = 0; lines < 1_000_000; lines += 10_000) if (!req.write(chunk)) await once(req, 'drain');
    req.write('"+32475200001"\n');
    const giveUp = new AbortController();
    const { status, body } = await Promise.race([
      answer,
      sleep(60_000, { status: 0, body: 'no answer 60 s after the 1,000,001st recipient' }, { signal: giveUp.signal }),
    ]).finally(() => giveUp.abort());
    req.destroy();

    expect(status, body).toBe(400);
    expect(JSON.parse(body).error).toMatchObject({ code: 'invalid_request', field: 'line 1000002', message: 'more than 1000000 recipients' });
    expect(await provision()).toEqual(before);
  }, 120_000);
});
