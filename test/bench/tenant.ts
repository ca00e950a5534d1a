import * as accounts from '../../src/modules/accounts/index.js';
import * as ledger from '../../src/modules/ledger/index.js';
import type { Executor } from '../../src/platform/db/index.js';

export interface Tenant {
  accountId: string;
  userId: string;
  keyId: string;
  secret: string;
}

const ownerOf = (accountId: string, userId: string, scopes: accounts.Scope[]): accounts.Principal => ({
  kind: 'session', accountId, homeAccountId: accountId, userId, role: 'owner', scopes,
  sessionId: null, csrfToken: null, apiKeyId: null,
});

/** An account with credit and an API key of `scopes`, made straight in the database: set-up, not what is measured. */
export async function createTenant(db: Executor, name: string, publicUrl: string, scopes: accounts.Scope[]): Promise<Tenant> {
  const { account, owner } = await accounts.createAccount(db, { name, ownerEmail: `${name.toLowerCase()}@bench.example.org` }, publicUrl);
  await ledger.topUp(db, { walletAccountId: account.id, amountMinor: 10_000_000_000n, note: 'benchmark' });
  const { key, secret } = await accounts.createApiKey(db, ownerOf(account.id, owner.id, scopes), { name: 'bench', scopes });
  return { accountId: account.id, userId: owner.id, keyId: key.id, secret };
}

/** Another API key of the tenant. */
export async function createApiKey(db: Executor, tenant: Tenant, name: string, scopes: accounts.Scope[]): Promise<{ keyId: string; secret: string }> {
  const { key, secret } = await accounts.createApiKey(db, ownerOf(tenant.accountId, tenant.userId, scopes), { name, scopes });
  return { keyId: key.id, secret };
}
