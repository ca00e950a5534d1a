// Replies in a real browser against a real Herald: a message goes out from the
// shared pool, the customer's handset answers through the SMS centre
// simulator, the Inbox names the customer from the address book, and Reply
// opens the composer with the pool number the conversation went through — the
// simulator sees the answer leave from that number. Then the customer sends
// STOP: Reply gives way to "This number opted out", and the conversation view
// shows all four messages in order, also at 390 px wide.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { moves, type Driver } from './driver.js';
import { ARTIFACTS, browserAvailable, ensureBuilt, launchBrowser, startHerald, type Herald } from './harness.js';

const OWNER = { email: 'replies@example.com', password: 'correct horse battery staple' };
/** The one pool number of the installation, and a customer in the account's shared address book. */
const POOL = '+3225550480';
const CUSTOMER = '+32475480001';
const NAME = 'Ann Peeters';
const run = browserAvailable() ? describe : describe.skip;

/** The simulator's addresses carry no "+". */
const digits = (n: string) => n.replace(/^\+/, '');

run('replies', () => {
  let herald: Herald;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const driver = {} as Driver;
  const { go, callApi, sendFromUi, shot } = moves(driver);
  const submitsTo = (text: string) => herald.simulator.submits.filter((s) => s.destination === digits(CUSTOMER) && s.text === text);

  beforeAll(async () => {
    await ensureBuilt();
    herald = driver.herald = await startHerald();
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Brussels', viewport: { width: 1280, height: 900 } });
    page = driver.page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(herald.setupLink.replace(/^http:\/\/[^/]+/, herald.url));
    await page.getByLabel('Organisation').fill('Replies Ltd');
    await page.getByLabel('Name', { exact: true }).fill('Rita Replies');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    await page.screenshot({ path: join(ARTIFACTS, `failed-replies-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}.png`), fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await herald?.stop();
    if (herald) await writeFile(join(ARTIFACTS, 'herald-replies.log'), herald.output());
  });

  it('sends from the shared pool to a customer in the address book', async () => {
    const me = await callApi('GET', '/v1/auth/session');
    const credit = await callApi('POST', `/v1/admin/accounts/${me.accountId}/top-up`, { amount: 10_000 });
    expect(credit.status, JSON.stringify(credit.body)).toBeLessThan(300);
    const pool = await callApi('POST', '/v1/admin/sender-numbers', { number: POOL, kind: 'pool' });
    expect(pool.status, JSON.stringify(pool.body)).toBe(201);
    const contact = await callApi('POST', '/v1/contacts', { name: NAME, address_book: 'shared', phones: [{ type: 'mobile', number: CUSTOMER }] });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    await sendFromUi([CUSTOMER], 'Your table for two is ready at 8 pm.', 'pool');
    await expect.poll(() => submitsTo('Your table for two is ready at 8 pm.').map((s) => s.source), { timeout: 30_000 }).toEqual([digits(POOL)]);
  });

  it('names the customer in the Inbox, and Reply answers from the pool number they wrote to', async () => {
    expect(await herald.simulator.sendMo({ from: CUSTOMER, to: POOL, text: 'Could we come at 8.30?' })).toBe(0);
    await expect.poll(async () => (await callApi('GET', '/v1/inbox/unread-count')).body, { timeout: 30_000 }).toEqual({ unread: 1 });
    await go('/inbox');
    const item = page.locator('.inbox li', { hasText: 'Could we come at 8.30?' });
    await item.locator('strong', { hasText: NAME }).waitFor();
    await item.getByRole('link', { name: `Reply to ${NAME}` }).click();

    await page.getByRole('heading', { name: 'Send an SMS' }).waitFor();
    await page.locator('.recipients li', { hasText: NAME }).waitFor();
    await expect(page.locator('.recipients li').textContent()).resolves.toContain(CUSTOMER);
    const sender = page.getByLabel('Sender');
    await expect.poll(() => sender.inputValue()).toBe(POOL);
    await page.getByLabel('Message', { exact: true }).fill('Of course, see you at 8.30.');
    await shot('replies-composer');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await expect.poll(() => submitsTo('Of course, see you at 8.30.').map((s) => s.source), { timeout: 30_000 }).toEqual([digits(POOL)]);
  });

  it('says the number opted out instead of offering Reply once the customer sent STOP', async () => {
    expect(await herald.simulator.sendMo({ from: CUSTOMER, to: POOL, text: 'STOP' })).toBe(0);
    await expect.poll(async () => (await callApi('GET', `/v1/inbox?from=${encodeURIComponent(CUSTOMER)}`)).body, { timeout: 30_000 })
      .toMatchObject({ data: [{ text: 'STOP', opted_out: true }, { opted_out: true }] });
    await go('/inbox');
    const stop = page.locator('.inbox li', { hasText: 'STOP' });
    await stop.getByTestId('opted-out').filter({ hasText: 'This number opted out' }).waitFor();
    await page.locator('.inbox li', { hasText: 'Could we come at 8.30?' }).getByTestId('opted-out').waitFor();
    await expect(page.getByRole('link', { name: /^Reply to/ }).count()).resolves.toBe(0);
    await shot('replies-inbox-opted-out');
  });

  it('shows the conversation with the customer in time order, both ways, from the Inbox and from Sent, at 390 px too', async () => {
    await page.locator('.inbox li', { hasText: 'STOP' }).getByRole('link', { name: `Conversation with ${NAME}` }).click();
    await page.getByRole('heading', { name: `Conversation with ${NAME}` }).waitFor();
    const entries = page.getByRole('list', { name: 'Messages' }).locator('li');
    await expect.poll(() => entries.count()).toBe(4);
    const seen = await entries.evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-direction')}:${li.querySelector('.message-text')?.textContent}`));
    expect(seen).toEqual([
      'out:Your table for two is ready at 8 pm.',
      'in:Could we come at 8.30?',
      'out:Of course, see you at 8.30.',
      'in:STOP',
    ]);
    await page.getByTestId('opted-out').filter({ hasText: 'This number opted out' }).waitFor();

    await go('/sent');
    const row = page.getByTestId('sent-table').locator('tr', { hasText: 'Of course, see you at 8.30.' });
    await row.getByRole('link', { name: `Conversation with ${NAME}` }).click();
    await page.getByRole('heading', { name: `Conversation with ${NAME}` }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => entries.count()).toBe(4);
    await expect(page.locator('html').evaluate((html) => html.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await shot('replies-conversation-390');
  });
});
