import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId, sha256 } from '../../platform/ids.js';
import { getSendingSettings, userLocale } from '../accounts/index.js';
import { parseSender } from './parse-sender.js';
import { parseNumber } from '../numbers/index.js';
import { textsFor } from '../texts/index.js';
import { forgetSenders } from './resolve-sender.js';
import * as repo from './senders.repository.js';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;
export const MAX_CODES = 5;
/** Codes one user may have sent in a day, to any of their numbers. */
export const MAX_CODES_PER_DAY = 10;
/** Codes one account's users may have sent in a day, together. */
export const MAX_ACCOUNT_CODES_PER_DAY = 30;
/** Codes one number may receive in a day, whichever accounts ask: nobody floods someone else's phone. */
export const MAX_NUMBER_CODES_PER_DAY = 5;
const MIN_CODE_INTERVAL_MS = 30_000;

export interface SenderId {
  id: string;
  kind: 'mobile' | 'alphanumeric';
  value: string;
  userId: string | null;
  verified: boolean;
  createdAt: Date;
}

const senderIdView = (r: repo.SenderIdRow): SenderId => ({
  id: r.id, kind: r.kind, value: r.value, userId: r.user_id, verified: r.verified_at !== null, createdAt: r.created_at,
});

/** An alphanumeric name the account may send from. It is never repliable: nobody can answer a name. */
export async function registerAlphanumeric(db: Executor, accountId: string, name: string): Promise<SenderId> {
  const sender = parseSender(name, 'name');
  if (sender.ton !== 5) throw invalid('name', 'An alphanumeric name has at least one letter; register numbers as a mobile');
  const row = await repo.insertSenderId(db, { id: newId('sid'), account_id: accountId, user_id: null, kind: 'alphanumeric', value: sender.address, verified_at: new Date() });
  // Names are unique across accounts, whatever their case (a database index):
  // one account's brand is not another's to send as.
  if (!row) throw new AppError('conflict', `The sender name ${sender.address} is already registered`, { field: 'name', reason: 'name_taken' });
  forgetSenders(db, accountId);
  return senderIdView(row);
}

const codeHash = (id: string, code: string) => sha256(`${id}:${code}`);

/**
 * Registers the user's own mobile (or starts over for one not yet verified)
 * and makes a code for it, which `deliver` sends as `text` (in the user's
 * language); the number is usable as a sender once the code comes back.
 */
