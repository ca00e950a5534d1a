import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { enqueueEmail } from '../mail/index.js';
import { DEFAULT_LOCALE, type Locale } from '../texts/index.js';
import {
  countOwners,
  deleteUser,
  findAccount,
  findUserByEmail,
  findUserInAccount,
  insertUser,
  listUsers as listUserRows,
  updateUser as updateUserRow,
  type UserRow,
} from './accounts.repository.js';
import { deleteUserSessions, insertToken, revokeUserApiKeys } from './credentials.repository.js';
import { invitationEmail } from './emails.js';
import { mayGrantRole, type Principal, type Role } from './principal.js';
import { userLocale } from './recipients.js';
import { newOpaqueToken } from './tokens.js';
import { checkTimezone, normaliseEmail } from './validation.js';

const INVITATION_DAYS = 7;

export interface Invitee {
  email: string;
  name?: string;
  role: Role;
  /** Their language, which the invitation is written in: the inviter's when not given. */
  locale?: Locale;
}

/**
 * Creates a user without a password and emails them a link to choose one.
 * Returns the link too, for the CLI and for installations without SMTP.
 */
export async function inviteUser(
  db: Executor,
  accountId: string,
  input: Invitee,
  publicUrl: string,
): Promise<{ user: UserRow; link: string }> {
  const email = normaliseEmail(input.email);
  const account = await findAccount(db, accountId);
  if (!account) throw notFound('Account');
  if (await findUserByEmail(db, email)) throw new AppError('conflict', 'A user with this email exists already', { field: 'email', reason: 'email_taken' });
  const { token, hash } = newOpaqueToken();
  const locale = input.locale ?? DEFAULT_LOCALE;
  const user = await insertUser(db, {
    id: newId('usr'),
    account_id: accountId,
    email,
    name: input.name?.trim() ?? '',
    role: input.role,
    locale,
    password_hash: null,
  });
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
  await insertToken(db, { token_hash: hash, purpose: 'invitation', user_id: user.id, expires_at: expiresAt });
  const link = `${publicUrl}/reset-password#token=${token}`;
  await enqueueEmail(db, { to: email, ...invitationEmail(link, account.name, INVITATION_DAYS, locale), accountId, secret: { token, hash, expiresAt } });
  return { user, link };
}

/**
 * A credential never creates a more powerful one: only a signed-in person
 * grants a role, never above their own nor with a scope they lack (so no
 * invitation or promotion hands out `operator`).
 */
async function checkMayGrant(db: Executor, principal: Principal, role: Role): Promise<void> {
  const account = await findAccount(db, principal.accountId);
  if (!account) throw notFound('Account');
  if (!mayGrantRole(principal, role, account.is_operator)) {
    const why = principal.kind !== 'session' ? 'Only a signed-in user can give someone a role' : `You cannot give the ${role} role: it is above your own`;
    throw new AppError('forbidden', why, { field: 'role' });
  }
}

/** Inviting from the API: nobody invites above their own role. */
export async function inviteUserAs(
  db: Executor,
  principal: Principal,
  input: Invitee,
  publicUrl: string,
): Promise<{ user: UserRow; link: string }> {
  await checkMayGrant(db, principal, input.role);
  return inviteUser(db, principal.accountId, { ...input, locale: input.locale ?? (await userLocale(db, principal.userId)) }, publicUrl);
}

export function listUsers(db: Executor, principal: Principal): Promise<UserRow[]> {
  return listUserRows(db, principal.accountId);
}

export async function getUser(db: Executor, principal: Principal, id: string): Promise<UserRow> {
  const user = await findUserInAccount(db, principal.accountId, id);
  if (!user) throw notFound('User');
  return user;
}

export interface UserPatch {
  name?: string;
  role?: Role;
  locale?: string;
  timezone?: string | null;
  disabled?: boolean;
}

/**
 * Owners and admins change others; nobody promotes above their own role;
 * only an owner changes or disables an owner; an account keeps one owner.
 */
export async function updateUser(db: Executor, principal: Principal, id: string, patch: UserPatch): Promise<UserRow> {
  return db.transaction().execute(async (tx) => {
    const user = await getUser(tx, principal, id);
    const touchesOwner = patch.role !== undefined && (patch.role === 'owner' || user.role === 'owner');
    if (touchesOwner && principal.role !== 'owner') throw new AppError('forbidden', 'Only an owner can grant or remove the owner role', { field: 'role' });
    if (patch.role !== undefined && patch.role !== user.role) await checkMayGrant(tx, principal, patch.role);
    if (patch.disabled !== undefined && user.role === 'owner' && principal.role !== 'owner') {
      throw new AppError('forbidden', 'Only an owner can disable or enable an owner', { field: 'disabled' });
    }
    const demotes = (patch.role !== undefined && patch.role !== 'owner') || patch.disabled === true;
    if (user.role === 'owner' && demotes && (await countOwners(tx, user.account_id)) <= 1) {
      throw new AppError('conflict', 'An account needs at least one active owner', { field: patch.role ? 'role' : 'disabled' });
    }
    if (patch.timezone) checkTimezone(patch.timezone);
    const updated = await updateUserRow(tx, user.id, {
      ...(patch.name !== undefined && { name: patch.name.trim() }),
      ...(patch.role !== undefined && { role: patch.role }),
      ...(patch.locale !== undefined && { locale: patch.locale }),
      ...(patch.timezone !== undefined && { timezone: patch.timezone }),
      ...(patch.disabled !== undefined && { disabled_at: patch.disabled ? (user.disabled_at ?? new Date()) : null }),
    });
    if (patch.disabled) await deleteUserSessions(tx, user.id);
    return updated!;
  });
}

export async function removeUser(db: Executor, principal: Principal, id: string): Promise<void> {
  if (id === principal.userId) throw invalid('id', 'You cannot remove yourself; ask another owner or admin');
  await db.transaction().execute(async (tx) => {
    const user = await getUser(tx, principal, id);
    if (user.role === 'owner' && principal.role !== 'owner') throw new AppError('forbidden', 'Only an owner can remove an owner');
    if (user.role === 'owner' && (await countOwners(tx, user.account_id)) <= 1) {
      throw new AppError('conflict', 'An account needs at least one active owner');
    }
    await revokeUserApiKeys(tx, user.id);
    await deleteUser(tx, user.id);
  });
}
