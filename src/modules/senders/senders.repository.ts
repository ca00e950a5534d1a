import { sql, type Executor } from '../../platform/db/index.js';

export async function findReplyAccount(db: Executor, ourNumber: string, theirNumber: string): Promise<string | null> {
  const r = await sql<{ account_id: string }>`
    select n.account_id from sender_numbers n where n.number = ${ourNumber} and n.kind = 'dedicated' and n.account_id is not null
    union all
    select a.account_id from pool_assignments a where a.pool_number = ${ourNumber} and a.recipient = ${theirNumber}
    limit 1`.execute(db);
  return r.rows[0]?.account_id ?? null;
}
