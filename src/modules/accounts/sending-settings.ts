import type { Executor } from '../../platform/db/index.js';
import { notFound } from '../../platform/errors.js';
import { findSendingSettings } from './accounts.repository.js';

/** What an account allows when it sends: the country for national numbers, the part cap, the destinations. */
export interface SendingSettings {
  defaultCountry: string;
  maxParts: number;
  allowedCountries: string[] | null;
}

export async function getSendingSettings(db: Executor, accountId: string): Promise<SendingSettings> {
  const row = await findSendingSettings(db, accountId);
  if (!row) throw notFound('Account');
  return { defaultCountry: row.default_country, maxParts: row.sms_max_parts, allowedCountries: row.allowed_countries };
}
