// A new installation as its first owner meets it (issue 14 items 4 and 5):
// Herald running its own SMS centre simulator, a checklist of what is missing,
// a first send refused with a link to where credit is added, the balance in
// the header with its currency in the reader's language, and a test reply
// from the simulator that arrives in the Inbox over SMPP.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moves, type Driver } from './driver.js';
import { browserAvailable, ensureBuilt, launchBrowser, startHerald, type Herald } from './harness.js';

const OWNER = { email: 'first@example.com', password: 'correct horse battery staple' };
const DEDICATED = '+3225550900';
const run = browserAvailable() ? describe : describe.skip;

run('first run', () => {
  let herald: Herald;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const driver = {} as Driver;
  const { shot, go, callApi } = moves(driver);
  const item = (name: string) => page.getByTestId('first-run').locator('li', { hasText: name });
  // Evaluated in the page, whose globals this file's types do not know.
  const noSideScroll = () => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  beforeAll(async () => {
    await ensureBuilt();
    herald = driver.herald = await startHerald({ builtInSimulator: true });
    browser = await launchBrowser();
    // A phone's width: the checklist and the balance in the header must fit.
    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Brussels', viewport: { width: 390, height: 844 } });
    page = driver.page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await herald?.stop();
  });

  it('shows the new owner a checklist with credit and a sender not done', async () => {
    await page.goto(herald.setupLink.replace(/^http:\/\/[^/]+/, herald.url));
    await page.getByLabel('Organisation').fill('First Shop');
    await page.getByLabel('Name', { exact: true }).fill('Fiona First');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner' }).click();
    await page.getByRole('heading', { name: 'Getting started' }).waitFor();
    await expect(item('Credit or a plan').getAttribute('data-done')).resolves.toBe('false');
    await expect(item('A sender of your own').getAttribute('data-done')).resolves.toBe('false');
    await expect(item('The SMS centre').textContent()).resolves.toContain('The built-in simulator');
    await item('Credit or a plan').getByRole('link', { name: 'Add credit or set a plan' }).waitFor();
    await expect(noSideScroll()).resolves.toBe(true);
    await shot('first-run-checklist');
  });

  it('refuses the first send for want of credit, with a link that leads to the credit page', async () => {
    await go('/sms');
    await page.getByLabel('Mobile').fill('+32 475 90 00 01');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('.recipients li', { hasText: '+32475900001' }).waitFor();
    await page.getByLabel('Message', { exact: true }).fill('Hello from a new Herald');
    // Said before sending too, with the same way to credit.
    await page.getByTestId('credit-shortfall').getByRole('link', { name: 'Add credit' }).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Not enough credit.' });
    await refused.waitFor();
    await shot('first-run-refused');
    await refused.getByRole('link', { name: 'Add credit' }).click();
    await page.waitForURL(`${herald.url}/settings/credit`);
    await page.getByRole('heading', { name: 'Credit', exact: true }).waitFor();
  });

  it('shows the credit the operator adds in the header, with its currency, and ticks the checklist', async () => {
    await page.getByLabel('Amount (EUR)').fill('10');
    await page.getByRole('button', { name: 'Add credit' }).click();
    await page.getByText('Credit added.').waitFor();
    // Read again after the top-up, without leaving the page.
    await page.getByTestId('header-balance').filter({ hasText: '€10.00' }).waitFor();
    await expect(noSideScroll()).resolves.toBe(true);
    await go('/');
    await expect.poll(() => item('Credit or a plan').getAttribute('data-done')).toBe('true');
    // The same balance as a Dutch reader writes it.
    expect((await callApi('PATCH', '/v1/me', { locale: 'nl' })).status).toBe(200);
    await go('/');
    const balance = page.getByTestId('header-balance');
    await expect.poll(() => balance.textContent()).toBe('€\u00a010,00');
    await expect(balance.getAttribute('aria-label')).resolves.toBe('Saldo: gekocht krediet €\u00a010,00');
    await expect(noSideScroll()).resolves.toBe(true);
    await shot('first-run-balance-nl');
  });

  it('has the built-in simulator send a test reply that arrives in the Inbox', async () => {
    const me = await callApi('GET', '/v1/auth/session');
    expect((await callApi('POST', '/v1/admin/sender-numbers', { number: DEDICATED, kind: 'dedicated', account_id: me.accountId })).status).toBe(201);
    await go('/');
    // Credit, a sender and the bound simulator: nothing left on the list, the test reply stays.
    await page.getByTestId('first-run').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Stuur mij een testantwoord' }).click();
    await page.getByText('Er is een testantwoord onderweg.').waitFor();
    await page.getByRole('link', { name: 'Postvak IN openen' }).click();
    // Replies are joined from their parts by a worker loop, about once a second.
    const reply = page.locator('.inbox li', { hasText: 'Bedankt, ontvangen!' });
    await expect.poll(async () => {
      if ((await reply.count()) === 0) await go('/inbox');
      return reply.count();
    }, { timeout: 30_000 }).toBe(1);
    await expect(reply.textContent()).resolves.toContain('+447700900123');
    await expect(noSideScroll()).resolves.toBe(true);
    await shot('first-run-test-reply');
  });
});
