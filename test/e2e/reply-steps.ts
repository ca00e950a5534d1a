// Replies end to end: the operator gives the account a dedicated number, the
// user writes from it, and the SMS centre simulator answers as the customer's
// handset would — into the Inbox, with its unread count and forwarding, and a
// STOP that later sends respect. Then a sender name registered and used.
// Runs inside web.e2e.test.ts, on its Herald and signed-in owner.
import { expect, it } from 'vitest';
import { moves, type Driver } from './driver.js';

/** A Brussels number the operator gives the account, and a customer who answers it. */
const DEDICATED = '+3225550300';
const CUSTOMER = '+32475300001';

export function replySteps(d: Driver): void {
  const { shot, go, callApi, sendFromUi } = moves(d);

  it('sends from a dedicated number the operator gave the account', async () => {
    const me = await callApi('GET', '/v1/auth/session');
    const added = await callApi('POST', '/v1/admin/sender-numbers', { number: DEDICATED, kind: 'dedicated', account_id: me.accountId });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    await sendFromUi([CUSTOMER], 'Your table for two is ready at 8 pm.', DEDICATED);
    await d.page.getByTestId('send-result').getByRole('link').first().click();
    await d.page.getByTestId('detail-status').filter({ hasText: 'Delivered' }).waitFor({ timeout: 30_000 });
    expect(d.herald.simulator.submits.some((s) => s.destination.endsWith(CUSTOMER.slice(1)) && s.source.endsWith(DEDICATED.slice(1)))).toBe(true);
  });

  it('shows the reply in the Inbox with the unread count and the message it answers; reading it lowers the count', async () => {
    expect(await d.herald.simulator.sendMo({ from: CUSTOMER, to: DEDICATED, text: 'On my way, see you at 8!' })).toBe(0);
    // Replies are joined from their parts by a worker loop, about once a second.
    await expect.poll(async () => (await callApi('GET', '/v1/inbox/unread-count')).body, { timeout: 30_000 }).toEqual({ unread: 1 });
    await go('/inbox');
    const reply = d.page.locator('.inbox li', { hasText: 'On my way, see you at 8!' });
    await reply.waitFor();
    await d.page.getByTestId('unread-count').filter({ hasText: '1 unread reply' }).waitFor();
    await expect(reply.textContent()).resolves.toContain('In reply to: Your table for two is ready at 8 pm.');
    await expect(reply.textContent()).resolves.toContain(CUSTOMER);
    const badge = d.page.locator('#nav').getByRole('link', { name: /Inbox/ }).locator('.badge');
    await expect(badge.locator('[aria-hidden="true"]').textContent()).resolves.toBe('1');
    await expect(d.page.locator('#nav').getByRole('link', { name: 'Inbox (1 unread reply)' }).count()).resolves.toBe(1);
    await shot('inbox');
    await reply.getByRole('button', { name: /^Mark the reply from .* as read$/ }).click();
    await d.page.getByTestId('unread-count').filter({ hasText: '0 unread replies' }).waitFor();
    await reply.getByRole('button', { name: /^Mark the reply from .* as unread$/ }).waitFor();
    await expect.poll(() => badge.count()).toBe(0);
  });

  it('creates a forwarding rule in the Inbox', async () => {
    await go('/inbox');
    const form = d.page.getByRole('form', { name: 'Add forwarding' });
    await form.getByLabel('Forward to').selectOption('email');
    await form.getByLabel('Address', { exact: true }).fill('front-desk@example.com');
    await form.getByRole('button', { name: 'Add forwarding' }).click();
    const rule = d.page.locator('section[aria-labelledby="rules-title"] li', { hasText: 'front-desk@example.com' });
    await rule.waitFor();
    await expect(rule.getByRole('checkbox', { name: 'Forwarding to front-desk@example.com enabled' }).isChecked()).resolves.toBe(true);
    await rule.getByRole('button', { name: 'Delete the forwarding to front-desk@example.com' }).waitFor();
    await shot('inbox-forwarding');
  });

  it('shows a STOP reply as an opt-out, and refuses a later send to that number for it', async () => {
    expect(await d.herald.simulator.sendMo({ from: CUSTOMER, to: DEDICATED, text: 'STOP' })).toBe(0);
    await expect.poll(async () => (await callApi('GET', '/v1/inbox/unread-count')).body, { timeout: 30_000 }).toEqual({ unread: 1 });
    await go('/inbox');
    await d.page.locator('.inbox li', { hasText: 'STOP' }).filter({ has: d.page.locator('.chip', { hasText: 'Opted out (STOP)' }) }).waitFor();
    await d.page.getByTestId('unread-count').filter({ hasText: '1 unread reply' }).waitFor();
    await shot('inbox-opt-out');
    await sendFromUi([CUSTOMER, '+32475300002'], 'Last call for tonight', DEDICATED);
    await d.page.getByText('Accepted: 1, refused: 1.').waitFor();
    const refused = d.page.getByTestId('send-result').locator('tr.rejected');
    await expect(refused.textContent()).resolves.toBe(`${CUSTOMER}Refused: the recipient asked not to receive messages (STOP)`);
    await shot('sms-result-opted-out');
  });

  it('registers a sender name in Settings > Sender IDs and sends from it', async () => {
    await go('/settings/senders');
    await d.page.getByLabel('Name (up to 11 letters, digits or spaces)').fill('AcmeShop');
    await d.page.getByRole('button', { name: 'Register name' }).click();
    await d.page.getByText('Name registered.').waitFor();
    await d.page.getByRole('cell', { name: 'Name AcmeShop', exact: true }).waitFor();
    await d.page.getByRole('button', { name: 'Delete the sender Name AcmeShop' }).waitFor();
    await go('/sms');
    const sender = d.page.getByLabel('Sender');
    await sender.locator('option', { hasText: 'Name AcmeShop' }).waitFor({ state: 'attached' });
    await expect(sender.locator('option', { hasText: `Your number ${DEDICATED}` }).count()).resolves.toBe(1);
    await sendFromUi(['+32475300003'], 'Your parcel is on its way', 'AcmeShop');
    await d.page.getByTestId('send-result').getByRole('link').first().click();
    await d.page.getByTestId('detail-status').filter({ hasText: 'Delivered' }).waitFor({ timeout: 30_000 });
    expect(d.herald.simulator.submits.some((s) => s.source === 'AcmeShop' && s.destination.endsWith('32475300003'))).toBe(true);
  });
}
