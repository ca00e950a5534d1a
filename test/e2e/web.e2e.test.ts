// The web app in a real browser against a real Herald: first-run setup and
// sign-in, SMS to a typed number and to a list (delivered through the SMS
// centre simulator), a refused number's reason, a CSV import, the quota graph,
// replies in the Inbox (sent by the simulator as a handset would), sender
// names, webhooks, the profile's own mobile and Dutch. Each main page is saved under
// test-artifacts/.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { moves, type Driver } from './driver.js';
import { ARTIFACTS, browserAvailable, ensureBuilt, launchBrowser, startHerald, type Herald } from './harness.js';
import { replySteps } from './reply-steps.js';
import { webhookSteps } from './webhook-steps.js';

const OWNER = { email: 'owner@example.com', password: 'correct horse battery staple' };
const run = browserAvailable() ? describe : describe.skip;

run('the web app', () => {
  let herald: Herald;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspErrors: string[] = [];
  // What the browser saw go wrong: a page that never shows its content has usually had an answer like these.
  const browserLog: string[] = [];
  const driver = {} as Driver;
  const { shot, go } = moves(driver);
  beforeAll(async () => {
    await ensureBuilt();
    herald = driver.herald = await startHerald();
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Brussels', viewport: { width: 1280, height: 900 } });
    page = driver.page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      if (m.type() === 'error') browserLog.push(`${new Date().toISOString()} console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) browserLog.push(`${new Date().toISOString()} ${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page.on('requestfailed', (r) => browserLog.push(`${new Date().toISOString()} failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await page.screenshot({ path: join(ARTIFACTS, `failed-${name}.png`), fullPage: true }).catch(() => undefined);
    browserLog.push(`${new Date().toISOString()} test failed: ${ctx.task.name} at ${page.url()}`);
  });

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
    // Herald's warnings and errors, for a failure that shows only as a page that never loaded.
    if (herald) await writeFile(join(ARTIFACTS, 'herald.log'), herald.output());
    await writeFile(join(ARTIFACTS, 'browser.log'), browserLog.join('\n') + '\n');
  });

  it('sets up the first owner from the printed link, signs out and signs in again', async () => {
    await page.goto(herald.setupLink.replace(/^http:\/\/[^/]+/, herald.url));
    await page.getByLabel('Organisation').fill('Acme');
    await page.getByLabel('Name', { exact: true }).fill('Olivia Owner');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    for (const tool of ['SMS', 'Contacts', 'Lists', 'Sent', 'Inbox', 'Settings']) {
      await expect(page.locator('.tiles').getByRole('link', { name: new RegExp(`^${tool}`) }).count()).resolves.toBe(1);
    }
    await shot('home');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await shot('sign-in-refused');
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
  });

  it('adds credit and a monthly plan as the installation\'s operator', async () => {
    await go('/settings/credit');
    await page.getByLabel('Amount').fill('25');
    await page.getByRole('button', { name: 'Add credit' }).click();
    await page.getByText('Credit added.').waitFor();
    await page.getByLabel('SMS included each month').fill('100');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await page.getByText('Plan saved.').waitFor();
    await page.getByText('100 of 100 left').waitFor();
    await shot('settings-credit');
  });

  it('refuses a number that is not a mobile, with the reason', async () => {
    await go('/sms');
    await page.getByLabel('Mobile').fill('+32 2 555 12 34');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'was not added' }).textContent()).resolves.toContain('this is not a mobile number');
    await expect(page.locator('.recipients li').count()).resolves.toBe(0);
    await shot('sms-refused');
  });

  it('sends an SMS to a typed number and sees it delivered', async () => {
    await go('/sms');
    await page.getByLabel('Mobile').fill('+32 475 12 34 56');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('.recipients li', { hasText: '+32475123456' }).waitFor();
    await page.getByLabel('Message', { exact: true }).fill('Your order has shipped ✓ — Acme');
    await page.getByTestId('count-encoding').filter({ hasText: 'Unicode' }).waitFor();
    await expect(page.locator('.highlighted mark').allTextContents()).resolves.toContain('✓');
    await shot('sms');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await expect(page.getByTestId('send-result').textContent()).resolves.toContain('+32475123456');
    await shot('sms-result');
    await page.getByTestId('send-result').getByRole('link').first().click();
    await page.getByTestId('detail-status').filter({ hasText: 'Delivered' }).waitFor({ timeout: 30_000 });
    await expect(page.locator('.history li').count()).resolves.toBeGreaterThanOrEqual(2);
    await shot('sent-detail');
  });

  it('imports contacts from a CSV with a preview that shows the refused row', async () => {
    await go('/contacts');
    await page.getByRole('button', { name: 'Import' }).click();
    const csv = 'Name,Mobile\nAlice Team,+32475000001\nBob Team,+32475000002\nBroken Row,12\n';
    await page.getByLabel('CSV or vCard file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    await expect(preview.locator('tbody tr').count()).resolves.toBe(3);
    await expect(preview.locator('tr.rejected').count()).resolves.toBe(1);
    await shot('contacts-import-preview');
    await page.getByRole('button', { name: 'Import', exact: true }).last().click();
    await page.getByTestId('import-status').filter({ hasText: 'Done' }).waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('import-status').textContent()).resolves.toContain('created: 2');
    await page.getByTestId('contacts-table').getByText('Alice Team').waitFor();
    await shot('contacts');
  });

  it('opens the SMS page with a contact\'s mobile filled in', async () => {
    await go('/contacts');
    await page.getByRole('link', { name: '+32475000001' }).click();
    await page.locator('.recipients li', { hasText: '+32475000001' }).waitFor();
  });

  it('sends an SMS to a list and sees both delivered', async () => {
    await go('/lists');
    await page.getByRole('button', { name: 'New list' }).click();
    await page.getByLabel('Name').fill('Team');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Team' }).waitFor();
    const editor = page.getByRole('region', { name: 'Team' });
    await editor.getByLabel('Add a contact').fill('Team');
    await editor.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Add Alice Team' }).click();
    await page.getByTestId('list-members').getByText('Alice Team').waitFor();
    await page.getByRole('button', { name: 'Add Bob Team' }).click();
    await page.getByTestId('list-members').getByText('Bob Team').waitFor();
    await shot('lists');

    await go('/sms');
    await page.getByText('Search the address books').click();
    await page.getByLabel('Contact or list').fill('Team');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('button', { name: 'Add the list Team (2 members)' }).click();
    await page.getByLabel('Message', { exact: true }).fill('Team meeting at 10:00');
    await page.getByTestId('count-encoding').filter({ hasText: 'Standard characters' }).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Accepted: 2, refused: 0.').waitFor();
    await page.getByRole('link', { name: 'Follow them in Sent' }).click();
    const table = page.getByTestId('sent-table');
    await table.waitFor();
    await expect.poll(() => table.locator('.chip-delivered').count(), { timeout: 30_000, interval: 500 }).toBe(2);
    await shot('sent');
  });

  it('draws the quota graph', async () => {
    await go('/settings/quotas');
    const canvas = page.getByTestId('quota-chart');
    await canvas.waitFor();
    // Painted pixels of the canvas (its alpha channel), counted in the page.
    type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
    const painted = () => canvas.evaluate((element) => {
      const c = element as unknown as Canvas;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
    await expect.poll(painted, { timeout: 10_000 }).toBeGreaterThan(1000);
    await page.getByText('Show as a table').click();
    await expect(page.locator('figure table tbody tr').count()).resolves.toBe(6);
    await shot('settings-quotas');
  });

  replySteps(driver);
  webhookSteps(driver);

  it('shows the other pages', async () => {
    for (const [path, name] of [['/settings/senders', 'settings-senders'], ['/settings/api-keys', 'settings-api-keys'], ['/settings/webhooks', 'settings-webhooks'], ['/settings/users', 'settings-users'], ['/settings/subaccounts', 'settings-subaccounts']] as const) {
      await go(path);
      await page.waitForLoadState('networkidle');
      await expect(page.locator('.error-note').count(), path).resolves.toBe(0);
      await shot(name);
    }
  });

  it('creates a subaccount and works in it with the account switcher', async () => {
    await go('/settings/subaccounts');
    await page.getByLabel('Name', { exact: true }).fill('Branch');
    await page.getByLabel('Owner\'s email').fill('branch@example.com');
    await page.getByRole('button', { name: 'Create subaccount' }).click();
    const switcher = page.getByLabel('Account', { exact: true });
    await switcher.waitFor();
    await switcher.selectOption({ label: '↳ Branch' });
    await page.getByText('You are working in the subaccount Branch.').waitFor();
    await go('/sent');
    await page.getByText('No messages.').waitFor();
    await shot('subaccount-sent');
    await page.getByLabel('Account', { exact: true }).selectOption({ label: 'Acme' });
    await expect(page.getByText('You are working in the subaccount').count()).resolves.toBe(0);
    await page.getByTestId('sent-table').waitFor();
  });

  it('works with the keyboard, with a visible focus', async () => {
    await go('/sms');
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string>('document.activeElement.textContent')).resolves.toBe('Skip to content');
    await expect(page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle')).resolves.not.toBe('none');
    // In the blue top bar the ring is white, not the orange that would barely show there.
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string>('document.activeElement.closest(".topbar") !== null')).resolves.toBe(true);
    await expect(page.evaluate<string>('getComputedStyle(document.activeElement).outlineColor')).resolves.toBe('rgb(255, 255, 255)');
    await page.getByLabel('Mobile').focus();
    await page.keyboard.type('+32475123457');
    await page.keyboard.press('Enter');
    await page.locator('.recipients li', { hasText: '+32475123457' }).waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string>('document.activeElement.textContent')).resolves.toBe('Add');
  });

  it('keeps the own mobile in the profile, with the reason under the field when refused', async () => {
    await go('/settings/profile');
    const mobile = page.getByLabel('Your mobile number');
    await mobile.fill('0475 12 34 56');
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await expect.poll(() => mobile.getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator('.field', { has: mobile }).locator('small.error').textContent()).resolves.toContain('international format');
    await shot('settings-profile-refused');
    await mobile.fill('+32 475 12 34 56');
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await page.getByText('Saved.').waitFor();
    await go('/settings/profile');
    await expect(page.getByLabel('Your mobile number').inputValue()).resolves.toBe('+32475123456');
  });

  it('switches to Dutch in the profile', async () => {
    await go('/settings/profile');
    await page.getByLabel('Language').selectOption('nl');
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await page.getByRole('link', { name: 'Contacten' }).first().waitFor();
    await page.getByRole('heading', { name: 'Instellingen' }).waitFor();
    await go('/');
    await page.getByRole('heading', { name: 'Startpagina' }).waitFor();
    await expect(page.evaluate<string>('document.documentElement.lang')).resolves.toBe('nl');
    await shot('home-nl');
    await go('/sms');
    await page.getByLabel('Gsm').waitFor();
    await shot('sms-nl');
  });

  it('fits a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // No page scrolls sideways: wide tables scroll inside their own box.
    for (const [path, name, ready] of [
      ['/sms', 'phone-sms-nl', null],
      ['/sent', 'phone-sent-nl', 'sent-table'],
      ['/contacts', 'phone-contacts-nl', 'contacts-table'],
      ['/settings/senders', 'phone-settings-senders-nl', null],
      ['/settings/quotas', 'phone-settings-quotas-nl', 'quota-chart'],
      ['/settings/profile', 'phone-settings-profile-nl', null],
    ] as const) {
      await go(path);
      if (ready) await page.getByTestId(ready).waitFor();
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate<number>('document.documentElement.scrollWidth');
      expect(width, path).toBeLessThanOrEqual(390);
      await shot(name);
    }
    await go('/sms');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Verzonden' }).waitFor();
    await shot('phone-menu-nl');
  });

  it('broke no Content Security Policy rule', () => {
    expect(cspErrors).toEqual([]);
  });
});
