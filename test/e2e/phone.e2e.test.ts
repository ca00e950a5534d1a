// Every page of the web app on a phone (issue 14 item 6): at 390 × 844 no page
// scrolls sideways (the root's and the body's scrollWidth stay within the
// viewport), the key actions are on screen (a contact's Edit and Delete, Sent's
// Status), and the menu opens. With realistic data: long names, emails and
// addresses, sent messages, replies, lists. The pages walked are the server's
// own list (APP_PATHS), so a page added there is walked too: give it a ready
// condition in READY when it shows data, else it is ready at its heading.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_PATHS } from '../../src/http/pages.js';
import { moves } from './driver.js';
import { useHerald } from './fixture.js';
import { ARTIFACTS, browserAvailable } from './harness.js';
import { createContact, createList, ownAccountId, sendDelivered, topUp, until } from './seed.js';

const PHONE = { width: 390, height: 844 };
const DEDICATED = '+3225550400';
const LONG = {
  contact: 'Maximilian Alexander Vandenberghe-Oppenheimer',
  organisation: 'Vandenberghe International Logistics and Shipping Consolidated',
  email: 'maximilian.alexander.vandenberghe-oppenheimer@international-logistics.example.com',
  list: 'Customers who booked the spring newsletter campaign twenty twenty-six',
  text: 'Dear customer, your appointment for the annual maintenance of your heating installation is confirmed for Thursday 14 May between 08:00 and 12:00. Reply STOP to opt out.',
  reply: 'Thanks! Could the technician please call me half an hour before arriving? The entrance is at the back of the building, next to the bakery.',
  webhook: 'http://127.0.0.1:9/hooks/a-very-long-path-for-the-phone-layout-check/with/several/segments?and=a-query-string',
};
/** Pages only a signed-out visitor sees; the rest are walked signed in. */
const SIGNED_OUT = new Set(['/setup', '/reset-password', '/forgot-password']);
/** What shows that a page has its data; pages not named here are ready at their heading. */
const READY: Record<string, (page: Page) => Locator> = {
  '/': (p) => p.locator('.tiles'),
  '/contacts': (p) => p.getByTestId('contacts-table').getByText(LONG.contact),
  '/lists': (p) => p.getByTestId('list-members').getByText(LONG.contact),
  '/sent': (p) => p.getByTestId('sent-table').locator('.chip-delivered').first(),
  '/inbox': (p) => p.locator('.inbox li', { hasText: 'half an hour' }),
  '/settings/quotas': (p) => p.getByTestId('quota-chart'),
  '/settings/senders': (p) => p.getByRole('cell', { name: 'Name AcmeShop', exact: true }),
  '/settings/api-keys': (p) => p.locator('main').getByText('Booking system integration for the front desk'),
  '/settings/webhooks': (p) => p.getByTestId('webhook').first(),
  '/settings/users': (p) => p.locator('main').getByText('frontdesk.team.member@example.com'),
  '/settings/subaccounts': (p) => p.locator('main input[value="Antwerp Harbour Branch Office"]'),
};
/** Steps that open what a page hides until asked (the list editor). */
const OPEN: Record<string, (page: Page) => Promise<void>> = {
  '/lists': (p) => p.getByRole('button', { name: new RegExp(`^${LONG.list}`) }).click(),
};

/** For the failure message: the elements reaching past the viewport, outside any box that scrolls on its own. */
const WIDEST = `[...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5)
  .filter((e) => { for (let a = e.parentElement; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return false; return true; })
  .slice(-6).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/ +/).join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')`;

const run = browserAvailable() ? describe : describe.skip;

