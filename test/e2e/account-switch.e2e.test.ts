// The account switcher in a real browser (issue 24): into a subaccount, through
// a session refresh (saving the profile) and a page reload, still in the
// subaccount — banner, switcher and the Herald-Account header of each request —
// then back to the own account, which a reload keeps too.
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { moves } from './driver.js';
import { OWNER, useHerald } from './fixture.js';
import { browserAvailable } from './harness.js';
import { createContact } from './seed.js';

const run = browserAvailable() ? describe : describe.skip;
const BANNER = 'You are working in the subaccount Branch.';

/** The Contacts page as it loads, with the account its list request acted on (null: the own account). */
async function openContacts(page: Page, go: (path: string) => Promise<void>): Promise<string | null> {
  const listed = page.waitForRequest((r: Request) => r.method() === 'GET' && new URL(r.url()).pathname === '/v1/contacts');
  await go('/contacts');
  return (await listed).headers()['herald-account'] ?? null;
}

run('the account switcher', () => {
  const suite = useHerald({ label: 'account-switch' });
  const { shot, go } = moves(suite);

  it('stays in the subaccount through a session refresh and a reload, and in the own account after switching back', async () => {
    const { page } = suite;
    await createContact(suite.api, 'Own Only Contact', '+32475400001');
    await go('/settings/subaccounts');
    await page.getByText('No subaccounts.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Branch');
    await page.getByLabel('Owner\'s email').fill('branch@example.com');
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/subaccounts');
    await page.getByRole('button', { name: 'Create subaccount' }).click();
    expect((await created).status()).toBe(201);
    const switcher = page.getByLabel('Account', { exact: true });
    const chosen = () => switcher.evaluate((s) => (s as unknown as { selectedOptions: { textContent: string }[] }).selectedOptions[0]?.textContent);
    await switcher.locator('option', { hasText: '↳ Branch' }).waitFor({ state: 'attached' });
    const subs = (await suite.api('GET', '/v1/subaccounts')).body as { data: { id: string; name: string }[] };
    const branch = subs.data.find((a) => a.name === 'Branch')!.id;

    await switcher.selectOption({ label: '↳ Branch' });
    await page.getByText(BANNER).waitFor();

    // Saving the profile reads the session again (App's refresh), as the subaccount's.
    await go('/settings/profile');
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await page.getByText('Saved.').waitFor();
    await page.getByText(BANNER).waitFor();
    await expect.poll(chosen).toBe('↳ Branch');

    await page.reload();
    await page.getByText(BANNER).waitFor();
    await expect.poll(chosen).toBe('↳ Branch');
    expect(await openContacts(page, go)).toBe(branch);
    await page.getByText('Nothing found.').waitFor();
    expect(await page.getByText('Own Only Contact').count()).toBe(0);
    await shot('subaccount-contacts');

    await page.getByLabel('Account', { exact: true }).selectOption({ label: OWNER.account });
    await page.getByTestId('contacts-table').getByText('Own Only Contact').waitFor();
    await expect.poll(() => page.getByText(BANNER).count()).toBe(0);

    await page.reload();
    await page.locator('main h1').first().waitFor();
    expect(await openContacts(page, go)).toBeNull();
    await page.getByTestId('contacts-table').getByText('Own Only Contact').waitFor();
    await expect.poll(chosen).toBe(OWNER.account);
    expect(await page.getByText('You are working in the subaccount').count()).toBe(0);
  });
});
