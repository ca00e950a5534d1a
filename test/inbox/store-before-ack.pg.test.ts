import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorPool } from '../../src/connector-pool.js';
import * as routing from '../../src/modules/routing/index.js';
import { openDatabase, sql, type DatabaseHandle } from '../../src/platform/db/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { startSmscSimulator, type SmscSimulator } from '../../src/simulators/smsc/index.js';
import { proxyDatabase, waitUntil, type TcpProxy } from '../helpers/fault-kit.js';
import { insertAccount } from '../helpers/ledger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { addDedicated, assembleAll, inboxRows } from './inbox-kit.js';

// The connector pool reaches PostgreSQL through a TCP proxy the test cuts:
// a reply that cannot be stored must not be acknowledged, so the SMS centre
// keeps it and sends it again once the database is back.
let database: TestDatabase;
let proxy: TcpProxy;
let proxied: DatabaseHandle;
let simulator: SmscSimulator;
let pool: ConnectorPool;

beforeAll(async () => {
  database = await createTestDatabase();
  const through = await proxyDatabase(database.url);
  proxy = through.proxy;
  proxied = openDatabase(through.url, { poolSize: 2 });
  simulator = await startSmscSimulator({ port: 0, deliverRetryDelayMs: 100, deliverAttempts: 100 });
  await routing.ensureDefaultConnector(database.db, {
    id: 'sim', provider: 'sms-smpp',
    config: { host: '127.0.0.1', port: simulator.port, systemId: 'herald', password: 'pw', binds: 1, window: 10, ratePerSecond: 0, responseTimeoutMs: 2000 },
  });
  pool = new ConnectorPool(proxied.db, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  await pool.refresh();
});
afterAll(async () => {
  await pool?.stop();
  await simulator?.close();
  await proxied?.close();
  await proxy?.close();
  await database?.drop();
});

const stored = async (sender: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from sms_inbound where sender = ${sender}`.execute(database.db)).rows[0]!.n;

describe('a reply while PostgreSQL is unreachable', () => {
  it('is answered 0x64, sent again by the centre, and filed once after recovery', async () => {
    const accountId = await insertAccount(database.db);
    await addDedicated(database.db, '+3225550400', accountId);
    const from = '+32475000401';

    await proxy.cut();
    expect(await simulator.sendMo({ from, to: '+3225550400', text: 'Are you open on Sunday?' })).toBe(0x64);
    expect(await stored(from)).toBe(0);
    await proxy.restore();

    // The centre's next attempt is taken; the one after it never comes.
    await waitUntil(async () => (await stored(from)) > 0, 10_000, 'the redelivered reply');
    await assembleAll(database.db);
    expect(await stored(from)).toBe(1);
    expect(await inboxRows(database.db, { sender: from })).toMatchObject([{ account_id: accountId, body: 'Are you open on Sunday?' }]);
  });
});
