import type { Executor } from '../../platform/db/index.js';
import { followsNameRule, parseSender } from './parse-sender.js';
import * as repo from './senders.repository.js';
import { POOL, type SenderChoice } from './types.js';

/**
 * Every sender the caller can pick, in the order a form offers them: the
 * installation's default, the pool, the account's dedicated numbers, its
 * names, then the caller's own mobiles (those awaiting their code too, marked
 * not usable). Other users' mobiles are theirs alone and not listed.
 */
export async function listSenderChoices(db: Executor, caller: { accountId: string; userId?: string | null }, installationDefault: string): Promise<SenderChoice[]> {
  const [ids, numbers, poolSize] = await Promise.all([
    repo.listSenderIds(db, caller.accountId),
    repo.listSenderNumbers(db, { accountId: caller.accountId }),
    repo.countPoolNumbers(db),
  ]);
  const base = parseSender(installationDefault);
  const choices: SenderChoice[] = [
    { id: null, kind: base.ton === 5 ? 'alphanumeric' : 'dedicated', value: base.address, repliable: false, usable: true, meetsNameRule: true, userId: null },
  ];
  if (poolSize > 0) choices.push({ id: null, kind: 'pool', value: POOL, repliable: true, usable: true, meetsNameRule: true, userId: null });
  for (const n of numbers) choices.push({ id: null, kind: 'dedicated', value: n.number, repliable: true, usable: true, meetsNameRule: true, userId: null });
  for (const i of ids) {
    if (i.kind === 'alphanumeric' && i.value !== base.address) choices.push({ id: i.id, kind: 'alphanumeric', value: i.value, repliable: false, usable: true, meetsNameRule: followsNameRule(i.value), userId: null });
  }
  for (const i of ids) {
    if (i.kind === 'mobile' && i.user_id === caller.userId) {
      // Replies to a person's own mobile reach their phone, not Herald.
      choices.push({ id: i.id, kind: 'mobile', value: i.value, repliable: false, usable: i.verified_at !== null, meetsNameRule: true, userId: i.user_id });
    }
  }
  return choices;
}
