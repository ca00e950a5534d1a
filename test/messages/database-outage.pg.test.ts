import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { openDatabase, sql, type DatabaseHandle } from '../../src/platform/db/index.js';
import { json, PUBLIC_URL } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { proxyDatabase, topUp, type TcpProxy } from '../helpers/fault-kit.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

// The app's pool reaches PostgreSQL through a TCP proxy in this process that
// the test cuts and restores: the database goes away and comes back while the
// app keeps running. Rows are checked over a direct connection.

let database: TestDatabase;
let proxy: TcpProxy;
let proxiedUrl: string;
let main: { handle: DatabaseHandle; app: FastifyInstance };
let headers: Record<string, string>;

/** The app on a pool of its own, through the proxy. */
async function openApp() {
  const handle = openDatabase(proxiedUrl, { poolSize: 3 });
  const app = await buildApp({
    db: handle.db, publicUrl: PUBLIC_URL, sessionHours: 1, secureCookies: false, defaultSender: 'Herald',
    logLevel: 'silent', metrics: new Registry(), version: 'test',
  });
  await app.ready();
  return { handle, app, close: async () => (await app.close(), await handle.close()) };
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ proxy, url: proxiedUrl } = await proxyDatabase(database.url));
  main = await openApp();
  const owner = await createOwner(main.app, database.db, 'Outage Co');
  headers = (await createKey(main.app, owner, ['messages:read', 'messages:write'])).caller.headers;
  await topUp(database.db, owner.accountId, 100_000n);
});
afterAll(async () => {
  await main?.app.close();
  await main?.handle.close();
  await proxy?.close();
  await database?.drop();
});

let n = 0;
const nextNumber = () => `+324757${String(++n).padStart(5, '0')}`;
const sendVia = (app: FastifyInstance, to = nextNumber(), extra: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/messages', headers: { ...headers, ...extra }, payload: { to: [to], text: 'Are you there?' } });
const messageCount = async () => Number((await sql<{ n: string }>`select count(*) as n from messages`.execute(database.db)).rows[0]!.n);
const countTo = async (to: string) => Number((await sql<{ n: string }>`select count(*) as n from messages where recipient = ${to}`.execute(database.db)).rows[0]!.n);

describe('PostgreSQL unreachable for a while', () => {
  it('answers 503 while it is away, commits nothing, and sends again once it is back without a restart', async () => {
    expect((await sendVia(main.app)).statusCode).toBe(202);
    const before = await messageCount();

    await proxy.cut();
    const during = [];
    for (let i = 0; i < 3; i++) during.push(await sendVia(main.app));
    const readyDuring = (await main.app.inject({ method: 'GET', url: '/readyz' })).statusCode;
    console.log(`outage: answers ${during.map((r) => r.statusCode).join(', ')}; readyz ${readyDuring}`);
    for (const r of during) {
      expect(r.statusCode).toBe(503);
      expect(json(r).error.code).toBe('unavailable');
      expect(r.headers['retry-after']).toBe('5');
    }
    expect(readyDuring).toBe(503);
    expect(await messageCount()).toBe(before);

    await proxy.restore();
    const after = await sendVia(main.app);
    expect(after.statusCode, after.body).toBe(202);
    expect(await countTo(json(after).accepted[0].to)).toBe(1);
    expect((await main.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await expectLedgerConsistent(database.db);
  });

  it('never answers 2xx for a send whose COMMIT was lost, and a retry with its key sends it exactly once', async () => {
    const guarded = await openApp();
    try {
      // Dropped before the server saw COMMIT: rolled back.
      let to = nextNumber();
      proxy.dropAtCommit('messages', 'before');
      const rolledBack = await sendVia(guarded.app, to, { 'idempotency-key': 'lost-before' });
      expect(rolledBack.statusCode, rolledBack.body).toBeGreaterThanOrEqual(500);
      expect(await countTo(to)).toBe(0);
      const retried = await sendVia(guarded.app, to, { 'idempotency-key': 'lost-before' });
      expect(retried.statusCode, retried.body).toBe(202);
      expect(await countTo(to)).toBe(1);

      // Committed, the answer lost: the app cannot know, so no 2xx; the retry replays it.
      to = nextNumber();
      proxy.dropAtCommit('messages', 'after');
      const lost = await sendVia(guarded.app, to, { 'idempotency-key': 'lost-after' });
      expect(lost.statusCode, lost.body).toBeGreaterThanOrEqual(500);
      expect(await countTo(to)).toBe(1);
      const replayed = await sendVia(guarded.app, to, { 'idempotency-key': 'lost-after' });
      console.log(`lost COMMIT: answered ${rolledBack.statusCode} (rolled back) and ${lost.statusCode} (committed); ` +
        `retries ${retried.statusCode} and ${replayed.statusCode} replayed=${replayed.headers['idempotent-replayed'] ?? 'no'}`);
      expect(replayed.statusCode, replayed.body).toBe(202);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(await countTo(to)).toBe(1);
      await expectLedgerConsistent(database.db);
    } finally {
      await guarded.close();
    }
  });

  // A connection lost inside the transaction makes the ROLLBACK fail with pg's "not queryable",
  // which must still read as the database being away; a client that dies while checked out
  // must not crash the process (it has an 'error' listener of its own).
  it('answers 503 and keeps running when the line drops at COMMIT or under an idle client', async () => {
    // An idle connection dies and the next request takes it at once.
    expect((await sendVia(main.app)).statusCode).toBe(202);
    await proxy.cut();
    expect((await sendVia(main.app)).statusCode).toBe(503);
    await proxy.restore();

    let to = nextNumber();
    proxy.dropAtCommit('messages', 'before');
    const rolledBack = await sendVia(main.app, to, { 'idempotency-key': 'drop-before' });
    expect(rolledBack.statusCode, rolledBack.body).toBe(503);
    expect(await countTo(to)).toBe(0);
    expect((await sendVia(main.app, to, { 'idempotency-key': 'drop-before' })).statusCode).toBe(202);

    to = nextNumber();
    proxy.dropAtCommit('messages', 'after');
    const lost = await sendVia(main.app, to, { 'idempotency-key': 'drop-after' });
    expect(lost.statusCode, lost.body).toBe(503);
    expect(await countTo(to)).toBe(1);
    const replayed = await sendVia(main.app, to, { 'idempotency-key': 'drop-after' });
    expect(replayed.statusCode).toBe(202);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(await countTo(to)).toBe(1);
  });
});
