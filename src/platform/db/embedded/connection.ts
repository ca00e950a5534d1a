import pg from 'pg';
import { errorCode, HOST, messageOf, sleep, SUPERUSER } from './common.js';

export function postgresUrl(port: number, password: string, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
}

async function withClient<T>(config: pg.ClientConfig, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(config);
  client.on('error', () => undefined); // a server going away must not crash the process
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** 'ok', 'retry' (not up yet / unreachable) or the authentication error. */
export async function probe(port: number, password: string): Promise<'ok' | 'retry' | Error> {
  const config = { host: HOST, port, user: SUPERUSER, password, database: 'postgres', connectionTimeoutMillis: 3_000 };
  try {
    await withClient(config, (client) => client.query('select 1'));
    return 'ok';
  } catch (err) {
    const code = errorCode(err);
    // invalid_password / invalid_authorization_specification
    return (code === '28P01' || code === '28000') && err instanceof Error ? err : 'retry';
  }
}

/** Creates the database if missing; safe when several processes race. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withClient({ connectionString: adminUrl }, async (client) => {
        const found = await client.query('select 1 from pg_database where datname = $1', [name]);
        if (!found.rowCount) await client.query(`create database ${client.escapeIdentifier(name)}`);
      });
    } catch (err) {
      const code = errorCode(err);
      if (code === '42P04') return; // duplicate_database: someone else just made it
      // 23505: a concurrent CREATE DATABASE hit the catalog's unique index first;
      // 55006: the template was busy. Both settle after a moment; look again.
      if ((code === '23505' || code === '55006') && attempt < 50) {
        await sleep(100);
        continue;
      }
      throw new Error(`Could not create database "${name}" on embedded PostgreSQL: ${messageOf(err)}`, { cause: err });
    }
  }
}
