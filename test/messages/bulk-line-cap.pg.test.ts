import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner, type TestUser } from '../helpers/factories.js';
import { fund } from '../helpers/sms-world.js';

/**
 * A line of the bulk endpoint is capped while it streams in: a 200 MB line
 * without a newline is refused once its first few tens of KB have arrived,
 * not after the whole of it was joined in memory (Herald grew by 420 MB).
 * Over a real socket, so that the body truly streams.
 */
let t: TestApp;
let owner: TestUser;
let headers: Record<string, string>;
let port: number;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Long Line Co');
  headers = { ...(await createKey(t.app, owner, ['messages:write'])).caller.headers, 'content-type': 'application/x-ndjson' };
  await fund(t, owner.accountId, 1_000_000n);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(() => t.close());

const TOTAL = 200 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x78);

/** Streams `head` and then `x` without end; stops writing when the answer comes, and says how much was sent by then. */
async function upload(head: string): Promise<{ status: number; body: string; sentBeforeAnswer: number }> {
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages/bulk', headers });
  let answered = false;
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    // The server closes the connection after its answer; writes after that fail, which is no error here.
    req.on('error', (error) => !answered && reject(error));
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('close', () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
  const responded = once(req, 'response').catch(() => undefined);
  req.write(head);
  let sent = 0;
  while (sent < TOTAL && !answered) {
    sent += CHUNK.length;
    if (!req.write(CHUNK)) await Promise.race([once(req, 'drain').catch(() => undefined), responded]);
  }
  const sentBeforeAnswer = sent;
  const { status, body } = await answer;
  req.destroy();
  return { status, body, sentBeforeAnswer };
}

describe('bulk line cap', () => {
  it('refuses a 200 MB line without a newline while it is still arriving, naming the line', async () => {
    const before = await ledger.getBalances(t.db, owner.accountId);
    const { status, body, sentBeforeAnswer } = await upload('{"text":"Hello"}\n"+32475330001"\n');
    expect(status, body).toBe(400);
    expect(json({ body } as never).error).toMatchObject({ code: 'invalid_request', field: 'line 3' });
    // Answered long before the upload could end: the line was never waited for, let alone kept whole.
    expect(sentBeforeAnswer).toBeLessThan(TOTAL / 4);
    expect(await ledger.getBalances(t.db, owner.accountId)).toEqual(before);
  }, 120_000);

  it('cuts off a client that goes on sending after the answer, instead of leaving it hanging', async () => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages/bulk', headers });
    const statuses: number[] = [];
    req.on('response', (res) => {
      statuses.push(res.statusCode ?? 0);
      res.resume();
    });
    req.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => req.once('close', () => resolve()));
    let cut = false;
    void closed.then(() => (cut = true));
    req.write('{"text":"Hello"}\n');
    let sent = 0;
    // Writes on regardless of the answer, as a client that does not read it would.
    while (!cut && sent < TOTAL) {
      sent += CHUNK.length;
      if (!req.write(CHUNK)) await Promise.race([once(req, 'drain').catch(() => undefined), closed]);
    }
    expect(sent).toBeLessThan(TOTAL / 4);
    expect(statuses.every((s) => s === 400)).toBe(true);
  });

  it('still answers on the same server afterwards, and takes a body of ordinary lines', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/messages/bulk', headers, payload: '{"text":"Hello"}\n"+32475330002"\n{"to":"+32475330003"}' });
    expect(res.statusCode, res.body).toBe(202);
    expect(json(res).accepted).toHaveLength(2);
  });
});
