import type { Executor } from '../../platform/db/index.js';
import { toLocale, type Locale } from '../texts/index.js';
import { findUser, findUserByEmail, listUsers } from './accounts.repository.js';

// Whom Herald writes to, and in which language: a known user reads their own
// locale; anyone else reads the account's (its first owner's), else the installation's.

export async function userLocale(db: Executor, userId: string | null): Promise<Locale> {
  return toLocale(userId ? (await findUser(db, userId))?.locale : null);
}

export async function accountLocale(db: Executor, accountId: string): Promise<Locale> {
  const users = await listUsers(db, accountId);
  const owner = users.find((u) => u.role === 'owner' && u.disabled_at === null) ?? users[0];
  return toLocale(owner?.locale);
}

/** The language of an email address the account writes to (a forwarding rule's). */
export async function recipientLocale(db: Executor, accountId: string, email: string): Promise<Locale> {
  const user = await findUserByEmail(db, email);
  return user ? toLocale(user.locale) : accountLocale(db, accountId);
}

/** Where notices about the account go: its active owners and administrators, each in their language. */
export async function accountAdminRecipients(db: Executor, accountId: string): Promise<{ email: string; locale: Locale }[]> {
  const users = await listUsers(db, accountId);
  return users
    .filter((u) => (u.role === 'owner' || u.role === 'admin') && u.disabled_at === null)
    .map((u) => ({ email: u.email, locale: toLocale(u.locale) }));
}
