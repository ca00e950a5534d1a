import type { Executor } from '../../platform/db/index.js';
import { invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { findAccount, insertAccount, listChildAccounts, listUsers, updateAccount, type AccountRow, type UserRow } from './accounts.repository.js';
import { listApiKeys } from './credentials.repository.js';
import type { Principal } from './principal.js';
import * as ledger from '../ledger/index.js';
import type { Locale } from '../texts/index.js';
import { userLocale } from './recipients.js';
import { inviteUser } from './users.js';
import { checkCountry, checkTimezone } from './validation.js';

export interface CreateSubaccountInput {
  name: string;
  spendingLimitMinor?: bigint | null;
  defaultCountry?: string;
  timezone?: string;
  owner: { email: string; name?: string; locale?: Locale };
}

/** A child account with its own owner (invited by email) and an optional spending limit. */
export async function createSubaccount(
  db: Executor,
  principal: Principal,
  input: CreateSubaccountInput,
  publicUrl: string,
): Promise<{ account: AccountRow; owner: UserRow; invitationLink: string }> {
  const parent = await findAccount(db, principal.accountId);
  if (!parent) throw notFound('Account');
  if (input.spendingLimitMinor !== undefined && input.spendingLimitMinor !== null && input.spendingLimitMinor < 0n) {
    throw invalid('spending_limit', 'Must be zero or more');
  }
  const inviterLocale = await userLocale(db, principal.userId);
  return db.transaction().execute(async (tx) => {
    const account = await insertAccount(tx, {
      id: newId('acct'),
      name: input.name.trim(),
      parent_id: parent.id,
      default_country: checkCountry(input.defaultCountry ?? parent.default_country),
      timezone: checkTimezone(input.timezone ?? parent.timezone),
      spending_limit_minor: input.spendingLimitMinor ?? null,
    });
    const { user, link } = await inviteUser(tx, account.id, { email: input.owner.email, name: input.owner.name, role: 'owner', locale: input.owner.locale ?? inviterLocale }, publicUrl);
    return { account, owner: user, invitationLink: link };
  });
}

export function listSubaccounts(db: Executor, principal: Principal): Promise<AccountRow[]> {
  return listChildAccounts(db, principal.accountId);
}

export interface SubaccountUsage {
  users: number;
  activeApiKeys: number;
  /** Spent this calendar month (its own time zone), with its own subaccounts, in minor units. */
  spentThisMonthMinor: bigint;
  month: string;
}

/** Only the direct parent reaches a subaccount here; anyone else gets not found. */
export async function getSubaccount(db: Executor, principal: Principal, id: string): Promise<{ account: AccountRow; usage: SubaccountUsage }> {
  const account = await findAccount(db, id);
  if (!account || account.parent_id !== principal.accountId) throw notFound('Subaccount');
  const [users, keys, balances] = await Promise.all([listUsers(db, id), listApiKeys(db, id), ledger.getBalances(db, id)]);
  return {
    account,
    usage: {
      users: users.length,
      activeApiKeys: keys.filter((k) => !k.revoked_at).length,
      spentThisMonthMinor: balances.spending?.spentMinor ?? 0n,
      month: balances.spending?.month ?? '',
    },
  };
}

export async function updateSubaccount(
  db: Executor,
  principal: Principal,
  id: string,
  patch: { name?: string; spendingLimitMinor?: bigint | null },
): Promise<AccountRow> {
  const { account } = await getSubaccount(db, principal, id);
  if (patch.spendingLimitMinor !== undefined && patch.spendingLimitMinor !== null && patch.spendingLimitMinor < 0n) {
    throw invalid('spending_limit', 'Must be zero or more');
  }
  const updated = await updateAccount(db, account.id, {
    ...(patch.name !== undefined && { name: patch.name.trim() }),
    ...(patch.spendingLimitMinor !== undefined && { spending_limit_minor: patch.spendingLimitMinor }),
  });
  return updated!;
}
