import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { parseNumber } from '../numbers/index.js';
import { forgetSenders } from './resolve-sender.js';
import * as repo from './senders.repository.js';
import type { SenderNumber } from './types.js';

const view = (r: repo.SenderNumberRow): SenderNumber => ({ number: r.number, kind: r.kind, accountId: r.account_id, createdAt: r.created_at });

function e164(value: string, field = 'number'): string {
  const parsed = parseNumber(value.startsWith('+') ? value : `+${value}`);
  if (!parsed.ok) throw invalid(field, `${value} ${parsed.reason}`, parsed.problem);
  return parsed.number.e164;
}

// The account is named by an administrator, so an unknown one is bad input, not a crash.
async function noSuchAccount<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if ((error as { code?: string }).code === '23503') throw invalid('account_id', 'There is no such account');
    throw error;
  }
}

/** An administrator adds a number the installation holds: to the shared pool, or dedicated (optionally assigned at once). */
export async function addSenderNumber(db: Executor, input: { number: string; kind: 'pool' | 'dedicated'; accountId?: string | null }): Promise<SenderNumber> {
  if (input.kind === 'pool' && input.accountId) throw invalid('account_id', 'A pool number is shared by every account; only a dedicated number is assigned');
  const row = await noSuchAccount(repo.insertSenderNumber(db, { number: e164(input.number), kind: input.kind, accountId: input.accountId ?? null }));
  if (!row) throw new AppError('conflict', `${e164(input.number)} is already a sender number`, { field: 'number' });
  // Every account's pool size changed (a dedicated number: at most one account's, but rarely worth the distinction).
  forgetSenders(db);
  return view(row);
}

export async function listSenderNumbers(db: Executor, filter: { accountId?: string } = {}): Promise<SenderNumber[]> {
  return (await repo.listSenderNumbers(db, filter)).map(view);
}

/** Assigns a dedicated number to an account, or takes it back with null. Replies to it follow at once. */
export async function assignSenderNumber(db: Executor, number: string, accountId: string | null): Promise<SenderNumber> {
  const row = await db.transaction().execute(async (tx) => {
    const updated = await noSuchAccount(repo.setNumberAccount(tx, e164(number), accountId));
    if (updated) await repo.deleteDefaultsNaming(tx, updated.number, { exceptAccountId: accountId });
    return updated;
  });
  if (!row) throw notFound('Dedicated number');
  forgetSenders(db);
  return view(row);
}

/** Removing a pool number also forgets its pairings: replies to it are then unroutable. */
export async function removeSenderNumber(db: Executor, number: string): Promise<void> {
  const stored = e164(number);
  const removed = await db.transaction().execute(async (tx) => {
    const found = await repo.deleteSenderNumber(tx, stored);
    if (found) await repo.deleteDefaultsNaming(tx, stored);
    return found;
  });
  if (!removed) throw notFound('Sender number');
  forgetSenders(db);
}