export async function startMobileVerification(
  db: Executor,
  caller: { accountId: string; userId: string },
  number: string,
  options: { now?: Date; deliver?: (to: string, text: string, expiresAt: Date, tx: Executor) => Promise<void> } = {},
): Promise<{ senderId: SenderId; code: string; expiresAt: Date }> {
  const now = options.now ?? new Date();
  const settings = await getSendingSettings(db, caller.accountId);
  const parsed = parseNumber(number, { defaultCountry: settings.defaultCountry, requireMobile: true });
  if (!parsed.ok) throw invalid('number', `${number} ${parsed.reason}`, parsed.problem);
  const e164 = parsed.number.e164;
  return db.transaction().execute(async (tx) => {
    let row = await repo.findSenderIdByValue(tx, caller.accountId, 'mobile', e164);
    if (row && row.user_id !== caller.userId) throw new AppError('conflict', `${e164} is registered by another user of this account`, { field: 'number', reason: 'mobile_taken' });
    if (row?.verified_at) throw new AppError('conflict', `${e164} is already verified`, { field: 'number', reason: 'already_verified' });
    row ??= await repo.insertSenderId(tx, { id: newId('sid'), account_id: caller.accountId, user_id: caller.userId, kind: 'mobile', value: e164, verified_at: null });
    if (!row) throw new AppError('conflict', `${e164} is being registered at this moment`, { field: 'number' });
    row = (await repo.findSenderId(tx, caller.accountId, row.id, { forUpdate: true }))!;
    if (row.codes_sent >= MAX_CODES) {
      throw new AppError('rate_limited', `${MAX_CODES} codes were sent to ${e164} already; remove it and start again later`, { field: 'number' });
    }
    const issuedAt = row.code_expires_at ? row.code_expires_at.getTime() - CODE_TTL_MS : 0;
    if (now.getTime() - issuedAt < MIN_CODE_INTERVAL_MS) {
      throw new AppError('rate_limited', 'A code was sent less than 30 seconds ago', { field: 'number', retryAfterSeconds: 30 });
    }
    const refused = await repo.recordCodeSend(tx, { userId: caller.userId, accountId: caller.accountId, number: e164 }, now, new Date(now.getTime() - 86_400_000), {
      user: MAX_CODES_PER_DAY, account: MAX_ACCOUNT_CODES_PER_DAY, number: MAX_NUMBER_CODES_PER_DAY,
    });
    if (refused) {
      const why = { user: `${MAX_CODES_PER_DAY} codes were sent to your numbers`, account: `${MAX_ACCOUNT_CODES_PER_DAY} codes were sent for this account`, number: `${MAX_NUMBER_CODES_PER_DAY} codes were sent to ${e164}` }[refused];
      throw new AppError('rate_limited', `${why} in the last 24 hours; try again tomorrow`, { field: 'number', retryAfterSeconds: 3600 });
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    await repo.updateCode(tx, row.id, { hash: codeHash(row.id, code), expiresAt, countSent: true });
    // Queued in this transaction: the code and its SMS commit together.
    if (options.deliver) {
      const text = textsFor(await userLocale(tx, caller.userId)).verificationSms(code, CODE_TTL_MS / 60_000);
      await options.deliver(e164, text, expiresAt, tx);
    }
    return { senderId: senderIdView(row), code, expiresAt };
  });
}

/** Checks a code; a few wrong ones end it, and a new code must be asked for. */
export async function verifyMobile(db: Executor, caller: { accountId: string; userId: string }, id: string, code: string, now = new Date()): Promise<SenderId> {
  const outcome = await db.transaction().execute(async (tx) => {
    const row = await repo.findSenderId(tx, caller.accountId, id, { forUpdate: true });
    if (!row || row.kind !== 'mobile' || row.user_id !== caller.userId) throw notFound('Sender');
    if (row.verified_at) return { row };
    if (!row.code_hash || !row.code_expires_at || row.code_expires_at.getTime() <= now.getTime()) {
      return { problem: 'The code has expired: ask for a new one', reason: 'code_expired' };
    }
    if (row.code_attempts >= MAX_CODE_ATTEMPTS) return { problem: 'Too many wrong codes: ask for a new one', reason: 'code_attempts_used' };
    const right = /^\d{6}$/.test(code.trim()) && timingSafeEqual(codeHash(row.id, code.trim()), row.code_hash);
    await repo.recordAttempt(tx, row.id, right);
    if (!right) {
      const left = MAX_CODE_ATTEMPTS - row.code_attempts - 1;
      // The attempt must count even though the answer is an error: commit, then throw.
      return left > 0
        ? { problem: `The code is wrong; ${left} attempt${left === 1 ? '' : 's'} left`, reason: 'code_wrong', left }
        : { problem: 'The code is wrong, and that was the last attempt: ask for a new one', reason: 'code_wrong_last' };
    }
    return { row: { ...row, verified_at: now } };
  });
  if ('problem' in outcome) throw invalid('code', outcome.problem!, outcome.reason, outcome.left === undefined ? undefined : { attempts_left: outcome.left });
  forgetSenders(db, caller.accountId);
  return senderIdView(outcome.row!);
}

export async function listSenderIds(db: Executor, accountId: string): Promise<SenderId[]> {
  return (await repo.listSenderIds(db, accountId)).map(senderIdView);
}

/** A user removes their own mobile; names (and others' mobiles) need an account administrator. */
export async function removeSenderId(db: Executor, caller: { accountId: string; userId: string | null; canManageAccount: boolean }, id: string): Promise<void> {
  const row = await repo.findSenderId(db, caller.accountId, id);
  if (!row || !(caller.canManageAccount || (row.kind === 'mobile' && row.user_id === caller.userId))) throw notFound('Sender');
  await db.transaction().execute(async (tx) => {
    await repo.deleteSenderId(tx, caller.accountId, id);
    await repo.deleteDefaultsNaming(tx, row.value, { accountId: caller.accountId });
  });
  forgetSenders(db, caller.accountId);
}
