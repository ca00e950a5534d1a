import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../src/modules/ledger/index.js';
import { sql } from '../src/platform/db/index.js';
import { SMSC_SIM_USAGE } from '../src/simulators/smsc/cli.js';
import { SmscTestClient } from '../src/simulators/smsc/smsc-test-client.js';
import { buildHerald, freePort, herald, spawnHerald } from './helpers/process.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js';

// The operator commands of the README's `herald` table, run as a person runs
// them: bin/herald.js as a child process against a database of its own. Each
// run starts Node and opens the database, seconds apiece on a busy machine.

let database: TestDatabase;
let env: Record<string, string>;
let accountId: string;
beforeAll(async () => {
  await buildHerald();
  database = await createTestDatabase();
  env = { DATABASE_URL: database.url };
  const created = await herald(['create-account', '--name', 'Ops Co', '--email', 'ops@example.org'], env);
  expect(created.code, created.stderr).toBe(0);
  accountId = /account (acct_\w+) created/.exec(created.stdout)![1]!;
}, 120_000);
afterAll(() => database.drop());

const provision = async () => (await ledger.getBalances(database.db, accountId)).provision;

describe('herald credit', () => {
  it('tops up once per idempotency key, and refuses a bad amount or an unknown account', async () => {
    const first = await herald(['credit', 'top-up', '--account', accountId, '--amount', '10000', '--idempotency-key', 'order-1'], env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^top-up \S+: provision now 10000\n$/);
    const again = await herald(['credit', 'top-up', '--account', accountId, '--amount', '10000', '--idempotency-key', 'order-1'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^top-up \S+ \(already made with this key\): provision now 10000\n$/);
    expect(await provision()).toEqual({ availableMinor: 10_000n, heldMinor: 0n });

    for (const amount of ['0', '12.5']) {
      const bad = await herald(['credit', 'top-up', '--account', accountId, '--amount', amount], env);
      expect(bad.code, amount).toBe(1);
      expect(bad.stderr, amount).toBe('herald: --amount: must be a whole number of at least 1\n');
    }
    const unknown = await herald(['credit', 'top-up', '--account', 'acct_nobody', '--amount', '5'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^herald: .*not found\n$/);
    expect(await provision()).toEqual({ availableMinor: 10_000n, heldMinor: 0n });
  }, 120_000);

  it('sets the SMS included each month', async () => {
    const res = await herald(['credit', 'plan', '--account', accountId, '--monthly-quota', '100'], env);
    expect(res).toMatchObject({ code: 0, stdout: 'plan set\n' });
    expect((await ledger.getBalances(database.db, accountId)).quota).toMatchObject({ monthly: 100, remaining: 100 });
    const bad = await herald(['credit', 'plan', '--account', accountId, '--monthly-quota', '-1'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('herald: --monthly-quota: must be a whole number of at least 0\n');
  }, 120_000);
});

describe('herald ledger verify', () => {
  it('exits 0 on a sound ledger and 2, naming the problem, on a broken one', async () => {
    expect(await herald(['ledger', 'verify'], env)).toMatchObject({ code: 0, stdout: 'ledger ok\n' });
    // A balance that no longer equals its entries (as a hand edit or a lost write would leave it).
    const bump = (by: number) => sql`update ledger_balances set balance = balance + ${by} where wallet_account_id = ${accountId} and bucket = 'provision'`.execute(database.db);
    await bump(7);
    try {
      const broken = await herald(['ledger', 'verify'], env);
      expect(broken.code).toBe(2);
      expect(broken.stdout).toMatch(/^problem: /m);
      expect(broken.stdout).toContain(accountId);
      expect(broken.stdout).not.toContain('ledger ok');
    } finally {
      await bump(-7);
    }
    expect(await herald(['ledger', 'verify'], env)).toMatchObject({ code: 0, stdout: 'ledger ok\n' });
  }, 120_000);
});

describe('herald connector', () => {
  it('sets, lists and removes a connector with its routes', async () => {
    const set = await herald(['connector', 'set', 'centre-a', 'smpp://herald:s%40cret@127.0.0.1:2776?binds=2&window=10', '--route', '+32', '+31'], env);
    expect(set).toMatchObject({ code: 0, stdout: 'connector centre-a saved; workers pick it up within 10 s\n' });
    const listed = await herald(['connector', 'list'], env);
    expect(listed.stdout.split('\n')).toEqual(expect.arrayContaining([
      'centre-a  sms-smpp  enabled  127.0.0.1:2776', 'route +32 → centre-a (priority 0)', 'route +31 → centre-a (priority 0)',
    ]));
    const [row] = (await sql<{ config: object }>`select config from sms_connectors where id = 'centre-a'`.execute(database.db)).rows;
    expect(row!.config).toMatchObject({ host: '127.0.0.1', port: 2776, systemId: 'herald', password: 's@cret', binds: 2, window: 10 });

    const notSmpp = await herald(['connector', 'set', 'centre-b', 'http://127.0.0.1:2775'], env);
    expect(notSmpp.code).toBe(1);
    expect(notSmpp.stderr).toBe('herald: smpp-url: must start with smpp://\n');
    const malformed = await herald(['connector', 'set', 'centre-b', 'smpp://herald:pw@[nope'], env);
    expect(malformed).toMatchObject({ code: 1, stderr: 'herald: smpp-url: is not a valid URL\n' });

    expect(await herald(['connector', 'remove', 'centre-a'], env)).toMatchObject({ code: 0, stdout: 'connector centre-a removed\n' });
    expect((await herald(['connector', 'list'], env)).stdout).not.toContain('centre-a');
    const again = await herald(['connector', 'remove', 'centre-a'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('herald: Connector not found\n');
  }, 120_000);
});

describe('herald smsc-sim', () => {
  it('listens where it says, takes a bind, answers a submit, sends its receipt, and stops on SIGTERM', async () => {
    const sim = spawnHerald(['smsc-sim', '--port', '0', '--system-id', 'herald', '--password', 'secret', '--receipt-delay-ms', '10'], {});
    let client: SmscTestClient | undefined;
    try {
      const [, port] = await sim.waitFor(/SMSC simulator listening on 127\.0\.0\.1:(\d+)/);
      client = await SmscTestClient.connect(Number(port));
      expect((await client.bind('transceiver', 'herald', 'wrong')).command_status).toBe(0x0e);
      expect((await client.bind('transceiver', 'herald', 'secret')).command_status).toBe(0);
      const resp = await client.submit({ short_message: Buffer.from('Hello from the CLI') });
      expect(resp.command_status).toBe(0);
      const [receipt] = await client.waitFor('deliver_sm');
      expect(String((receipt!.short_message as { message?: unknown }).message)).toContain(`id:${resp.message_id as string}`);
      expect(String((receipt!.short_message as { message?: unknown }).message)).toContain('stat:DELIVRD');
      expect(await sim.stop('SIGTERM')).toBe(0);
      await client.closed;
    } finally {
      await client?.close();
      await sim.stop('SIGKILL');
    }
  }, 120_000);

  it('refuses an unknown option with its usage', async () => {
    const res = await herald(['smsc-sim', '--prot', '2775'], {});
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`herald: unknown option --prot\n${SMSC_SIM_USAGE}\n`);
  }, 120_000);
});

describe('HERALD_METRICS_TOKEN', () => {
  const TOKEN = 'a-scrape-token-of-some-length';
  async function api(extra: Record<string, string>) {
    const port = await freePort();
    const h = spawnHerald(['api'], { ...env, HERALD_PORT: String(port), HERALD_LOG_LEVEL: 'info', ...extra });
    await h.waitFor(/Herald is running/);
    const metrics = (authorization?: string) => fetch(`http://127.0.0.1:${port}/metrics`, { headers: authorization ? { authorization } : {} });
    return { h, metrics };
  }

  it('when set, /metrics answers only `Authorization: Bearer <token>`', async () => {
    const { h, metrics } = await api({ HERALD_METRICS_TOKEN: TOKEN });
    try {
      for (const wrong of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Basic ${TOKEN}`]) {
        const res = await metrics(wrong);
        expect(res.status, String(wrong)).toBe(401);
        expect(res.headers.get('www-authenticate'), String(wrong)).toMatch(/^Bearer/);
        expect((await res.json() as { error: { code: string } }).error.code, String(wrong)).toBe('unauthenticated');
      }
      const res = await metrics(`Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('herald_http_request_duration_seconds');
    } finally {
      expect(await h.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);

  it('when unset, /metrics is open', async () => {
    const { h, metrics } = await api({});
    try {
      const res = await metrics();
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('herald_sms_queue_due_parts');
    } finally {
      expect(await h.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);

  it('stops Herald at start, naming it, when it is too short to be a secret', async () => {
    const res = await herald(['api'], { ...env, HERALD_PORT: String(await freePort()), HERALD_METRICS_TOKEN: 'short' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/HERALD_METRICS_TOKEN: /);
  }, 120_000);
});
