import { sql, type Executor } from '../../platform/db/index.js';

export async function selectSmsPrices(db: Executor): Promise<{ country: string; price_minor: string }[]> {
  return (await sql<{ country: string; price_minor: string }>`select country, price_minor from sms_prices`.execute(db)).rows;
}

export async function upsertSmsPrice(db: Executor, country: string, priceMinor: bigint): Promise<void> {
  await sql`insert into sms_prices (country, price_minor) values (${country}, ${priceMinor.toString()})
    on conflict (country) do update set price_minor = excluded.price_minor, updated_at = now()`.execute(db);
}

export async function deleteSmsPrice(db: Executor, country: string): Promise<boolean> {
  const r = await sql`delete from sms_prices where country = ${country} and country <> '*'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}
