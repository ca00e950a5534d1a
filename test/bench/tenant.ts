import * as accounts from '../../src/modules/accounts/index.js';
import * as ledger from '../../src/modules/ledger/index.js';
import type { Executor } from '../../src/platform/db/index.js';

export interface Tenant {
  accountId: string;
  userId: string;
  keyId: string;
  secret: string;
}

/** An account with credit and an API key of `scopes`, made straight in the database: set-up, not what is measured. */
export async function createTenant(db: Executor, name: string, publicUrl: string, scopes: accounts.Scope[]): Promise<Tenant> {
  const { account, owner } = await accounts.createAccount(db, { name, ownerEmail: `${name.toLowerCase()}@bench.example.org` }, publicUrl);
  const principal: accounts.Principal = {
    kind: 'session', accountId: account.id, homeAccountId: account.id, userId: owner.id, role: 'owner', scopes,
    sessionId: null, csrfToken: null, apiKeyId: null,
  };
  await ledger.topUp(db, { walletAccountId: account.id, amountMinor: 10_000_000_000n, note: 'benchmark' });
  const { key, secret } = await accounts.createApiKey(db, principal, { name: 'bench', scopes });
  return { accountId: account.id, userId: owner.id, keyId: key.id, secret };
}
