import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mail from '../src/modules/mail/index.js';
import { buildHerald, freePort, herald, spawnHerald } from './helpers/process.js';
import { startSmtpServer } from './helpers/smtp.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js';

let database: TestDatabase;
beforeAll(async () => {
  await buildHerald();
  database = await createTestDatabase();
}, 120_000);
afterAll(() => database.drop());

describe('the herald command', () => {
  it('stops on a bad setting, naming it', async () => {
    const res = await herald(['migrate'], { DATABASE_URL: database.url, HERALD_PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/HERALD_PORT: .*got "eighty"/);
    const typo = await herald(['migrate'], { DATABASE_URL: database.url, HERALD_SMTP_URI: 'smtp://x' });
    expect(typo.stderr).toContain('HERALD_SMTP_URI: unknown setting');
  });

  it('migrates, creates an account and shows the outbox', async () => {
    expect((await herald(['migrate'], { DATABASE_URL: database.url })).stdout).toContain('up to date');
    const created = await herald(['create-account', '--name', 'Cli Co', '--email', 'cli@example.org', '--country', 'NL'], { DATABASE_URL: database.url });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/account acct_\w+ created; owner cli@example.org/);
    expect(created.stdout).toMatch(/http:\/\/127\.0\.0\.1:8080\/reset-password#token=[\w-]+/);
    const outbox = await herald(['outbox', '--status', 'pending'], { DATABASE_URL: database.url });
    expect(outbox.stdout).toContain('to cli@example.org');
    expect(outbox.stdout).toContain('You are invited to Cli Co on Herald');
    // The link shows while its email waits and it works; the kept body holds it redacted.
    const link = /(http:\S+#token=[\w-]+)/.exec(created.stdout)![1]!;
    expect(outbox.stdout).toContain(link);
    const [kept] = await database.db.selectFrom('email_outbox').select('text_body').where('to_address', '=', 'cli@example.org').execute();
    expect(kept!.text_body).toContain('#token=[redacted]');
    const bad = await herald(['create-account', '--name', 'X', '--email', 'nope', '--country', 'NL'], { DATABASE_URL: database.url });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('email: Not a valid email address');
  });

  it('runs two worker processes side by side on one database, each email sent once', async () => {
    const smtp = await startSmtpServer();
    for (let i = 0; i < 40; i++) await mail.enqueueEmail(database.db, { to: `w${i}@example.org`, subject: 's', text: 't' });
    // Workers sharing a database share the key of webhook secrets (else each keeps one in ./data).
    const env = { DATABASE_URL: database.url, HERALD_SMTP_URL: smtp.url, HERALD_LOG_LEVEL: 'info', HERALD_SECRET_KEY: 'a key the two workers share, 32+ characters' };
    const workers = [spawnHerald(['worker'], env), spawnHerald(['worker'], env)];
    try {
      await Promise.all(workers.map((w) => w.waitFor(/Herald is running/)));
      const until = Date.now() + 30_000;
      while ((await mail.listOutbox(database.db, { status: 'pending', limit: 1 })).length > 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      const codes = await Promise.all(workers.map((w) => w.stop('SIGTERM')));
      expect(codes).toEqual([0, 0]);
      await smtp.close();
    }
    const invitation = smtp.received.filter((m) => m.to[0] === 'cli@example.org');
    expect(smtp.received.length - invitation.length).toBe(40);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(smtp.received.length);
  });
});

describe('herald start on the embedded defaults', () => {
  it('prints a setup link, keeps its data across restarts, and recovers after being killed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-start-'));
    const port = await freePort();
    const env = { HERALD_DATA_DIR: dataDir, HERALD_PORT: String(port), HERALD_LOG_LEVEL: 'info' };
    const base = `http://127.0.0.1:${port}`;
    try {
      let h = spawnHerald(['start'], env);
      const [, token] = await h.waitFor(/\/setup#token=([\w-]+)/, 60_000);
      const setup = await fetch(`${base}/v1/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, account_name: 'Boot', name: 'B', email: 'boot@example.org', password: 'a long passphrase' }),
      });
      expect(setup.status).toBe(201);
      expect(await h.stop('SIGTERM')).toBe(0);

      h = spawnHerald(['start'], env);
      await h.waitFor(/Herald is running/, 60_000);
      expect(h.output()).not.toContain('setup#token');
      const signIn = () =>
        fetch(`${base}/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'boot@example.org', password: 'a long passphrase' }) });
      expect((await signIn()).status).toBe(200);
      await h.stop('SIGKILL');

      h = spawnHerald(['start'], env);
      await h.waitFor(/Herald is running/, 60_000);
      expect(h.output()).toContain('adopting orphaned embedded PostgreSQL');
      expect((await signIn()).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect(await h.stop('SIGTERM')).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