run('the web app on a phone', () => {
  const suite = useHerald({ label: 'phone', viewport: PHONE });
  const { shot, go } = moves(suite);
  let messageId = '';

  beforeAll(async () => {
    const api = suite.api;
    await topUp(api, 20);
    const long = await createContact(api, LONG.contact, '+32475500001', { organisation: LONG.organisation, emails: [LONG.email] });
    const other = await createContact(api, 'Bo', '+32475500002');
    await createList(api, LONG.list, [long.id, other.id]);
    expect((await api('POST', '/v1/admin/sender-numbers', { number: DEDICATED, kind: 'dedicated', account_id: await ownAccountId(api) })).status).toBe(201);
    expect((await api('POST', '/v1/senders/names', { name: 'AcmeShop' })).status).toBeLessThan(300);
    await sendDelivered(api, ['+32475500001'], LONG.text, DEDICATED);
    messageId = ((await api('GET', '/v1/messages?limit=1')).body as { data: { id: string }[] }).data[0]!.id;
    expect(await suite.herald.simulator.sendMo({ from: '+32475500001', to: DEDICATED, text: LONG.reply })).toBe(0);
    await until('the reply in the Inbox', async () => ((await api('GET', '/v1/inbox/unread-count')).body as { unread: number }).unread === 1);
    for (const [path, body] of [
      ['/v1/webhooks', { url: LONG.webhook, events: ['message.failed'] }],
      ['/v1/api-keys', { name: 'Booking system integration for the front desk', scopes: ['messages:read'] }],
      ['/v1/users', { email: 'frontdesk.team.member@example.com', name: 'Front Desk Team Member', role: 'member' }],
      ['/v1/subaccounts', { name: 'Antwerp Harbour Branch Office', owner: { email: 'antwerp.harbour.branch@example.com' } }],
    ] as const) {
      const res = await api('POST', path, body);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    }
  });

  /** Measured once the page shows its data: wider than the viewport means it scrolls sideways. */
  const fits = async (page: Page, label: string) => {
    const [root, body] = await page.evaluate<number[]>('[document.documentElement.scrollWidth, document.body.scrollWidth]');
    const culprits = root! > PHONE.width || body! > PHONE.width ? await page.evaluate<string[]>(WIDEST) : [];
    expect(root, `${label}: the page's width; too wide: ${culprits.join(', ')}`).toBeLessThanOrEqual(PHONE.width);
    expect(body, `${label}: the body's width; too wide: ${culprits.join(', ')}`).toBeLessThanOrEqual(PHONE.width);
  };
  /** Whether the element is wholly within the viewport's width, where a thumb reaches it without scrolling. */
  const onScreen = async (locator: Locator) => {
    const box = await locator.boundingBox();
    return box !== null && box.x >= 0 && box.x + box.width <= PHONE.width;
  };

  it('walks every page of the app, signed in and out', () => {
    const walked = new Set([...SIGNED_OUT, ...APP_PATHS.filter((p) => !SIGNED_OUT.has(p))]);
    expect([...walked].sort()).toEqual([...APP_PATHS].sort());
  });

  for (const path of [...APP_PATHS.filter((p) => !SIGNED_OUT.has(p)), '/sent?id=']) {
    it(`fits ${path} at 390 px`, async () => {
      const { page } = suite;
      await go(path === '/sent?id=' ? `/sent?id=${messageId}` : path);
      await OPEN[path]?.(page);
      await (READY[path] ?? ((p: Page) => p.locator('main h1').first()))(page).waitFor();
      if (path === '/sent?id=') await page.getByTestId('detail-status').filter({ hasText: 'Delivered' }).waitFor();
      expect(await page.locator('.error-note').count(), 'an error on the page').toBe(0);
      await fits(page, path);
      await shot(`phone${path.replace(/[^a-z0-9]+/gi, '-')}`);
    });
  }

  it('shows a contact\'s Edit and Delete, and Sent\'s Status, on screen', async () => {
    const { page } = suite;
    await go('/contacts');
    for (const name of [`Edit ${LONG.contact}`, `Delete ${LONG.contact}`]) {
      const button = page.getByRole('button', { name });
      await button.waitFor();
      await expect.poll(() => onScreen(button), { message: name }).toBe(true);
    }
    await go('/sent');
    const status = page.getByTestId('sent-table').locator('.chip-delivered').first();
    await status.waitFor();
    await expect.poll(() => onScreen(status), { message: 'the Status column' }).toBe(true);
  });

  it('opens the menu with every tool on screen', async () => {
    const { page } = suite;
    await go('/sms');
    await page.getByRole('button', { name: 'Menu' }).click();
    for (const tool of ['SMS', 'Contacts', 'Lists', 'Sent', 'Inbox', 'Settings']) {
      const link = page.locator('#nav').getByRole('link', { name: new RegExp(`^${tool}`) });
      await link.waitFor();
      await expect.poll(() => onScreen(link), { message: tool }).toBe(true);
    }
    await fits(page, 'the open menu');
    await shot('phone-menu');
  });

  for (const path of [...SIGNED_OUT, '/']) {
    it(`fits ${path} at 390 px signed out`, async () => {
      const page = await suite.newPage({ signedIn: false });
      await page.goto(suite.herald.url + path);
      await page.locator('main h1').first().waitFor();
      await fits(page, `${path} signed out`);
      await page.screenshot({ path: join(ARTIFACTS, `phone-signed-out${path.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
    });
  }
});
