import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as inbox from '../../src/modules/inbox/index.js';
import * as mail from '../../src/modules/mail/index.js';
import * as webhooks from '../../src/modules/webhooks/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';
import { setupOperator } from '../helpers/operator.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { startSmsWorld } from '../helpers/sms-world.js';
import { addDedicated, addPool, assembleAll, deliveriesOf, gsm, headerLines, inboxRows, sendParts, startReceiver, ucs2 } from './inbox-kit.js';

// Replies travel the real way: the simulator sends deliver_sm PDUs over TCP,
// the connector pool stores them, the assembly loop files them; forwards go
// out through a real SMTP server and a real HTTP receiver.
let t: TestApp;
let world: Awaited<ReturnType<typeof startSmsWorld>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let a: TestUser;
let b: TestUser;
let operator: TestUser;

const POOL = '+3225550199';
const A_NUMBER = '+3225550100';
const [R1, R2, R3] = ['+32475000001', '+32475000002', '+32475000003'];
const LOOPBACK = { policy: { allowHosts: ['127.0.0.1'] } };
const RULE_EMAIL = 'replies@example.org';

beforeAll(async () => {
  t = await createTestApp();
  world = await startSmsWorld(t);
  smtp = await startSmtpServer();
  receiver = await startReceiver();
  a = await createOwner(t.app, t.db, 'Replies A');
  b = await createOwner(t.app, t.db, 'Replies B');
  operator = await setupOperator(t);
  await addDedicated(t.db, A_NUMBER, a.accountId);
  await addPool(t.db, POOL, [[R1, a.accountId], [R2, b.accountId]]);
  const rule = await t.app.inject({ method: 'POST', url: '/v1/inbox/forwarding-rules', ...a.caller, payload: { kind: 'email', target: RULE_EMAIL } });
  expect(rule.statusCode, rule.body).toBe(201);
  await inbox.createForwardingRule(t.db, a.accountId, { kind: 'http', target: receiver.url('/hook') }, LOOPBACK);
});
afterAll(async () => {
  await world?.close();
  await smtp?.close();
  await receiver?.close();
  await t?.close();
});

