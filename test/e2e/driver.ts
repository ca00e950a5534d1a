// The few moves every end-to-end test makes on its file's Herald and its own
// page. The fields are filled in by the hooks of fixture.ts (useHerald): the
// page is a new one for each test, so a move reads it when it runs.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, type Herald } from './harness.js';

export interface Driver {
  herald: Herald;
  page: Page;
}

export function moves(d: Driver) {
  const shot = (name: string) => d.page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const go = async (path: string) => {
    await d.page.goto(d.herald.url + path);
    await d.page.locator('main h1').first().waitFor();
    // The heading shows before the page's data: a form filled then can move
    // under the click once a list above it arrives, so act once the reads are done.
    await d.page.waitForLoadState('networkidle');
  };
  /** The API as the signed-in page calls it (session cookie and CSRF token); for files that drive their own page rather than useHerald's. */
  const callApi = (method: string, path: string, body?: unknown) =>
    d.page.evaluate(async ([method, path, body]) => {
      const session = (await (await fetch('/v1/auth/session')).json()) as { csrf_token: string; account: { id: string } };
      const init: RequestInit = { method, headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token } };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await fetch(path, init);
      return { status: res.status, body: (await res.json()) as unknown, accountId: session.account.id };
    }, [method, path, body] as const);
  /** Sends one SMS from the SMS page, as a person would, and waits for the result. */
  const sendFromUi = async (to: string[], text: string, sender?: string) => {
    await go('/sms');
    for (const n of to) {
      await d.page.getByLabel('Mobile').fill(n);
      await d.page.getByRole('button', { name: 'Add', exact: true }).click();
      await d.page.locator('.recipients li', { hasText: n }).waitFor();
    }
    await d.page.getByLabel('Message', { exact: true }).fill(text);
    if (sender) await d.page.getByLabel('Sender').selectOption(sender);
    await d.page.getByRole('button', { name: 'Send', exact: true }).click();
    await d.page.getByRole('heading', { name: 'Result' }).waitFor();
  };
  return { shot, go, callApi, sendFromUi };
}
