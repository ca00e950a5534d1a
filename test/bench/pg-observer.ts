// What PostgreSQL saw during a phase: commits, WAL flushes, rows written per
// table, and (when sampling) what Herald's connections were doing or waiting on.
import pg from 'pg';
import { sql, type Executor } from '../../src/platform/db/index.js';

export interface PgSnapshot {
  commits: number;
  rollbacks: number;
  walRecords: number;
  walBytes: number;
  walWrites: number;
  walSyncs: number;
  /** table → inserted, updated (hot included), deleted */
  tables: Map<string, { ins: number; upd: number; del: number }>;
}

/** Cumulative counters; PostgreSQL publishes them up to a second late, so read them after a pause. */
export async function snapshot(db: Executor): Promise<PgSnapshot> {
  await sql`select pg_stat_clear_snapshot()`.execute(db);
  const d = await sql<{ c: string; r: string }>`select xact_commit::text as c, xact_rollback::text as r from pg_stat_database where datname = current_database()`.execute(db);
  const w = await sql<{ rec: string; bytes: string; writes: string; syncs: string }>`
    select wal_records::text as rec, wal_bytes::text as bytes, wal_write::text as writes, wal_sync::text as syncs from pg_stat_wal`.execute(db);
  const t = await sql<{ relname: string; ins: string; upd: string; del: string }>`
    select relname, n_tup_ins::text as ins, n_tup_upd::text as upd, n_tup_del::text as del from pg_stat_user_tables`.execute(db);
  return {
    commits: Number(d.rows[0]?.c ?? 0),
    rollbacks: Number(d.rows[0]?.r ?? 0),
    walRecords: Number(w.rows[0]?.rec ?? 0),
    walBytes: Number(w.rows[0]?.bytes ?? 0),
    walWrites: Number(w.rows[0]?.writes ?? 0),
    walSyncs: Number(w.rows[0]?.syncs ?? 0),
    tables: new Map(t.rows.map((r) => [r.relname, { ins: Number(r.ins), upd: Number(r.upd), del: Number(r.del) }])),
  };
}

/** The change between two snapshots, per message of the phase. */
export function describeDelta(a: PgSnapshot, b: PgSnapshot, messages: number): Record<string, unknown> {
  const per = (x: number) => Math.round((x / Math.max(1, messages)) * 100) / 100;
  const tables: Record<string, string> = {};
  for (const [name, after] of b.tables) {
    const before = a.tables.get(name) ?? { ins: 0, upd: 0, del: 0 };
    const ins = after.ins - before.ins;
    const upd = after.upd - before.upd;
    const del = after.del - before.del;
    if (ins + upd + del === 0) continue;
    tables[name] = [ins && `+${ins}`, upd && `~${upd}`, del && `-${del}`].filter(Boolean).join(' ');
  }
  return {
    commits: b.commits - a.commits,
    commits_per_message: per(b.commits - a.commits),
    rollbacks: b.rollbacks - a.rollbacks,
    wal_syncs: b.walSyncs - a.walSyncs,
    wal_syncs_per_message: per(b.walSyncs - a.walSyncs),
    wal_writes: b.walWrites - a.walWrites,
    wal_mb: Math.round(((b.walBytes - a.walBytes) / 1048576) * 10) / 10,
    wal_bytes_per_message: Math.round((b.walBytes - a.walBytes) / Math.max(1, messages)),
    rows: tables,
  };
}

interface ActivityRow {
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  q: string | null;
  blocked: number;
  blocker_q: string | null;
}

/**
 * Samples pg_stat_activity of Herald's connections (application_name) every
 * `everyMs`: how many connections are running, waiting on a lock (and behind
 * which statement), waiting on the WAL flush, or idle in a transaction (the
 * server waits for Node).
 */
export class ActivitySampler {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  samples = 0;
  private readonly counts = new Map<string, number>();
  private readonly busyConnections: number[] = [];

  constructor(
    private readonly db: Executor,
    private readonly applicationName: string,
  ) {}

