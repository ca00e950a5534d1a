import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Executor } from '../../src/platform/db/index.js';
import * as ledger from '../../src/modules/ledger/index.js';
import * as messages from '../../src/modules/messages/index.js';
import type { Personality } from '../../src/simulators/smsc/index.js';

/** Polls `check` until it holds; fails with `what` after `ms`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, ms: number, what: string, everyMs = 25): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Dispatch rounds as a worker runs them, with options of our own (a short
 * `unknownRetryMs`, so a part recorded unknown is resubmitted within the test),
 * until `done` holds. With `recoverEveryMs`, the lease sweeper runs beside
 * the rounds, as the worker's loop does, so a round whose leases lapse loses
 * its parts as it would in production.
 */
export async function pumpWith(
  db: Executor,
  pool: messages.ConnectorSet,
  done: () => Promise<boolean>,
  options: { ms?: number; dispatch?: messages.DispatchOptions; recoverEveryMs?: number } = {},
): Promise<void> {
  const until = Date.now() + (options.ms ?? 30_000);
  let pumping = true;
  const sweeper = options.recoverEveryMs === undefined ? Promise.resolve() : (async () => {
    while (pumping) {
      await messages.recoverExpiredLeases(db, { unknownRetryMs: options.dispatch?.unknownRetryMs ?? 0 });
      await sleep(options.recoverEveryMs);
    }
  })();
  try {
    while (!(await done())) {
      if (Date.now() > until) {
        const parts = await sql<{ status: string; n: string }>`select status, count(*) as n from message_parts group by status`.execute(db);
        throw new Error(`timed out pumping the send queue: ${JSON.stringify(parts.rows)}`);
      }
      const n = await messages.dispatchDueParts(db, pool, options.dispatch ?? {});
      await messages.reconcileParkedReceipts(db);
      await messages.chargeParts(db);
      if (n === 0) await sleep(20);
    }
  } finally {
    pumping = false;
    await sweeper;
  }
  await messages.chargeParts(db);
}

/**
 * The simulator's `personalities` for groups of numbers (E.164, with the
 * plus): `{ silent: [...], throttled: [...] }`.
 */
export function personalitiesOf(groups: Partial<Record<Personality, string[]>>): Record<string, Personality> {
  const out: Record<string, Personality> = {};
  for (const [personality, numbers] of Object.entries(groups) as [Personality, string[]][]) {
    for (const n of numbers) out[n.replace(/^\+/, '')] = personality;
  }
  return out;
}

/** Submits the centre received per destination (E.164), counted by what it did with them. */
export function centreSubmits(simulator: { submits: readonly { destination: string; outcome: string }[] }): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const s of simulator.submits) {
    const seen = out.get(`+${s.destination}`) ?? {};
    seen[s.outcome] = (seen[s.outcome] ?? 0) + 1;
    out.set(`+${s.destination}`, seen);
  }
  return out;
}

/** `count` distinct Belgian mobile numbers from `+32475<start>` on. */
export function mobileNumbers(count: number, start = 100_000): string[] {
  return Array.from({ length: count }, (_, i) => `+32475${String(start + i).padStart(6, '0')}`);
}

export async function topUp(db: Executor, accountId: string, amountMinor: bigint): Promise<void> {
  await ledger.topUp(db, { walletAccountId: accountId, amountMinor, note: 'test', createdBy: null });
}

/** Statuses of the given messages, counted. */
export async function messageStatusCounts(db: Executor, ids: string[]): Promise<Record<string, number>> {
  const r = await sql<{ status: string; n: string }>`select status, count(*) as n from messages where id = any(${ids}::text[]) group by status`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
}

export interface PartFacts {
  id: string;
  message_id: string;
  seq: number;
  status: string;
  submits: number;
  unknowns: number;
  recipient: string;
  error_code: string | null;
  provider_message_id: string | null;
}

export async function partsOf(db: Executor, messageIds: string[]): Promise<PartFacts[]> {
  const r = await sql<PartFacts>`select p.id, p.message_id, p.seq, p.status, p.submits, p.unknowns, m.recipient, p.error_code, p.provider_message_id
    from message_parts p join messages m on m.id = p.message_id where p.message_id = any(${messageIds}::text[]) order by p.id`.execute(db);
  return r.rows;
}

/**
 * What each part was charged, from its mark (`charge`), checked against the
 * ledger: each hold's settles and refunds must add up to exactly the parts of
 * its messages marked settled and refunded, so that a part charged twice, or
 * charged without its mark, fails here. `held` and `released`: parts held for
 * the messages' holds, and settled plus refunded of them.
 */
