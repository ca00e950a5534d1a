import type { Executor } from '../../platform/db/index.js';
import { notFound } from '../../platform/errors.js';
import { createTtlCache } from '../../platform/ttl-cache.js';
import { findSendingSettings } from './accounts.repository.js';

// Read on every send; a change made elsewhere shows within two seconds.
const cache = createTtlCache<string, SendingSettings>(2000);

/** Forgets the cached settings of an account after this process changed them. */
export function forgetSendingSettings(db: Executor, accountId: string): void {
  cache.drop(db, accountId);
}

/** What an account allows when it sends: the country for national numbers, the part cap, the destinations. */
export interface SendingSettings {
  defaultCountry: string;
  maxParts: number;
  allowedCountries: string[] | null;
}

export function getSendingSettings(db: Executor, accountId: string): Promise<SendingSettings> {
  return cache.get(db, accountId, async () => {
    const row = await findSendingSettings(db, accountId);
    if (!row) throw notFound('Account');
    return { defaultCountry: row.default_country, maxParts: row.sms_max_parts, allowedCountries: row.allowed_countries };
  });
}
