import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, requester, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';
import { fund } from '../helpers/sms-world.js';

// A 2,000-character message is 14 parts; an account allows 10 by default
// (sms_max_parts). The refusal names the text, both counts, and a code a client translates.
let t: TestApp;
let owner: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Long Co');
  await fund(t, owner.accountId, 1_000_000n);
});
afterAll(() => t.close());

const call = requester(() => t);

describe('a message longer than the account allows', () => {
  it('is refused on send with the field text, the reason too_many_parts, and both counts', async () => {
    const res = await call(owner.caller, 'POST', '/v1/messages', { to: ['+32475400088'], text: 'x'.repeat(2000) });
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res).error).toMatchObject({ code: 'invalid_request', field: 'text', reason: 'too_many_parts', message: expect.stringMatching(/14 SMS parts; the limit is 10/) });
  });

  it('is flagged by the preview with the counts the composer shows', async () => {
    const res = await call(owner.caller, 'POST', '/v1/messages/preview', { text: 'x'.repeat(2000) });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({ parts: 14, max_parts: 10, problem: { code: 'too_many_parts' } });
  });
});