  start(everyMs = 100): void {
    this.timer = setInterval(() => void this.sample(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const r = await sql<ActivityRow>`
        select a.state, a.wait_event_type, a.wait_event,
          left(regexp_replace(a.query, '[[:space:]]+', ' ', 'g'), 70) as q,
          cardinality(pg_blocking_pids(a.pid)) as blocked,
          (select left(regexp_replace(b.query, '[[:space:]]+', ' ', 'g'), 50) from pg_stat_activity b where b.pid = (pg_blocking_pids(a.pid))[1]) as blocker_q
        from pg_stat_activity a
        where a.application_name = ${this.applicationName} and a.backend_type = 'client backend'`.execute(this.db);
      this.samples++;
      let busy = 0;
      for (const row of r.rows) {
        if (row.state === 'idle') continue;
        busy++;
        const wait = row.wait_event_type ? `${row.wait_event_type}:${row.wait_event}` : 'on CPU';
        const what =
          row.state === 'idle in transaction'
            ? `idle in transaction (server waits for Node) after: ${row.q ?? ''}`
            : `${row.state} [${wait}] ${row.q ?? ''}${row.blocked > 0 ? ` ⟂ blocked by: ${row.blocker_q ?? '?'}` : ''}`;
        this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
      }
      this.busyConnections.push(busy);
    } catch {
      // a sample lost during shutdown
    } finally {
      this.busy = false;
    }
  }

  /** Mean number of connections in each situation, largest first. */
  report(top = 14): { samples: number; mean_busy_connections: number; top: string[] } {
    const n = Math.max(1, this.samples);
    const mean = this.busyConnections.reduce((s, x) => s + x, 0) / n;
    const lines = [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, c]) => `${(c / n).toFixed(2)} conn  ${what}`);
    return { samples: this.samples, mean_busy_connections: Math.round(mean * 100) / 100, top: lines };
  }
}

export async function resetStatements(db: Executor): Promise<void> {
  await sql`select pg_stat_statements_reset()`.execute(db);
}

/** Statements of Herald's database since the last reset, by total execution time (lock waits included). */
export async function topStatements(db: Executor, top = 16): Promise<{ calls: number; execMs: number; top: string[] }> {
  const r = await sql<{ q: string; calls: string; total: number; mean: number; max: number; rows: string; blks: string }>`
    select left(regexp_replace(s.query, '[[:space:]]+', ' ', 'g'), 80) as q, s.calls::text as calls, s.total_exec_time as total,
      s.mean_exec_time as mean, s.max_exec_time as max, s.rows::text as rows, (s.shared_blks_hit + s.shared_blks_read)::text as blks
    from pg_stat_statements s join pg_database d on d.oid = s.dbid
    where d.datname = current_database() and s.query not like '%pg_stat%' and s.query not like '%pg_settings%'
    order by s.total_exec_time desc`.execute(db);
  const calls = r.rows.reduce((sum, x) => sum + Number(x.calls), 0);
  const execMs = r.rows.reduce((sum, x) => sum + x.total, 0);
  const lines = r.rows.slice(0, top).map((x) =>
    `${String(Math.round(x.total)).padStart(7)} ms ${String(x.calls).padStart(7)} calls ${x.mean.toFixed(2).padStart(7)} ms/call (max ${x.max.toFixed(0)}) ` +
    `${(Number(x.rows) / Math.max(1, Number(x.calls))).toFixed(0).padStart(5)} rows/call ${(Number(x.blks) / Math.max(1, Number(x.calls))).toFixed(0).padStart(6)} blocks/call  ${x.q}`);
  return { calls, execMs, top: lines };
}

/**
 * Records the statements (round trips) this process sends through `pg` while
 * `fn` runs: their first words and when each started and was answered.
 */
export async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: { text: string; full: string; startMs: number; endMs: number }[] }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const statements: { text: string; full: string; startMs: number; endMs: number }[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '?');
    const full = text.replace(/\s+/g, ' ').trim();
    const entry = { text: full.slice(0, 90), full, startMs: performance.now(), endMs: NaN };
    statements.push(entry);
    const answer = original.apply(this, args);
    if (answer && typeof (answer as Promise<unknown>).then === 'function') {
      (answer as Promise<unknown>).then(
        () => (entry.endMs = performance.now()),
        () => (entry.endMs = performance.now()),
      );
    }
    return answer;
  };
  try {
    const result = await fn();
    return { result, statements };
  } finally {
    proto.query = original;
  }
}
