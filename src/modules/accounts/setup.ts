import type { Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { countAccounts, insertAccount, insertUser, lockSetup, type UserRow } from './accounts.repository.js';
import { consumeToken, insertToken, invalidateTokens, peekToken } from './credentials.repository.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import { hashToken, newOpaqueToken } from './tokens.js';
import { checkCountry, checkTimezone, normaliseEmail } from './validation.js';

const SETUP_HOURS = 24;

export async function isSetupNeeded(db: Executor): Promise<boolean> {
  return (await countAccounts(db)) === 0;
}

/**
 * On an empty installation, a fresh one-time link that creates the first
 * owner (earlier links stop working). Nothing when set up already: there is
 * never a default password.
 */
export async function issueSetupLink(db: Executor, publicUrl: string): Promise<string | null> {
  return db.transaction().execute(async (tx) => {
    await lockSetup(tx);
    if (!(await isSetupNeeded(tx))) return null;
    await invalidateTokens(tx, 'setup', null);
    const { token, hash } = newOpaqueToken();
    await insertToken(tx, { token_hash: hash, purpose: 'setup', user_id: null, expires_at: new Date(Date.now() + SETUP_HOURS * 3600_000) });
    return `${publicUrl}/setup#token=${token}`;
  });
}

export async function isSetupTokenValid(db: Executor, token: string): Promise<boolean> {
  const row = await peekToken(db, hashToken(token));
  return row?.purpose === 'setup';
}

export interface CompleteSetupInput {
  token: string;
  accountName: string;
  name: string;
  email: string;
  password: string;
  defaultCountry?: string;
  timezone?: string;
}

/** Creates the installation's own (operator) account and its first owner. */
export async function completeSetup(db: Executor, input: CompleteSetupInput): Promise<UserRow> {
  const email = normaliseEmail(input.email);
  checkPasswordPolicy(input.password);
  const country = checkCountry(input.defaultCountry ?? 'BE');
  const timezone = checkTimezone(input.timezone ?? 'UTC');
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    await lockSetup(tx);
    if (!(await isSetupNeeded(tx))) throw new AppError('setup_already_done', 'Herald is already set up; sign in instead');
    const token = await consumeToken(tx, hashToken(input.token), ['setup']);
    if (!token) throw new AppError('invalid_token', 'This setup link is not valid any more; restart Herald for a new one', { field: 'token' });
    const account = await insertAccount(tx, {
      id: newId('acct'),
      name: input.accountName.trim(),
      parent_id: null,
      is_operator: true,
      default_country: country,
      timezone,
    });
    return insertUser(tx, {
      id: newId('usr'),
      account_id: account.id,
      email,
      name: input.name.trim(),
      role: 'owner',
      password_hash: passwordHash,
      password_changed_at: new Date(),
    });
  });
}
