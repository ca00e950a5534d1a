// First run in a real browser: the owner made from the link Herald prints at
// its first start, then signing out, a refused password, and signing in again.
// Its own Herald, since only a fresh installation shows the setup form.
import { describe, expect, it } from 'vitest';
import { moves } from './driver.js';
import { OWNER, useHerald } from './fixture.js';
import { browserAvailable } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('first run', () => {
  const suite = useHerald({ label: 'setup', owner: false });
  const { shot } = moves(suite);

  it('sets up the first owner from the printed link, signs out and signs in again', async () => {
    const { page, herald } = suite;
    await page.goto(herald.setupLink.replace(/^http:\/\/[^/]+/, herald.url));
    await page.getByLabel('Organisation').fill(OWNER.account);
    await page.getByLabel('Name', { exact: true }).fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    for (const tool of ['SMS', 'Contacts', 'Lists', 'Sent', 'Inbox', 'Settings']) {
      await page.locator('.tiles').getByRole('link', { name: new RegExp(`^${tool}`) }).waitFor();
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
    // The link is used up: opened again it says so instead of offering the form.
    await page.goto(herald.setupLink.replace(/^http:\/\/[^/]+/, herald.url));
    await page.getByText('Herald is set up already: its owner exists.').waitFor();
    expect(await page.getByRole('button', { name: 'Create owner' }).count()).toBe(0);
  });
});
