import type { Executor } from '../../platform/db/index.js';
import { invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { parseNumber } from '../numbers/index.js';
import { findAccount, findUser, insertAccount, updateAccount, updateUser, type AccountRow, type UserRow } from './accounts.repository.js';
import type { Principal } from './principal.js';
import { inviteUser } from './users.js';
import { forgetSendingSettings } from './sending-settings.js';
import { checkCountry, checkTimezone } from './validation.js';

export async function getAccount(db: Executor, principal: Principal): Promise<AccountRow> {
  const account = await findAccount(db, principal.accountId);
  if (!account) throw notFound('Account');
  return account;
}

export async function updateOwnAccount(
  db: Executor,
  principal: Principal,
  patch: { name?: string; defaultCountry?: string; timezone?: string; smsMaxParts?: number; allowedCountries?: string[] | null },
): Promise<AccountRow> {
  if (patch.smsMaxParts !== undefined && (!Number.isInteger(patch.smsMaxParts) || patch.smsMaxParts < 1 || patch.smsMaxParts > 255)) {
    throw invalid('sms_max_parts', 'Must be a whole number from 1 to 255');
  }
  const countries = patch.allowedCountries?.map((c, i) => checkCountry(c, `allowed_countries[${i}]`));
  const updated = await updateAccount(db, principal.accountId, {
    ...(patch.smsMaxParts !== undefined && { sms_max_parts: patch.smsMaxParts }),
    ...(patch.allowedCountries !== undefined && { allowed_countries: countries ? [...new Set(countries)] : null }),
    ...(patch.name !== undefined && { name: patch.name.trim() }),
    ...(patch.defaultCountry !== undefined && { default_country: checkCountry(patch.defaultCountry) }),
    ...(patch.timezone !== undefined && { timezone: checkTimezone(patch.timezone) }),
  });
  if (!updated) throw notFound('Account');
  forgetSendingSettings(db, principal.accountId);
  return updated;
}

export async function getProfile(db: Executor, principal: Principal): Promise<{ user: UserRow; account: AccountRow }> {
  const user = principal.userId ? await findUser(db, principal.userId) : undefined;
  if (!user) throw notFound('User');
  return { user, account: await getAccount(db, principal) };
}

export async function updateProfile(
  db: Executor,
  principal: Principal,
  patch: { name?: string; locale?: string; timezone?: string | null; mobile?: string | null },
): Promise<UserRow> {
  const { user } = await getProfile(db, principal);
  if (patch.timezone) checkTimezone(patch.timezone);
  const updated = await updateUser(db, user.id, {
    ...(patch.name !== undefined && { name: patch.name.trim() }),
    ...(patch.locale !== undefined && { locale: patch.locale }),
    ...(patch.timezone !== undefined && { timezone: patch.timezone }),
    ...(patch.mobile !== undefined && { mobile: patch.mobile === null || patch.mobile.trim() === '' ? null : ownMobile(patch.mobile) }),
  });
  return updated!;
}

/** For the CLI: a top-level account whose owner chooses a password through the returned link. */
export async function createAccount(
  db: Executor,
  input: { name: string; ownerEmail: string; ownerName?: string; defaultCountry?: string; timezone?: string },
  publicUrl: string,
): Promise<{ account: AccountRow; owner: UserRow; link: string }> {
  return db.transaction().execute(async (tx) => {
    const account = await insertAccount(tx, {
      id: newId('acct'),
      name: input.name.trim(),
      parent_id: null,
      default_country: checkCountry(input.defaultCountry ?? 'BE'),
      timezone: checkTimezone(input.timezone ?? 'UTC'),
    });
    const { user, link } = await inviteUser(tx, account.id, { email: input.ownerEmail, name: input.ownerName, role: 'owner' }, publicUrl);
    return { account, owner: user, link };
  });
}

/**
 * The user's own mobile (kept for notices to come; nothing is sent to it yet): in international format,
 * as the help pages ask, since a person may travel with it.
 */
function ownMobile(typed: string): string {
  const text = typed.trim();
  if (!/^(\+|00)/.test(text)) throw invalid('mobile', `${text} is not in international format (start with + and the country code)`, 'unknown_country_code');
  const parsed = parseNumber(text.startsWith('00') ? `+${text.slice(2)}` : text, { requireMobile: true });
  if (!parsed.ok) throw invalid('mobile', `${text} ${parsed.reason}`, parsed.problem);
  return parsed.number.e164;
}
