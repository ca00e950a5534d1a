import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import * as mail from '../src/modules/mail/index.js';
import { openDatabase } from '../src/platform/db/index.js';
import { createLogger } from '../src/platform/logger.js';
import { startWorker } from '../src/worker.js';
import { startSmtpServer } from './helpers/smtp.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

async function waitFor(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(50);
  }
}

const logger = createLogger('silent');
const mailConfig = (url: string) => ({ HERALD_SMTP_URL: url, HERALD_MAIL_FROM: 'Herald <herald@example.org>' });

describe('email outbox worker', () => {
  it('delivers every queued email exactly once with two workers sharing the database', async () => {
    const smtp = await startSmtpServer();
    for (let i = 0; i < 60; i++) {
      await mail.enqueueEmail(database.db, { to: `r${i}@example.org`, subject: `Hello ${i}`, text: `Body ${i}` });
    }
    // Two workers with pools of their own, as two processes would have.
    const second = openDatabase(database.url, { poolSize: 2 });
    const workers = [
      startWorker({ db: database.db, logger, mail: mailConfig(smtp.url), mailDomain: 'example.org' }),
      startWorker({ db: second.db, logger, mail: mailConfig(smtp.url), mailDomain: 'example.org' }),
    ];
    try {
      await waitFor(async () => (await mail.listOutbox(database.db, { status: 'pending', limit: 1 })).length === 0);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await second.close();
      await smtp.close();
    }
    expect(smtp.received).toHaveLength(60);
    expect(new Set(smtp.received.map((m) => m.to[0])).size).toBe(60);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(60);
    expect(smtp.received[0]!.raw).toContain('From: Herald <herald@example.org>');
  });

  it('retries a temporary refusal and gives up on a permanent one', async () => {
    let calls = 0;
    const smtp = await startSmtpServer({ failWith: () => (++calls === 1 ? { code: 451, message: 'try later' } : { code: 550, message: 'no such user' }) });
    await mail.enqueueEmail(database.db, { to: 'temp@example.org', subject: 'T', text: 't' });
    const transport = mail.createSmtpTransport(smtp.url, 'herald@example.org');
    try {
      expect(await mail.deliverDueEmails(database.db, transport)).toBe(0);
      let [row] = await mail.listOutbox(database.db, { to: 'temp@example.org', limit: 1 });
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row!.last_error).toContain('try later');
      expect(row!.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
      await database.db.updateTable('email_outbox').set({ next_attempt_at: new Date() }).execute();
      expect(await mail.deliverDueEmails(database.db, transport)).toBe(0);
      [row] = await mail.listOutbox(database.db, { to: 'temp@example.org', limit: 1 });
      expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    } finally {
      transport.close();
      await smtp.close();
    }
  });

  it('refuses header injection in the recipient and subject', async () => {
    await expect(mail.enqueueEmail(database.db, { to: 'a@example.org\r\nBcc: x@evil.test', subject: 's', text: 't' })).rejects.toMatchObject({ field: 'to' });
    await expect(mail.enqueueEmail(database.db, { to: 'a@example.org', subject: 'hi\r\nBcc: x@evil.test', text: 't' })).rejects.toMatchObject({ field: 'subject' });
  });
});
