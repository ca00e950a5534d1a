// Sending from the web app in a real browser against a real Herald: credit and
// a plan, a refused number's reason, SMS to a typed number and to a list
// (delivered through the SMS centre simulator), a CSV import, a contact's
// mobile that opens the SMS page, and the quota graph. Each test makes the
// data it needs (fixture.ts: a fresh signed-in browser context per test).
import { describe, expect, it } from 'vitest';
import { moves } from './driver.js';
import { useHerald } from './fixture.js';
import { browserAvailable } from './harness.js';
import { createContact, topUp } from './seed.js';

const run = browserAvailable() ? describe : describe.skip;

run('sending from the web app', () => {
  const suite = useHerald({ label: 'sending' });
  const { shot, go } = moves(suite);

  it('adds credit and a monthly plan as the installation\'s operator', async () => {
    const { page } = suite;
    await go('/settings/credit');
    await page.getByLabel('Amount').fill('25');
    await page.getByRole('button', { name: 'Add credit' }).click();
    await page.getByText('Credit added.').waitFor();
    await page.getByLabel('SMS included each month').fill('100');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await page.getByText('Plan saved.').waitFor();
    await page.getByText(/\d+ of 100 left/).waitFor();
    await shot('settings-credit');
  });

  it('refuses a number that is not a mobile, with the reason', async () => {
    const { page } = suite;
    await go('/sms');
    await page.getByLabel('Mobile').fill('+32 2 555 12 34');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'was not added' }).filter({ hasText: 'this is not a mobile number' }).waitFor();
    await expect.poll(() => page.locator('.recipients li').count()).toBe(0);
    await shot('sms-refused');
  });

  it('sends an SMS to a typed number and sees it delivered', async () => {
    const { page } = suite;
    await topUp(suite.api, 5);
    await go('/sms');
    await page.getByLabel('Mobile').fill('+32 475 12 34 56');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('.recipients li', { hasText: '+32475123456' }).waitFor();
    await page.getByLabel('Message', { exact: true }).fill('Your order has shipped ✓ — Acme');
    await page.getByTestId('count-encoding').filter({ hasText: 'Unicode' }).waitFor();
    await page.locator('.highlighted mark', { hasText: '✓' }).waitFor();
    await shot('sms');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByTestId('send-result').filter({ hasText: '+32475123456' }).waitFor();
    await shot('sms-result');
    await page.getByTestId('send-result').getByRole('link').first().click();
    await page.getByTestId('detail-status').filter({ hasText: 'Delivered' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('.history li').count()).toBeGreaterThanOrEqual(2);
    await shot('sent-detail');
  });

  it('imports contacts from a CSV with a preview that shows the refused row', async () => {
    const { page } = suite;
    await go('/contacts');
    await page.getByRole('button', { name: 'Import' }).click();
    const csv = 'Name,Mobile\nAlice Import,+32475000101\nBob Import,+32475000102\nBroken Row,12\n';
    await page.getByLabel('CSV or vCard file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    const preview = page.getByTestId('import-preview');
    await expect.poll(() => preview.locator('tbody tr').count()).toBe(3);
    await expect.poll(() => preview.locator('tr.rejected').count()).toBe(1);
    await shot('contacts-import-preview');
    await page.getByRole('button', { name: 'Import', exact: true }).last().click();
    await page.getByTestId('import-status').filter({ hasText: 'Done' }).filter({ hasText: 'created: 2' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('contacts-table').getByText('Alice Import').waitFor();
    await shot('contacts');
  });

  it('opens the SMS page with a contact\'s mobile filled in', async () => {
    const { page } = suite;
    await createContact(suite.api, 'Carla Link', '+32475000201');
    await go('/contacts');
    await page.getByRole('link', { name: '+32475000201' }).click();
    await page.locator('.recipients li', { hasText: '+32475000201' }).waitFor();
  });

  it('sends an SMS to a list and sees both delivered', async () => {
    const { page } = suite;
    await topUp(suite.api, 5);
    await createContact(suite.api, 'Alice Team', '+32475000001');
    await createContact(suite.api, 'Bob Team', '+32475000002');
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
    await expect.poll(() => table.locator('.chip-delivered').count(), { timeout: 60_000, interval: 500 }).toBe(2);
    await shot('sent');
  });

  it('draws the quota graph', async () => {
    const { page } = suite;
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
    await expect.poll(painted, { timeout: 20_000 }).toBeGreaterThan(1000);
    await page.getByText('Show as a table').click();
    await expect.poll(() => page.locator('figure table tbody tr').count()).toBe(6);
    await shot('settings-quotas');
  });
});
