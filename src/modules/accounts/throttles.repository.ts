import { sql, type Executor } from '../../platform/db/index.js';

/**
 * Counts one hit for `key` in a fixed window of `windowSeconds`, in one
 * statement, so parallel requests cannot all see room left. Returns whether
 * this hit is within `limit`, and when the window ends.
 */
export async function takeHit(
  db: Executor,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const { rows } = await sql<{ hits: number; seconds_left: number }>`
    insert into rate_limit_windows as w (key, window_started_at, hits) values (${key}, now(), 1)
    on conflict (key) do update set
      window_started_at = case when w.window_started_at <= now() - make_interval(secs => ${windowSeconds}) then now() else w.window_started_at end,
      hits = case when w.window_started_at <= now() - make_interval(secs => ${windowSeconds}) then 1 else w.hits + 1 end
    returning hits, extract(epoch from window_started_at + make_interval(secs => ${windowSeconds}) - now())::float8 as seconds_left`.execute(db);
  const row = rows[0]!;
  return { allowed: row.hits <= limit, retryAfterSeconds: Math.max(1, Math.ceil(row.seconds_left)) };
}

/** Forgets windows that ended a day ago or more. */
export async function deleteOldWindows(db: Executor): Promise<number> {
  const r = await db.deleteFrom('rate_limit_windows').where('window_started_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function insertResetRequest(db: Executor, email: string, linkBase: string): Promise<void> {
  await db.insertInto('password_reset_requests').values({ email, link_base: linkBase }).execute();
}

/** Takes up to `limit` queued requests, oldest first; other workers skip them. */
export async function claimResetRequests(db: Executor, limit: number): Promise<{ email: string; link_base: string }[]> {
  const { rows } = await sql<{ email: string; link_base: string }>`
    delete from password_reset_requests where id in (
      select id from password_reset_requests order by id limit ${limit} for update skip locked
    ) returning email, link_base`.execute(db);
  return rows;
}
