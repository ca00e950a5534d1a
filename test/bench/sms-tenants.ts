// The tenants phase of bench:sms: several accounts, countries at different
// prices, plans with and without included parts, one to three API keys each,
// their requests interleaved on the same connections. One tenant with one key
// sending to one country at one price is the best case for the shared hold and
// the read caches; this is the ordinary case.
import * as ledger from '../../src/modules/ledger/index.js';
import * as pricing from '../../src/modules/pricing/index.js';
import type { Executor } from '../../src/platform/db/index.js';
import type * as accounts from '../../src/modules/accounts/index.js';
import type { ApiClient } from './http-client.js';
import type { Pick } from './sms-send.js';
import { createApiKey, createTenant } from './tenant.js';

/** Prices are per country in Herald (not per account): each country its own, so holds carry several prices. */
const COUNTRIES: { country: string; priceMinor: bigint; number: (i: number) => string }[] = [
  { country: 'BE', priceMinor: 5n, number: (i) => `+3247${String(i % 10_000_000).padStart(7, '0')}` },
  { country: 'NL', priceMinor: 7n, number: (i) => `+316${String(10_000_000 + (i % 89_999_999)).padStart(8, '0')}` },
  { country: 'DE', priceMinor: 9n, number: (i) => `+49151${String(i % 100_000_000).padStart(8, '0')}` },
  { country: 'FR', priceMinor: 8n, number: (i) => `+336${String(i % 100_000_000).padStart(8, '0')}` },
  { country: 'LU', priceMinor: 12n, number: (i) => `+352621${String(i % 1_000_000).padStart(6, '0')}` },
];

export interface TenantsSetup {
  accountIds: string[];
  /** Every key of every tenant. */
  keys: { accountId: string; secret: string }[];
  described: Record<string, unknown>;
}

/**
 * `count` accounts; account k has 1 + k % 3 keys. Account 0's plan includes a
 * third of what it will send (its sends move from quota to paid credit
 * mid-phase), account 1's more than it sends, the others none (paid credit).
 */
export async function setUpTenants(db: Executor, publicUrl: string, count: number, requests: number, scopes: accounts.Scope[]): Promise<TenantsSetup> {
  for (const c of COUNTRIES) await pricing.setSmsPrice(db, c.country, c.priceMinor);
  const perAccount = Math.ceil(requests / count);
  const accountIds: string[] = [];
  const perKey: { accountId: string; secret: string }[][] = [];
  const plans: Record<string, number> = {};
  for (let k = 0; k < count; k++) {
    const t = await createTenant(db, `Tenant${k}`, publicUrl, scopes);
    const keys = [{ accountId: t.accountId, secret: t.secret }];
    for (let extra = 1; extra < 1 + (k % 3); extra++) keys.push({ accountId: t.accountId, secret: (await createApiKey(db, t, `bench ${extra}`, scopes)).secret });
    const quota = k === 0 ? Math.floor(perAccount / 3) : k === 1 ? perAccount * 2 : 0;
    if (quota > 0) await ledger.setPlan(db, t.accountId, { monthlyQuota: quota });
    plans[`Tenant${k}`] = quota;
    accountIds.push(t.accountId);
    perKey.push(keys);
  }
  const keys = perKey.flat();
  const described = {
    accounts: count,
    api_keys: keys.length,
    monthly_quota_parts: plans,
    prices_minor: Object.fromEntries(COUNTRIES.map((c) => [c.country, Number(c.priceMinor)])),
  };
  return { accountIds, keys, described };
}

/**
 * Request i: tenant i % accounts, that tenant's keys in turn, countries in turn
 * (so each tenant sends to every country), a number no other phase uses.
 */
export function tenantsPick(setup: TenantsSetup, base: ApiClient, numberOffset: number): Pick {
  const count = setup.accountIds.length;
  const byAccount = setup.accountIds.map((id) => setup.keys.filter((k) => k.accountId === id).map((k) => base.withKey(k.secret)));
  return (i) => {
    const own = byAccount[i % count]!;
    const client = own[Math.floor(i / count) % own.length]!;
    const c = COUNTRIES[Math.floor(i / count) % COUNTRIES.length]!;
    return { client, to: c.number(numberOffset + i) };
  };
}