async function deliverEmails() {
  const transport = mail.createSmtpTransport(smtp.url, 'Herald <herald@localhost>');
  try {
    while ((await mail.deliverDueEmails(t.db, transport, { domain: 'herald.test' })) > 0);
  } finally {
    transport.close();
  }
}
const emailsFrom = (sender: string) => smtp.received.filter((m) => headerLines(m.raw).includes(`Subject: SMS from ${sender}`));
const pendingParts = async (sender: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from sms_inbound where sender = ${sender} and processed_at is null`.execute(t.db)).rows[0]!.n;
const inboxOf = async (user: TestUser) => json((await t.app.inject({ method: 'GET', url: '/v1/inbox', ...user.caller }))).data as { from: string; to: string; text: string }[];

describe('routing a reply to its account', () => {
  it('sends replies to a shared pool number to the account paired with each sender; the unpaired one to the administrator', async () => {
    expect(await world.simulator.sendMo({ from: R1, to: POOL, text: 'Yes for A' })).toBe(0);
    expect(await world.simulator.sendMo({ from: R2, to: POOL, text: 'Yes for B' })).toBe(0);
    expect(await world.simulator.sendMo({ from: R3, to: POOL, text: 'Who is this?' })).toBe(0);
    await assembleAll(t.db);

    expect((await inboxOf(a)).filter((m) => m.to === POOL)).toMatchObject([{ from: R1, text: 'Yes for A' }]);
    expect((await inboxOf(b)).map((m) => [m.from, m.text])).toEqual([[R2, 'Yes for B']]);
    const unroutable = await t.app.inject({ method: 'GET', url: '/v1/admin/inbox/unroutable', ...operator.caller });
    expect(unroutable.statusCode, unroutable.body).toBe(200);
    expect(json(unroutable).data).toMatchObject([{ from: R3, to: POOL, text: 'Who is this?', connector_id: 'sim' }]);
    expect((await t.app.inject({ method: 'GET', url: '/v1/admin/inbox/unroutable', ...a.caller })).statusCode).toBe(403);
  });
});

describe('long replies', () => {
  it('joins 3 parts arriving 3, 1, 2 with copies (8-bit reference, GSM 7-bit), files and forwards it once', async () => {
    const from = '+32475000011';
    const chunks = ['Thanks for the reminder. I will be there at ', 'ten past nine, maybe a bit later because of ', 'the roadworks (sorry!)'].map(gsm);
    await sendParts(world.simulator, { from, to: A_NUMBER, bits: 8, reference: 0xa7, chunks, dataCoding: 0, order: [3, 1, 1, 2] });
    await assembleAll(t.db);
    // The centre sends part 2 again after the message was filed: recognised, nothing new, not even once its group would flush.
    await sendParts(world.simulator, { from, to: A_NUMBER, bits: 8, reference: 0xa7, chunks, dataCoding: 0, order: [2] });
    await assembleAll(t.db);
    await assembleAll(t.db, { now: new Date(Date.now() + 11 * 60_000) });

    const text = 'Thanks for the reminder. I will be there at ten past nine, maybe a bit later because of the roadworks (sorry!)';
    expect(await inboxRows(t.db, { sender: from })).toMatchObject([{ account_id: a.accountId, body: text, parts: 3, incomplete: false }]);
    expect(await pendingParts(from)).toBe(0);
    await deliverEmails();
    const emails = emailsFrom(from);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.to).toEqual([RULE_EMAIL]);
    const forwards = (await deliveriesOf(t.db, a.accountId)).filter((d) => d.data.from === from);
    expect(forwards).toMatchObject([{ url: receiver.url('/hook'), type: 'inbound.received', endpoint_id: null, data: { text, parts: 3, to: A_NUMBER } }]);
    while ((await webhooks.deliverDueWebhooks(t.db, LOOPBACK)) > 0);
    expect(receiver.received.map((r) => JSON.parse(r.body)).filter((e) => e.data.from === from)).toMatchObject([{ type: 'inbound.received', data: { text } }]);
  });

  it('joins UCS-2 parts with a 16-bit reference, kept apart from an 8-bit one with the same number', async () => {
    const from = '+32475000012';
    const chunks = ['Привет! Это первая часть, ', 'вторая 😀 часть, ', 'и конец.'].map(ucs2);
    const other = ['Same reference, ', 'other header'].map(gsm);
    await sendParts(world.simulator, { from, to: A_NUMBER, bits: 16, reference: 0x0107, chunks, dataCoding: 8, order: [2] });
    await sendParts(world.simulator, { from, to: A_NUMBER, bits: 8, reference: 0x07, chunks: other, dataCoding: 0, order: [2] });
    await sendParts(world.simulator, { from, to: A_NUMBER, bits: 16, reference: 0x0107, chunks, dataCoding: 8, order: [3, 1, 3] });
    await sendParts(world.simulator, { from, to: A_NUMBER, bits: 16, reference: 0x0007, chunks: other, dataCoding: 0, order: [1, 2] });
    await sendParts(world.simulator, { from, to: A_NUMBER, bits: 8, reference: 0x07, chunks: other, dataCoding: 0, order: [1] });
    await assembleAll(t.db);

    const rows = await inboxRows(t.db, { sender: from });
    expect(rows.map((r) => r.body).sort()).toEqual(['Same reference, other header', 'Same reference, other header', 'Привет! Это первая часть, вторая 😀 часть, и конец.']);
    expect(rows.every((r) => !r.incomplete && r.account_id === a.accountId)).toBe(true);

    await deliverEmails();
    expect(emailsFrom(from)).toHaveLength(3);
    // Each filed reply is delivered once to the rule's URL, signed, with the exact text.
    while ((await webhooks.deliverDueWebhooks(t.db, LOOPBACK)) > 0);
    const got = receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: { from: string; text: string } }).filter((e) => e.data.from === from);
    expect(got.map((e) => e.data.text).sort()).toEqual(rows.map((r) => r.body).sort());
    expect(got.every((e) => e.type === 'inbound.received')).toBe(true);
    expect(receiver.received.every((r) => typeof r.headers['webhook-signature'] === 'string')).toBe(true);
  });

  it('files an incomplete reply after the flush time, marking the missing part', async () => {
    const from = '+32475000013';
    const chunks = ['Part one, ', 'part two, ', 'part three.'].map(gsm);
    await sendParts(world.simulator, { from, to: A_NUMBER, bits: 8, reference: 99, chunks, dataCoding: 0, order: [3, 1] });
    await assembleAll(t.db);
    await assembleAll(t.db, { now: new Date(Date.now() + 9 * 60_000) });
    expect(await inboxRows(t.db, { sender: from })).toEqual([]);

    await assembleAll(t.db, { now: new Date(Date.now() + 11 * 60_000) });
    expect(await inboxRows(t.db, { sender: from })).toMatchObject([{ body: 'Part one,  [part 2 of 3 missing] part three.', parts: 3, incomplete: true }]);
  });

  it('files a single text sent again by the centre once', async () => {
    const from = '+32475000014';
    for (let i = 0; i < 2; i++) expect(await world.simulator.sendMo({ from, to: A_NUMBER, text: 'Ok' })).toBe(0);
    await assembleAll(t.db);
    expect(await inboxRows(t.db, { sender: from })).toHaveLength(1);
  });

  it('stores a text padded with NUL characters instead of refusing it for ever', async () => {
    const from = '+32475000015';
    expect(await world.simulator.sendMo({ from, to: A_NUMBER, shortMessage: Buffer.concat([ucs2('Padded'), Buffer.alloc(4)]), dataCoding: 0x08 })).toBe(0);
    await assembleAll(t.db);
    expect((await inboxRows(t.db, { sender: from })).map((r) => r.body)).toEqual(['Padded']);
  });
});

describe('forwarding by email', () => {
  it('keeps a hostile sender and text from adding headers, and the forward still goes out', async () => {
    const from = '+32 \r\nBcc: x@y';
    expect(await world.simulator.sendMo({ from, to: A_NUMBER, text: 'Hello\r\nBcc: evil@example.org\r\nSubject: pwned' })).toBe(0);
    await assembleAll(t.db);
    expect(await inboxRows(t.db, { sender: from })).toMatchObject([{ account_id: a.accountId, body: 'Hello\r\nBcc: evil@example.org\r\nSubject: pwned' }]);
    await deliverEmails();

    const emails = emailsFrom('+32 Bcc: x@y');
    expect(emails).toHaveLength(1);
    const email = emails[0]!;
    expect(email.to).toEqual([RULE_EMAIL]);
    const headers = headerLines(email.raw);
    expect(headers.filter((h) => /^bcc:/i.test(h))).toEqual([]);
    expect(headers.filter((h) => /^subject:/i.test(h))).toEqual(['Subject: SMS from +32 Bcc: x@y']);
    expect(headers.filter((h) => /^to:/i.test(h))).toEqual([`To: ${RULE_EMAIL}`]);
  });
});
