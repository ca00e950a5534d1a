import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accounts from '../../src/modules/accounts/index.js';
import { sql } from '../../src/platform/db/index.js';
import { PUBLIC_URL } from '../helpers/app.js';
import { PASSWORD, uniqueEmail } from '../helpers/factories.js';
import { waitUntil } from '../helpers/fault-kit.js';
import { buildHerald, freePort, spawnHerald, type Running } from '../helpers/process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

// What the settings README promises of a real `herald` process, seen over real
// HTTP: HERALD_PUBLIC_URL decides the Secure cookie, HERALD_TRUST_PROXY whether
// X-Forwarded-For names the client, and SIGTERM lets requests under way finish.

const databases: TestDatabase[] = [];
const running: Running[] = [];
beforeAll(async () => {
  await buildHerald();
}, 120_000);
afterAll(async () => {
  for (const r of running) await r.stop('SIGKILL');
  for (const d of databases) await d.drop();
});

interface Answer { status: number; headers: IncomingMessage['headers']; body: string }

/** One request on a connection of its own (no keep-alive pool to outlive the test). */
function call(port: number, method: string, path: string, options: { body?: object; headers?: Record<string, string> } = {}): Promise<Answer> {
  const payload = options.body ? JSON.stringify(options.body) : undefined;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { ...(payload && { 'content-type': 'application/json' }), ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** `herald <command>` on a database of its own, listening on a free port. */
async function startProcess(command: 'api' | 'start', env: Record<string, string>) {
  const database = await createTestDatabase();
  databases.push(database);
  const port = await freePort();
  const child = spawnHerald([command], {
    DATABASE_URL: database.url,
    HERALD_PORT: String(port),
    HERALD_LOG_LEVEL: 'info',
    HERALD_SECRET_KEY: 'a key for the webhook secrets of this test, 32+ chars',
    HERALD_SMSC_SIMULATOR: 'off',
    ...env,
  });
  running.push(child);
  await child.waitFor(/Herald is running/);
  return { database, port, child };
}

/** A new owner whose password is set over HTTP; returns the cookies of both session answers. */
async function sessionCookies(database: TestDatabase, port: number): Promise<string[]> {
  const email = uniqueEmail('owner');
  const { link } = await accounts.createAccount(database.db, { name: 'Cookie Co', ownerEmail: email }, PUBLIC_URL);
  const token = new URL(link).hash.replace('#token=', '');
  const activated = await call(port, 'POST', '/v1/auth/reset-password', { body: { token, password: PASSWORD } });
  const signedIn = await call(port, 'POST', '/v1/auth/sign-in', { body: { email, password: PASSWORD } });
  expect([activated.status, signedIn.status]).toEqual([200, 200]);
  return [activated, signedIn].map((a) => (a.headers['set-cookie'] ?? []).find((c) => c.startsWith('herald_session='))!);
}

const attributes = (cookie: string) => cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());

/** The address the request log gave the request with this id. */
async function loggedAddress(child: Running, requestId: string): Promise<string> {
  const line = await child.waitFor(new RegExp(`^.*"reqId":"${requestId}".*"msg":"incoming request".*$`, 'm'));
  return (JSON.parse(line[0]) as { req: { remoteAddress: string } }).req.remoteAddress;
}

const forgot = (port: number, forwardedFor?: string) =>
  call(port, 'POST', '/v1/auth/forgot-password', { body: { email: uniqueEmail('someone') }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });

describe('HERALD_PUBLIC_URL and HERALD_TRUST_PROXY in a running herald', () => {
  it('behind an https public URL and a trusted proxy: Secure session cookies, the client from X-Forwarded-For', async () => {
    const { database, port, child } = await startProcess('api', { HERALD_PUBLIC_URL: 'https://herald.example.org', HERALD_TRUST_PROXY: 'true' });
    for (const cookie of await sessionCookies(database, port)) {
      expect(attributes(cookie)).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax']));
    }

    await call(port, 'GET', '/healthz', { headers: { 'x-forwarded-for': '203.0.113.7', 'x-request-id': 'req_via_proxy' } });
    expect(await loggedAddress(child, 'req_via_proxy')).toBe('203.0.113.7');

    // The per-client limit of forgot-password (10 an hour) counts each forwarded client apart.
    const one = [];
    for (let i = 0; i < 11; i++) one.push((await forgot(port, '203.0.113.8')).status);
    expect(one).toEqual([...Array(10).fill(202), 429]);
    expect((await forgot(port, '203.0.113.9')).status).toBe(202);
  }, 60_000);

  it('behind an http public URL and no trusted proxy (the default): cookies without Secure, X-Forwarded-For ignored', async () => {
    const { database, port, child } = await startProcess('api', { HERALD_PUBLIC_URL: 'http://herald.example.org' });
    for (const cookie of await sessionCookies(database, port)) {
      expect(attributes(cookie)).toContain('httponly');
      expect(attributes(cookie)).not.toContain('secure');
    }

    await call(port, 'GET', '/healthz', { headers: { 'x-forwarded-for': '203.0.113.7', 'x-request-id': 'req_not_proxied' } });
    expect(await loggedAddress(child, 'req_not_proxied')).toBe('127.0.0.1');

    // Each request claims another client, yet all come from 127.0.0.1 and share its limit.
    const claims = [];
    for (let i = 0; i < 11; i++) claims.push((await forgot(port, `203.0.113.${20 + i}`)).status);
    expect(claims).toEqual([...Array(10).fill(202), 429]);
  }, 60_000);
});

describe('SIGTERM', () => {
  it('lets an upload under way finish with its normal answer, refuses new connections, and exits 0', async () => {
    const { database, port, child } = await startProcess('start', {});
    const [cookie] = await sessionCookies(database, port);
    const session = cookie!.split(';')[0]!;
    const csrf = JSON.parse((await call(port, 'GET', '/v1/auth/session', { headers: { cookie: session } })).body).csrf_token as string;

    // A CSV import sent in two halves: the process gets its signal between them.
    const rows = Array.from({ length: 2_000 }, (_, i) => `Person ${i},+3247599${String(i).padStart(4, '0')}`);
    const upload = request({
      host: '127.0.0.1', port, method: 'POST', path: '/v1/contact-imports', agent: false,
      headers: { 'content-type': 'text/csv', cookie: session, 'x-csrf-token': csrf, 'x-request-id': 'req_slow_upload', 'transfer-encoding': 'chunked' },
    });
    const answered = new Promise<Answer>((resolve, reject) => {
      upload.on('error', reject);
      upload.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
    });
    // Failing early must not leave this rejection unhandled.
    answered.catch(() => undefined);
    upload.write(`name,mobile\n${rows.slice(0, 1_000).join('\n')}\n`);
    await child.waitFor(/"reqId":"req_slow_upload".*"msg":"incoming request"/);

    child.child.kill('SIGTERM');
    await child.waitFor(/"msg":"shutting down"/);
    await waitUntil(() => refusesConnections(port), 10_000, 'the listener to close', 20);
    expect(child.child.exitCode).toBeNull();

    upload.end(`${rows.slice(1_000).join('\n')}\n`);
    const answer = await answered;
    expect(answer.status, answer.body).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ status: expect.any(String), preview: expect.any(Object) });
    expect(await child.stop()).toBe(0);
    const stored = await sql<{ n: string }>`select count(*) as n from contact_imports`.execute(database.db);
    expect(Number(stored.rows[0]!.n)).toBe(1);
  }, 60_000);
});

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
