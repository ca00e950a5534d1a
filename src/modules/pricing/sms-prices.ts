import type { Executor } from '../../platform/db/index.js';
import { invalid } from '../../platform/errors.js';
import { createTtlCache } from '../../platform/ttl-cache.js';
import { deleteSmsPrice, selectSmsPrices, upsertSmsPrice } from './pricing.repository.js';

/**
 * Price of one SMS part in minor units: one price for every destination
 * (`*`), optionally overridden per country.
 */
export interface SmsPriceList {
  defaultMinor: bigint;
  byCountry: ReadonlyMap<string, bigint>;
}

// Read on every send; a change made elsewhere shows within two seconds.
const cache = createTtlCache<'sms', SmsPriceList>(2000);

export function getSmsPriceList(db: Executor): Promise<SmsPriceList> {
  return cache.get(db, 'sms', async () => {
    const rows = await selectSmsPrices(db);
    const byCountry = new Map(rows.filter((r) => r.country !== '*').map((r) => [r.country, BigInt(r.price_minor)]));
    const fallback = rows.find((r) => r.country === '*');
    return { defaultMinor: BigInt(fallback?.price_minor ?? 0), byCountry };
  });
}

export function priceForCountry(list: SmsPriceList, country: string | null | undefined): bigint {
  const specific = country ? list.byCountry.get(country) : undefined;
  return specific ?? list.defaultMinor;
}

export async function setSmsPrice(db: Executor, country: string, priceMinor: bigint): Promise<void> {
  if (country !== '*' && !/^[A-Z]{2}$/.test(country)) throw invalid('country', 'Use * or an ISO 3166-1 alpha-2 code such as BE');
  if (priceMinor < 0n) throw invalid('price', 'Must be zero or more');
  await upsertSmsPrice(db, country, priceMinor);
  cache.drop(db);
}

export async function removeSmsPrice(db: Executor, country: string): Promise<boolean> {
  const removed = await deleteSmsPrice(db, country);
  cache.drop(db);
  return removed;
}
