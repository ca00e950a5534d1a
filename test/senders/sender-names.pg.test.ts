import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, requester, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';
import { fund } from '../helpers/sms-world.js';

// A name that does not fit is refused with a reason the web app translates,
// never shortened: "AcmeBrussels" once became "AcmeBrussel" (issue 14 item 2).
let t: TestApp;
let owner: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Names Co');
  await fund(t, owner.accountId, 100_000n);
});
afterAll(() => t.close());

const call = requester(() => t);

describe('sender names', () => {
  it.each([
    ['AcmeBrussels', 'sender_too_long'],
    ['A name far longer than any SMS centre takes', 'sender_too_long'],
    ['Acme Sales!', 'sender_invalid_characters'],
    ['Acme-Shop', 'sender_invalid_characters'],
    ['Café', 'sender_invalid_characters'],
  ])('refuses %s as a name with the reason %s, and registers nothing', async (name, reason) => {
    const res = await call(owner.caller, 'POST', '/v1/senders/names', { name });
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res).error).toMatchObject({ code: 'invalid_request', field: 'name', reason });
    const list = json(await call(owner.caller, 'GET', '/v1/senders')).data as { value: string }[];
    expect(list.map((c) => c.value)).not.toContain(name.slice(0, 11));
  });

  it('registers a name of 11 letters, digits and spaces as typed', async () => {
    const res = await call(owner.caller, 'POST', '/v1/senders/names', { name: 'Acme Sales1' });
    expect(res.statusCode, res.body).toBe(201);
    expect(json(res).value).toBe('Acme Sales1');
  });

  it.each([
    ['AcmeBrussels', 'sender_too_long'],
    ['Acme Sales!', 'sender_invalid_characters'],
  ])('refuses %s as a message sender with the reason %s', async (sender, reason) => {
    const res = await call(owner.caller, 'POST', '/v1/messages', { to: ['+32475400077'], text: 'Hello', sender });
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res).error).toMatchObject({ field: 'sender', reason });
  });

  // Names stored before the rule keep sending as they are (no silent change of
  // what recipients see); the list marks them and they cannot be registered anew.
  it('keeps a name registered before the rule working, marks it, and refuses it anew', async () => {
    // A fresh account: nothing of its senders is cached yet when the old row appears.
    const old = await createOwner(t.app, t.db, 'Old Names Co');
    await fund(t, old.accountId, 100_000n);
    await sql`insert into sender_ids (id, account_id, kind, value) values ('sid_legacyname01', ${old.accountId}, 'alphanumeric', 'Acme-Shop')`.execute(t.db);
    expect(json(await call(old.caller, 'POST', '/v1/senders/names', { name: 'Acme Sales2' })).value).toBe('Acme Sales2');
    const list = json(await call(old.caller, 'GET', '/v1/senders')).data as { value: string; meets_name_rule: boolean }[];
    expect(list.find((c) => c.value === 'Acme-Shop')).toMatchObject({ meets_name_rule: false });
    expect(list.find((c) => c.value === 'Acme Sales2')).toMatchObject({ meets_name_rule: true });
    const sent = await call(old.caller, 'POST', '/v1/messages', { to: ['+32475400078'], text: 'Hello', sender: 'Acme-Shop' });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(json(sent).accepted).toHaveLength(1);
    const again = await call(old.caller, 'POST', '/v1/senders/names', { name: 'Acme-Shop' });
    expect(json(again).error).toMatchObject({ field: 'name', reason: 'sender_invalid_characters' });
  });
});