export async function chargesOf(db: Executor, messageIds: string[]): Promise<{ perPart: Map<string, { settles: number; refunds: number }>; held: number; released: number }> {
  const parts = await sql<{ id: string; hold_reference: string; charge: string | null }>`select p.id, m.hold_reference, p.charge
    from message_parts p join messages m on m.id = p.message_id where p.message_id = any(${messageIds}::text[])`.execute(db);
  const perPart = new Map(parts.rows.map((p) => [String(p.id), { settles: p.charge === 'settled' ? 1 : 0, refunds: p.charge === 'refunded' ? 1 : 0 }]));
  const holdRefs = [...new Set(parts.rows.map((p) => p.hold_reference))];
  const ledgerSide = await sql<{ reference: string; kind: string; parts: string }>`select h.reference, f.kind, sum(f.quota_parts + f.provision_parts) as parts
    from ledger_transactions h join ledger_transactions f on f.hold_id = h.id
    where h.kind = 'hold' and h.reference = any(${holdRefs}::text[]) and f.kind in ('settle', 'refund') group by h.reference, f.kind`.execute(db);
  const marked = await sql<{ reference: string; charge: string; parts: string }>`select m.hold_reference as reference, p.charge, count(*) as parts
    from message_parts p join messages m on m.id = p.message_id
    where m.hold_reference = any(${holdRefs}::text[]) and p.charge is not null group by m.hold_reference, p.charge`.execute(db);
  const key = (reference: string, kind: string) => `${reference} ${kind === 'settle' || kind === 'settled' ? 'settle' : 'refund'}`;
  const fromLedger = Object.fromEntries(ledgerSide.rows.map((r) => [key(r.reference, r.kind), Number(r.parts)]));
  const fromParts = Object.fromEntries(marked.rows.map((r) => [key(r.reference, r.charge), Number(r.parts)]));
  const keys = [...new Set([...Object.keys(fromLedger), ...Object.keys(fromParts)])];
  const disagree = keys.filter((k) => fromLedger[k] !== fromParts[k]);
  if (disagree.length > 0) {
    throw new Error(`ledger and part marks disagree: ${disagree.slice(0, 5).map((k) => `${k}: ledger ${fromLedger[k] ?? 0}, parts ${fromParts[k] ?? 0}`).join('; ')}`);
  }
  const sums = await sql<{ held: string; released: string }>`
    select coalesce(sum(h.quota_parts + h.provision_parts), 0) as held,
      coalesce((select sum(f.quota_parts + f.provision_parts) from ledger_transactions f
        where f.kind in ('settle', 'refund') and f.hold_id in (select id from ledger_transactions where kind = 'hold' and reference = any(${holdRefs}::text[]))), 0) as released
    from ledger_transactions h where h.kind = 'hold' and h.reference = any(${holdRefs}::text[])`.execute(db);
  return { perPart, held: Number(sums.rows[0]!.held), released: Number(sums.rows[0]!.released) };
}

/**
 * A TCP proxy between a client (the app's pool) and PostgreSQL that a test
 * can cut (every connection destroyed, new ones refused) and restore, or have
 * drop the connection that is about to commit (or has just committed) an
 * insert of `table`.
 */
export interface TcpProxy {
  port: number;
  /** Connections currently open through the proxy. */
  readonly open: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  /**
   * The next connection that inserts into `table` is destroyed when it sends
   * its COMMIT: `before` the server sees it (rolled back), or `after` the
   * server answered it (committed, the answer lost).
   */
  dropAtCommit(table: string, when: 'before' | 'after'): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let trap: { insert: Buffer; when: 'before' | 'after' } | null = null;
  let server: Server;
  let port = 0;
  const COMMIT = Buffer.from('commit\0');

  const onConnection = (client: Socket): void => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    let armed = false;
    let muted = false;
    const destroy = (): void => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('data', (chunk: Buffer) => {
      if (trap && !armed && chunk.includes(trap.insert)) armed = true;
      if (armed && trap && chunk.includes(COMMIT)) {
        const when = trap.when;
        trap = null;
        armed = false;
        if (when === 'before') return destroy();
        // Let the server commit; swallow its answer and drop the line once it comes.
        muted = true;
        upstream.once('data', destroy);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!muted) client.write(chunk);
    });
    client.on('error', destroy);
    upstream.on('error', destroy);
    client.on('close', destroy);
    upstream.on('close', destroy);
  };

  const listen = (p: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const p of [...pairs]) {
        p.client.destroy();
        p.upstream.destroy();
      }
      pairs.clear();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  await listen(0);
  return {
    get port() {
      return port;
    },
    get open() {
      return pairs.size;
    },
    cut: stop,
    restore: () => listen(port),
    dropAtCommit(table, when) {
      trap = { insert: Buffer.from(`insert into ${table} `), when };
    },
    close: stop,
  };
}

/** A proxy in front of a database, and the URL that reaches the database through it. */
export async function proxyDatabase(databaseUrl: string): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(databaseUrl);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const via = new URL(databaseUrl);
  via.hostname = '127.0.0.1';
  via.port = String(proxy.port);
  return { proxy, url: via.toString() };
}
