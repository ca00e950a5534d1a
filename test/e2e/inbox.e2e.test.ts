// Replies end to end: the operator gives the account a dedicated number, the
// user writes from it, and the SMS centre simulator answers as a customer's
// handset would — into the Inbox, with its unread count and forwarding, and a
// STOP that later sends respect. Then a sender name registered and used. Each
// test has its own customer, so none needs another to have run.
import { describe, expect, it, beforeAll } from 'vitest';
import { moves } from './driver.js';
import { useHerald } from './fixture.js';
import { browserAvailable } from './harness.js';
import { ownAccountId, sendDelivered, topUp } from './seed.js';

/** A Brussels number the operator gives the account. */
const DEDICATED = '+3225550300';
const run = browserAvailable() ? describe : describe.skip;
const unreadText = (n: number) => `${n} unread ${n === 1 ? 'reply' : 'replies'}`;

run('replies and senders', () => {
  const suite = useHerald({ label: 'inbox' });
  const { shot, go, sendFromUi } = moves(suite);
  const unread = async () => ((await suite.api('GET', '/v1/inbox/unread-count')).body as { unread: number }).unread;
  /** Waits until the simulator has had the message: its submits are filled in as they arrive. */
  const submitted = (to: string, from: string) =>
    expect.poll(() => suite.herald.simulator.submits.some((s) => s.destination.endsWith(to.slice(1)) && (s.source === from || s.source.endsWith(from.slice(1)))), { timeout: 60_000 }).toBe(true);

  beforeAll(async () => {
    await topUp(suite.api, 20);
    const added = await suite.api('POST', '/v1/admin/sender-numbers', { number: DEDICATED, kind: 'dedicated', account_id: await ownAccountId(suite.api) });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  });

  it('sends from a dedicated number the operator gave the account', async () => {
    const customer = '+32475300001';
    await sendFromUi([customer], 'Your table for two is ready at 8 pm.', DEDICATED);
    await suite.page.getByTestId('send-result').getByRole('link').first().click();
    await suite.page.getByTestId('detail-status').filter({ hasText: 'Delivered' }).waitFor({ timeout: 60_000 });
    await submitted(customer, DEDICATED);
  });

  it('shows the reply in the Inbox with the unread count and the message it answers; reading it lowers the count', async () => {
    const { page } = suite;
    const customer = '+32475300011';
    await sendDelivered(suite.api, [customer], 'Your room is ready from 3 pm.', DEDICATED);
    const before = await unread();
    expect(await suite.herald.simulator.sendMo({ from: customer, to: DEDICATED, text: 'On my way, see you at 3!' })).toBe(0);
    // Replies are joined from their parts by a worker loop, about once a second.
    await expect.poll(unread, { timeout: 60_000 }).toBe(before + 1);
    await go('/inbox');
    const reply = page.locator('.inbox li', { hasText: 'On my way, see you at 3!' });
    await reply.filter({ hasText: 'In reply to: Your room is ready from 3 pm.' }).filter({ hasText: customer }).waitFor();
    await page.getByTestId('unread-count').filter({ hasText: unreadText(before + 1) }).waitFor();
    const badge = page.locator('#nav').getByRole('link', { name: /Inbox/ }).locator('.badge');
    await badge.locator('[aria-hidden="true"]', { hasText: String(before + 1) }).waitFor();
    await page.locator('#nav').getByRole('link', { name: `Inbox (${unreadText(before + 1)})` }).waitFor();
    await shot('inbox');
    await reply.getByRole('button', { name: /^Mark the reply from .* as read$/ }).click();
    await page.getByTestId('unread-count').filter({ hasText: unreadText(before) }).waitFor();
    await reply.getByRole('button', { name: /^Mark the reply from .* as unread$/ }).waitFor();
    if (before === 0) await expect.poll(() => badge.count()).toBe(0);
  });

  it('creates a forwarding rule in the Inbox', async () => {
    const { page } = suite;
    await go('/inbox');
    const form = page.getByRole('form', { name: 'Add forwarding' });
    await form.getByLabel('Forward to').selectOption('email');
    await form.getByLabel('Address', { exact: true }).fill('front-desk@example.com');
    await form.getByRole('button', { name: 'Add forwarding' }).click();
    const rule = page.locator('section[aria-labelledby="rules-title"] li', { hasText: 'front-desk@example.com' });
    await rule.waitFor();
    await expect.poll(() => rule.getByRole('checkbox', { name: 'Forwarding to front-desk@example.com enabled' }).isChecked()).toBe(true);
    await rule.getByRole('button', { name: 'Delete the forwarding to front-desk@example.com' }).waitFor();
    await shot('inbox-forwarding');
  });

  it('shows a STOP reply as an opt-out, and refuses a later send to that number for it', async () => {
    const { page } = suite;
    const customer = '+32475300021';
    await sendDelivered(suite.api, [customer], 'Tonight: two for one.', DEDICATED);
    const before = await unread();
    expect(await suite.herald.simulator.sendMo({ from: customer, to: DEDICATED, text: 'STOP' })).toBe(0);
    await expect.poll(unread, { timeout: 60_000 }).toBe(before + 1);
    await go('/inbox');
    await page.locator('.inbox li', { hasText: 'STOP' }).filter({ hasText: customer }).filter({ has: page.locator('.chip', { hasText: 'Opted out (STOP)' }) }).waitFor();
    await page.getByTestId('unread-count').filter({ hasText: unreadText(before + 1) }).waitFor();
    await shot('inbox-opt-out');
    await sendFromUi([customer, '+32475300022'], 'Last call for tonight', DEDICATED);
    await page.getByText('Accepted: 1, refused: 1.').waitFor();
    const refused = page.getByTestId('send-result').locator('tr.rejected');
    await expect.poll(() => refused.textContent()).toBe(`${customer}Refused: the recipient asked not to receive messages (STOP)`);
    await shot('sms-result-opted-out');
  });

  it('registers a sender name in Settings > Sender IDs and sends from it', async () => {
    const { page } = suite;
    await go('/settings/senders');
    await page.getByLabel('Name (up to 11 letters, digits or spaces)').fill('AcmeShop');
    await page.getByRole('button', { name: 'Register name' }).click();
    await page.getByText('Name registered.').waitFor();
    await page.getByRole('cell', { name: 'Name AcmeShop', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete the sender Name AcmeShop' }).waitFor();
    await go('/sms');
    const sender = page.getByLabel('Sender');
    await sender.locator('option', { hasText: 'Name AcmeShop' }).waitFor({ state: 'attached' });
    await sender.locator('option', { hasText: `Your number ${DEDICATED}` }).waitFor({ state: 'attached' });
    await sendFromUi(['+32475300003'], 'Your parcel is on its way', 'AcmeShop');
    await page.getByTestId('send-result').getByRole('link').first().click();
    await page.getByTestId('detail-status').filter({ hasText: 'Delivered' }).waitFor({ timeout: 60_000 });
    await submitted('+32475300003', 'AcmeShop');
  });
});
