// The statements one accept makes, counted in the benchmark's own process
// through the same modules Herald runs: a note, not a figure.
import * as accounts from '../../src/modules/accounts/index.js';
import * as messages from '../../src/modules/messages/index.js';
import type { Executor } from '../../src/platform/db/index.js';
import { countStatements } from './pg-observer.js';
import { mobile, SENDER, TEXT } from './sms-send.js';
import type { Tenant } from './tenant.js';
import { round } from './knobs.js';

const note = (label: string, value: unknown) => process.stdout.write(`# ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);

export async function census(db: Executor, tenant: Tenant, host: string): Promise<void> {
  const auth = await countStatements(() => accounts.authenticateApiKey(db, tenant.secret, host));
  note('census auth (per request, API key)', auth.statements.map((s) => s.text));
  for (const n of [1, 1000]) {
    const accept = await countStatements(() =>
      messages.acceptMessages(db, { accountId: tenant.accountId, actorId: tenant.keyId }, { to: Array.from({ length: n }, (_, i) => mobile(7_000_000 + n * 10 + i)), text: TEXT, sender: SENDER }, { defaultSender: SENDER }),
    );
    const lockAt = accept.statements.findIndex((s) => /ledger_wallets .*for update/i.test(s.full));
    const commitAt = accept.statements.findIndex((s) => /^commit/i.test(s.full));
    const held = lockAt >= 0 && commitAt >= 0 ? accept.statements[commitAt]!.endMs - accept.statements[lockAt]!.startMs : null;
    const inTx = lockAt >= 0 && commitAt >= 0 ? commitAt - lockAt + 1 : null;
    note(`census accept (${n} recipient${n > 1 ? 's' : ''})`, {
      statements: accept.statements.length,
      wallet_lock_held_ms_unloaded: held === null ? null : round(held, 2),
      statements_under_wallet_lock: inTx,
      list: accept.statements.map((s) => `${round(s.endMs - s.startMs, 2)}ms ${s.text}`),
    });
  }
}
