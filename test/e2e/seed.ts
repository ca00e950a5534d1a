// Data a test makes through the API before it opens a page, so that it needs
// no other test to have made it first.
import { expect } from 'vitest';
import type { Suite } from './fixture.js';

type Api = Suite['api'];

async function ok(api: Api, method: string, path: string, body?: unknown): Promise<any> {
  const res = await api(method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

export async function ownAccountId(api: Api): Promise<string> {
  return ((await ok(api, 'GET', '/v1/auth/session')) as { account: { id: string } }).account.id;
}

/** Credit in euros, added by the operator (the owner of the installation's first account is one). */
export async function topUp(api: Api, euros: number, accountId?: string): Promise<void> {
  await ok(api, 'POST', `/v1/admin/accounts/${accountId ?? (await ownAccountId(api))}/top-up`, { amount: euros * 100, note: 'e2e' });
}

export async function createContact(api: Api, name: string, mobile: string, extra: Record<string, unknown> = {}): Promise<{ id: string }> {
  return ok(api, 'POST', '/v1/contacts', { name, phones: [{ type: 'mobile', number: mobile }], ...extra });
}

export async function createList(api: Api, name: string, contactIds: string[]): Promise<{ id: string }> {
  const list = (await ok(api, 'POST', '/v1/lists', { name, address_book: 'personal' })) as { id: string };
  if (contactIds.length) await ok(api, 'POST', `/v1/lists/${list.id}/members`, { members: contactIds.map((contact) => ({ contact })) });
  return list;
}

/** Sends and waits until the SMS centre simulator's receipts have made every message final. */
export async function sendDelivered(api: Api, to: string[], text: string, sender?: string): Promise<void> {
  const sent = (await ok(api, 'POST', '/v1/messages', { to, text, ...(sender && { sender }) })) as { accepted: { id: string }[] };
  const ids = sent.accepted.map((m) => m.id);
  expect(ids.length, JSON.stringify(sent)).toBe(to.length);
  for (const id of ids) {
    await until(`message ${id} delivered`, async () => ((await api('GET', `/v1/messages/${id}`)).body as { status: string }).status === 'delivered');
  }
}

/** Asks `check` again until it answers true; usable in beforeAll, unlike expect.poll. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
