import type { Executor } from '../../platform/db/index.js';
import { invalid } from '../../platform/errors.js';
import { createTtlCache } from '../../platform/ttl-cache.js';
import { parseSender, registeredName, type Sender } from './parse-sender.js';
import * as repo from './senders.repository.js';
import { POOL } from './types.js';

/**
 * A fixed sender for every recipient, or a pool number picked per recipient;
 * `number` when one pool number was asked for (a reply from the number the
 * conversation went through), which only recipients paired with it may get.
 */
export type ResolvedSender = { kind: 'fixed'; sender: Sender } | { kind: 'pool'; number?: string };

interface AccountSenders {
  accountDefault: string | null;
  userDefaults: Map<string, string>;
  names: Set<string>;
  /** Verified mobiles by the user who verified them. */
  mobiles: Map<string, string>;
  dedicated: Set<string>;
  pool: Set<string>;
}

// Read on every send; a change made by another process shows within two seconds.
const cache = createTtlCache<string, AccountSenders>(2000);

/** Forgets what this process cached of an account's senders (of every account: undefined) after it changed them. */
export function forgetSenders(db: Executor, accountId?: string): void {
  cache.drop(db, accountId);
}

function load(db: Executor, accountId: string): Promise<AccountSenders> {
  return cache.get(db, accountId, async () => {
    const [defaults, ids, numbers, pool] = await Promise.all([
      repo.listDefaults(db, accountId),
      repo.listSenderIds(db, accountId),
      repo.listSenderNumbers(db, { accountId }),
      repo.listPoolNumbers(db),
    ]);
    return {
      accountDefault: defaults.find((d) => d.user_id === null)?.sender ?? null,
      userDefaults: new Map(defaults.flatMap((d) => (d.user_id ? [[d.user_id, d.sender] as const] : []))),
      names: new Set(ids.filter((i) => i.kind === 'alphanumeric').map((i) => i.value)),
      mobiles: new Map(ids.filter((i) => i.kind === 'mobile' && i.verified_at && i.user_id).map((i) => [i.value, i.user_id!])),
      dedicated: new Set(numbers.filter((n) => n.kind === 'dedicated').map((n) => n.number)),
      pool: new Set(pool),
    };
  });
}

/**
 * The sender of a send: the one asked for, else the user's default, else the
 * account's, else the installation's. Refused unless the account may use it:
 * a registered name, a dedicated number of the account, the caller's own
 * verified mobile, the pool, or the installation's default sender.
 */
export async function resolveSender(
  db: Executor,
  caller: { accountId: string; userId?: string | null },
  requested: string | undefined,
  installationDefault: string,
): Promise<ResolvedSender> {
  const senders = await load(db, caller.accountId);
  const userDefault = caller.userId ? senders.userDefaults.get(caller.userId) : undefined;
  const value = (requested ?? userDefault ?? senders.accountDefault ?? installationDefault).trim();
  if (value.toLowerCase() === POOL) {
    if (senders.pool.size === 0) throw invalid('sender', 'This installation has no pool numbers; choose another sender', 'no_pool_numbers');
    return { kind: 'pool' };
  }
  // A name registered before the 1–11 letters, digits and spaces rule is the
  // account's own: it keeps working as registered (the Senders page marks it).
  const sender = senders.names.has(value) ? registeredName(value) : parseSender(value);
  if (sender.address === parseSender(installationDefault).address) return { kind: 'fixed', sender };
  if (sender.ton !== 5 && senders.pool.has(sender.address)) return { kind: 'pool', number: sender.address };
  const allowed = sender.ton === 5
    ? senders.names.has(sender.address)
    : senders.dedicated.has(sender.address) || (caller.userId != null && senders.mobiles.get(sender.address) === caller.userId);
  if (!allowed) {
    const hint = sender.ton === 5 ? 'register the name under Sender IDs' : 'use a dedicated number of the account or your own verified mobile';
    throw invalid('sender', `${sender.address} is not a sender this account may use: ${hint}`, 'sender_not_allowed');
  }
  return { kind: 'fixed', sender };
}

/** What a pool number sends as: a number, repliable. */
export const poolSender = (number: string): Sender => ({ address: number, ton: 1, npi: 1, repliable: true });

/**
 * The pool number each recipient gets from this account, kept from earlier
 * sends or paired now. A recipient every pool number is already paired with
 * (for other accounts) is missing from the answer.
 */
export async function assignPoolNumbers(db: Executor, accountId: string, recipients: string[], preferred: string | null = null): Promise<Map<string, string>> {
  const found = await repo.findPoolAssignments(db, accountId, recipients);
  // A concurrent send of another account may take the number our insert
  // picked for a recipient; the next round picks another. Each round that
  // leaves a recipient unpaired took a free number away from it, so a pool of
  // n numbers settles within n + 1 rounds, however many sends compete; it
  // stops at once when no recipient left has a free number.
  let rounds = 2;
  for (let round = 0; round < rounds && found.size < recipients.length; round++) {
    if (round === 1) rounds = (await repo.countPoolNumbers(db)) + 1;
    const missing = recipients.filter((r) => !found.has(r));
    if ((await repo.insertPoolAssignments(db, accountId, missing, preferred)) === 0) break;
    for (const [r, n] of await repo.findPoolAssignments(db, accountId, missing)) found.set(r, n);
  }
  return found;
}

/** Sets or clears the default sender of the account (userId null) or of one user; checked as a send would check it. */
export async function setDefaultSender(
  db: Executor,
  caller: { accountId: string; userId?: string | null },
  target: { userId: string | null },
  sender: string | null,
  installationDefault: string,
): Promise<void> {
  let value: string | null = null;
  if (sender !== null) {
    // Checked as whoever will send with it: the account's default serves every
    // user and API key, so one person's own mobile cannot be it.
    const resolved = await resolveSender(db, { accountId: caller.accountId, userId: target.userId }, sender, installationDefault);
    value = resolved.kind === 'pool' ? POOL : resolved.sender.address;
  }
  await db.transaction().execute((tx) => repo.setDefault(tx, caller.accountId, target.userId, value));
  forgetSenders(db, caller.accountId);
}

/** The defaults as set (null where none is). */
export async function getDefaultSenders(db: Executor, accountId: string, userId: string | null): Promise<{ account: string | null; user: string | null }> {
  const senders = await load(db, accountId);
  return { account: senders.accountDefault, user: userId ? senders.userDefaults.get(userId) ?? null : null };
}
