import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accounts from '../../src/modules/accounts/index.js';
import * as mail from '../../src/modules/mail/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createMember, createOwner, uniqueEmail, type TestUser } from '../helpers/factories.js';
import { setupOperator } from '../helpers/operator.js';
import { startSmtpServer } from '../helpers/smtp.js';

/** Reset and invitation links are one-time credentials: nothing kept may hold a working one. */
describe('one-time links in the outbox', () => {
  let t: TestApp;
  let op: TestUser;
  let tenant: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    op = await setupOperator(t);
    tenant = await createOwner(t.app, t.db, 'Tenant');
  });
  afterAll(() => t.close());

  const kept = (to: string) => t.db.selectFrom('email_outbox').selectAll().where('to_address', '=', to).orderBy('id').execute();
  const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');

  it('keeps an invitation body with its token redacted, and the admin outbox never shows it', async () => {
    const email = uniqueEmail('invitee');
    const res = await t.app.inject({ method: 'POST', url: '/v1/users', ...tenant.caller, payload: { email, role: 'member' } });
    const token = tokenOf(json(res).invitation_link);
    const [row] = await kept(email);
    expect(row!.text_body).not.toContain(token);
    expect(row!.text_body).toContain('/reset-password#token=[redacted]');
    const outbox = await t.app.inject({ method: 'GET', url: `/v1/admin/outbox?to=${encodeURIComponent(email)}`, ...op.caller });
    expect(outbox.statusCode).toBe(200);
    expect(json(outbox).data[0].text).toContain('[redacted]');
    expect(outbox.body).not.toContain(token);
  });

  it('puts the working link into the email as it leaves, then forgets it', async () => {
    const email = uniqueEmail('sent');
    const token = tokenOf(json(await t.app.inject({ method: 'POST', url: '/v1/users', ...tenant.caller, payload: { email, role: 'member' } })).invitation_link);
    const smtp = await startSmtpServer();
    const transport = mail.createSmtpTransport(smtp.url, 'herald@example.org');
    try {
      while ((await kept(email))[0]!.status === 'pending') await mail.deliverDueEmails(t.db, transport, { batch: 200 });
      const received = smtp.received.find((m) => m.to.includes(email))!;
      const decoded = received.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
      expect(decoded).toContain(`#token=${token}`);
      const [row] = await kept(email);
      expect(row).toMatchObject({ status: 'sent', secret: null, secret_hash: null });
      expect(JSON.stringify(row)).not.toContain(token);
    } finally {
      transport.close();
      await smtp.close();
    }
  });

  it('forgets a waiting link once it is used, replaced or expired; `herald outbox` shows it only while it works', async () => {
    const member = await createMember(t.app, tenant, 'member');
    // The request only queues; the worker makes the token and the email.
    const ask = async () => {
      await t.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email: member.email } });
      await accounts.sendPasswordResets(t.db);
    };
    const waiting = async () => (await mail.listOutbox(t.db, { to: member.email, limit: 10, status: 'pending' }, { revealLiveTokens: true })).filter((m) => m.subject.includes('Reset'));

    await ask();
    const first = /#token=([\w-]+)/.exec((await waiting())[0]!.text_body)![1]!;
    await ask(); // a new link replaces the first
    const [second, replaced] = await waiting();
    expect(replaced!.text_body).toContain('#token=[redacted]');
    const token = /#token=([\w-]+)/.exec(second!.text_body)![1]!;
    expect(token).not.toBe(first);
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/reset-password', payload: { token: first, password: 'a new long passphrase' } })).statusCode).toBe(400);

    const reset = await t.app.inject({ method: 'POST', url: '/v1/auth/reset-password', payload: { token, password: 'a new long passphrase' } });
    expect(reset.statusCode).toBe(200);
    for (const m of await waiting()) expect(m.text_body).toContain('#token=[redacted]');
    const rows = (await kept(member.email)).filter((r) => r.subject.includes('Reset'));
    expect(rows.map((r) => r.secret)).toEqual([null, null]);

    await ask();
    expect((await waiting()).some((m) => !m.text_body.includes('[redacted]'))).toBe(true);
    await t.db.updateTable('email_outbox').set({ secret_expires_at: new Date(Date.now() - 1000) }).where('to_address', '=', member.email).execute();
    for (const m of await waiting()) expect(m.text_body).toContain('#token=[redacted]');
    expect(await mail.forgetExpiredEmailSecrets(t.db)).toBeGreaterThan(0);
    expect((await kept(member.email)).every((r) => r.secret === null)).toBe(true);
  });
});
