/**
 * `npm run bench:sms`: Herald as `npm start` runs it (API + worker + SMS centre
 * simulator in one process, embedded PostgreSQL with fsync on, in a fresh
 * temporary data directory), driven over loopback HTTP.
 *
 *   single: 20,000 one-recipient requests from 50 concurrent keep-alive clients,
 *           until every receipt is stored (all messages final)
 *   bulk:   100,000 recipients in one streamed POST /v1/messages/bulk (NDJSON), or,
 *           on a Herald without it, sequential POST /v1/messages of 10,000;
 *           accepted, then until every receipt is stored
 *
 * Prints `# …` note lines, then as its LAST line one JSON object with the
 * figures and `targets_met`. Nothing is asserted: figures are printed even when
 * targets are missed or a phase could not finish (`incomplete: true`).
 *
 * Knobs (environment): BENCH_SINGLE_N, BENCH_CLIENTS, BENCH_BULK_N, BENCH_WARMUP;
 * BENCH_BULK_MODE=json (force the 10,000-per-request mode); BENCH_PROFILE=pg,stmts,cpu
 * (pg: sample pg_stat_activity; stmts: restart with pg_stat_statements and list the
 * statements of each phase; cpu: --cpu-prof the Herald process into BENCH_CPU_PROF_DIR,
 * default /tmp/herald-bench-prof); BENCH_CENSUS=0 (skip counting the accept
 * path's statements); BENCH_KEEP=1 (keep the data dir); BENCH_EXTRA_WORKERS=n (an
 * experiment: n more `herald worker` processes on the same database).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as accounts from '../../src/modules/accounts/index.js';
import * as messages from '../../src/modules/messages/index.js';
import * as pricing from '../../src/modules/pricing/index.js';
import { openDatabase, sql, type DatabaseHandle, type Executor } from '../../src/platform/db/index.js';
import { ApiClient } from './http-client.js';
import { embeddedServer, freePort, startHerald, stopHerald, waitReady, type Herald } from './herald-process.js';
import { ActivitySampler, countStatements, describeDelta, resetStatements, snapshot, topStatements, type PgSnapshot } from './pg-observer.js';
import { memoryOf, ProcessWatch } from './proc.js';
import { createTenant } from './tenant.js';
import { intKnob, round } from './knobs.js';

const HOST = '127.0.0.1';
const TEXT = 'Your Herald verification code is 482913. It expires in 10 minutes.';
const SENDER = 'Herald';
const MAX_PER_REQUEST = 10_000;

const SINGLE_N = intKnob('BENCH_SINGLE_N', 20_000);
const CLIENTS = intKnob('BENCH_CLIENTS', 50);
const BULK_N = intKnob('BENCH_BULK_N', 100_000);
const WARMUP_N = process.env.BENCH_WARMUP === '0' ? 0 : intKnob('BENCH_WARMUP', 500);
const PROFILE = new Set((process.env.BENCH_PROFILE ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR ?? '/tmp/herald-bench-prof';
const CENSUS = process.env.BENCH_CENSUS !== '0';
/** An experiment, not the benchmark's setup: extra `herald worker` processes sharing the queue. */
const EXTRA_WORKERS = Number(process.env.BENCH_EXTRA_WORKERS ?? 0) || 0;

// Caps that keep a slow system's run near five minutes; what was reached is reported.
const SINGLE_SEND_CAP_MS = 90_000;
const SINGLE_FINAL_CAP_MS = 60_000;
const BULK_ACCEPT_CAP_MS = 60_000;
const BULK_FINAL_CAP_MS = 120_000;

const TARGETS = { single_e2e_per_s: 3000, single_p99_ms: 50, bulk_accept_s: 5, bulk_delivered_s: 20, peak_rss_mb: 500 };

const note = (label: string, value: unknown) => process.stdout.write(`# ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Distinct Belgian mobile numbers: +3247 and seven digits. */
const mobile = (i: number) => `+3247${String(i % 10_000_000).padStart(7, '0')}`;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

// ---------------------------------------------------------------- set-up

const SCOPES: accounts.Scope[] = ['messages:write', 'messages:read'];

// ---------------------------------------------------------------- waiting for receipts

/**
 * Waits until every message of `accountId` is final, polling every 200 ms. The
 * cursor is the oldest message not final at the last look (final is forever),
 * so each poll reads only what finished since. Phases run one after the other,
 * so parts still queued or being sent are this phase's.
 */
async function waitAllFinal(db: Executor, accountId: string, deadline: number): Promise<{ done: boolean; observedAt: number }> {
  let cursor = '';
  for (;;) {
    // While any part waits in the queue or is being sent (two small partial indexes), nothing can be
    // complete: skip the scan of the account's messages, which would cost PostgreSQL time under load.
    const busy = await sql<{ busy: boolean }>`select exists (select 1 from message_parts where status in ('queued', 'scheduled'))
      or exists (select 1 from message_parts where status = 'sending') as busy`.execute(db);
    if (busy.rows[0]?.busy) {
      if (Date.now() > deadline) return { done: false, observedAt: Date.now() };
      await sleep(200);
      continue;
    }
    const r = await sql<{ id: string }>`select id from messages where account_id = ${accountId} and id >= ${cursor} and final_at is null
      order by id limit 1`.execute(db);
    const first = r.rows[0];
    if (!first) return { done: true, observedAt: Date.now() };
    cursor = first.id;
    if (Date.now() > deadline) return { done: false, observedAt: Date.now() };
    await sleep(200);
  }
}

async function finalState(db: Executor, accountId: string): Promise<{ total: number; final: number; lastFinalAt: number | null; statuses: Record<string, number> }> {
  const r = await sql<{ status: string; n: string; last: Date | null; final: string }>`
    select status, count(*)::text as n, max(final_at) as last, count(final_at)::text as final from messages where account_id = ${accountId} group by status`.execute(db);
  let total = 0;
  let final = 0;
  let last: number | null = null;
  const statuses: Record<string, number> = {};
  for (const row of r.rows) {
    total += Number(row.n);
    final += Number(row.final);
    statuses[row.status] = Number(row.n);
    if (row.last) last = Math.max(last ?? 0, row.last.getTime());
  }
  return { total, final, lastFinalAt: last, statuses };
}

/**
 * How the worker moved the account's parts, read back from timestamps:
 * `submitted_at` is the start of the dispatcher's write transaction (one value
 * per dispatch round), `final_at` the start of the receipt's transaction.
 */
async function pipelineOf(db: Executor, accountId: string): Promise<Record<string, unknown>> {
  const r = await sql<Record<string, string | null>>`
    with p as (
      select m.created_at, p.submitted_at, p.final_at from message_parts p join messages m on m.id = p.message_id
      where m.account_id = ${accountId} and p.submitted_at is not null
    ), rounds as (
      select submitted_at, count(*) as n from p group by submitted_at
    ), gaps as (
      select extract(epoch from submitted_at - lag(submitted_at) over (order by submitted_at)) * 1000 as ms from rounds
    )
    select
      (select count(*) from rounds)::text as dispatch_rounds,
      (select round(avg(n), 1) from rounds)::text as parts_per_round,
      (select max(n) from rounds)::text as max_parts_per_round,
      (select round(percentile_cont(0.5) within group (order by ms)::numeric, 1) from gaps where ms is not null)::text as round_interval_p50_ms,
      (select round(percentile_cont(0.5) within group (order by extract(epoch from submitted_at - created_at) * 1000)::numeric, 1) from p)::text as queue_wait_p50_ms,
      (select round(percentile_cont(0.99) within group (order by extract(epoch from submitted_at - created_at) * 1000)::numeric, 1) from p)::text as queue_wait_p99_ms,
      (select round(percentile_cont(0.5) within group (order by extract(epoch from final_at - submitted_at) * 1000)::numeric, 1) from p)::text as submit_to_receipt_stored_p50_ms,
      (select round(percentile_cont(0.99) within group (order by extract(epoch from final_at - submitted_at) * 1000)::numeric, 1) from p)::text as submit_to_receipt_stored_p99_ms,
      (select count(distinct final_at) from p)::text as receipt_transactions`.execute(db);
  return Object.fromEntries(Object.entries(r.rows[0] ?? {}).map(([k, v]) => [k, v === null ? null : Number(v)]));
}

// ---------------------------------------------------------------- phases

interface PhaseObservers {
  watch: ProcessWatch;
  db: Executor;
  /** When the measured Herald process was spawned (a CPU profile starts then). */
  spawnedAt: number;
}

async function observe<T>(o: PhaseObservers, name: string, messagesInPhase: () => number, run: () => Promise<T>): Promise<T> {
  const before: PgSnapshot = await snapshot(o.db);
  if (PROFILE.has('stmts')) await resetStatements(o.db);
  const cpu0 = o.watch.cpu();
  const sampler = PROFILE.has('pg') ? new ActivitySampler(o.db, 'herald-start') : null;
  sampler?.start(100);
  o.watch.resetPhase();
  const t0 = Date.now();
  note(`${name} starts`, `${round((t0 - o.spawnedAt) / 1000, 1)} s after Herald was spawned`);
  const result = await run();
  const wall = (Date.now() - t0) / 1000;
  sampler?.stop();
  const cpu1 = o.watch.cpu();
  await sleep(1_200); // statistics reach pg_stat_* up to a second late
  const after = await snapshot(o.db);
  const n = messagesInPhase();
  const share = (x: number) => `${round(x, 1)} s (${Math.round((x / wall) * 100)}% of one core)`;
  const ours = cpu1.herald - cpu0.herald + (cpu1.postgres - cpu0.postgres) + (cpu1.bench - cpu0.bench);
  note(`${name} cpu`, {
    wall_s: round(wall, 2),
    herald: share(cpu1.herald - cpu0.herald),
    postgres: share(cpu1.postgres - cpu0.postgres),
    bench_clients: share(cpu1.bench - cpu0.bench),
    other_processes: share(Math.max(0, cpu1.machineBusy - cpu0.machineBusy - ours)),
    machine_idle: share(cpu1.machineIdle - cpu0.machineIdle),
    load_average_1m: round(loadavg()[0] ?? 0, 2),
    herald_ms_per_message: round(((cpu1.herald - cpu0.herald) * 1000) / Math.max(1, n), 3),
    postgres_ms_per_message: round(((cpu1.postgres - cpu0.postgres) * 1000) / Math.max(1, n), 3),
    herald_peak_rss_mb: Math.round(o.watch.phasePeakRssKb / 1024),
  });
  note(`${name} postgres`, describeDelta(before, after, n));
  if (sampler) {
    const report = sampler.report();
    note(`${name} pg_stat_activity`, { samples: report.samples, mean_busy_connections_of_pool: report.mean_busy_connections });
    for (const line of report.top) process.stdout.write(`#   ${line}\n`);
  }
  if (PROFILE.has('stmts')) {
    const st = await topStatements(o.db);
    note(`${name} pg_stat_statements`, { calls: st.calls, calls_per_message: round(st.calls / Math.max(1, n), 2), exec_s: round(st.execMs / 1000, 1) });
    for (const line of st.top) process.stdout.write(`#   ${line}\n`);
  }
  return result;
}

interface SingleOutcome {
  sent: number;
  ok: number;
  errors: Record<string, number>;
  latencies: Float64Array;
  firstStart: number;
  sendEnd: number;
}

async function sendSingles(client: ApiClient, total: number, clients: number, numberOffset: number, capMs: number): Promise<SingleOutcome> {
  const latencies = new Float64Array(total);
  const errors: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  let sent = 0;
  const firstStart = Date.now();
  const deadline = firstStart + capMs;
  const one = async () => {
    for (;;) {
      const i = next++;
      if (i >= total || Date.now() > deadline) return;
      try {
        const a = await client.request('POST', '/v1/messages', { to: [mobile(numberOffset + i)], text: TEXT, sender: SENDER });
        latencies[sent++] = a.ms;
        if (a.status === 202) ok++;
        else {
          const k = `${a.status} ${a.body.slice(0, 120)}`;
          errors[k] = (errors[k] ?? 0) + 1;
        }
      } catch (error) {
        const k = String((error as Error).message).slice(0, 120);
        errors[k] = (errors[k] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, one));
  return { sent, ok, errors, latencies: latencies.slice(0, sent).sort(), firstStart, sendEnd: Date.now() };
}

// ---------------------------------------------------------------- main

interface Figures {
  single_e2e_per_s: number | null;
  single_p50_ms: number | null;
  single_p99_ms: number | null;
  bulk_accept_s: number | null;
  bulk_delivered_s: number | null;
  peak_rss_mb: number | null;
}

async function main(): Promise<{ figures: Figures; incomplete: string[] }> {
  const figures: Figures = { single_e2e_per_s: null, single_p50_ms: null, single_p99_ms: null, bulk_accept_s: null, bulk_delivered_s: null, peak_rss_mb: null };
  const incomplete: string[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-bench-'));
  if (PROFILE.has('cpu')) await mkdir(CPU_PROF_DIR, { recursive: true });
  const port = await freePort();
  const publicUrl = `http://${HOST}:${port}`;
  note('setup', { dataDir, port, single_requests: SINGLE_N, clients: CLIENTS, bulk_recipients: BULK_N, warmup: WARMUP_N, profile: [...PROFILE] });

  const started = Date.now();
  let herald = startHerald(dataDir, port);
  let spawnedAt = Date.now();
  let handle: DatabaseHandle | null = null;
  let watch: ProcessWatch | null = null;
  let postmasterPid: number | null = null;
  const clientsToClose: ApiClient[] = [];
  const extraWorkers: Herald[] = [];
  try {
    await waitReady(herald, port);
    if (PROFILE.has('stmts')) {
      // pg_stat_statements needs a server start with it preloaded: set it, restart Herald (and so its PostgreSQL).
      const first = await embeddedServer(dataDir);
      const h = openDatabase(first.url, { poolSize: 1 });
      await sql`alter system set shared_preload_libraries = 'pg_stat_statements'`.execute(h.db);
      await h.close();
      await stopHerald(herald, first.postmasterPid);
      herald = startHerald(dataDir, port);
      spawnedAt = Date.now();
      await waitReady(herald, port);
    }
    note('herald ready', `${Date.now() - started} ms after spawn (pid ${herald.child.pid})`);
    const server = await embeddedServer(dataDir);
    postmasterPid = server.postmasterPid;
    handle = openDatabase(server.url, { poolSize: 3, applicationName: 'herald-bench' });
    const db = handle.db;
    if (PROFILE.has('stmts')) await sql`create extension if not exists pg_stat_statements`.execute(db);
    for (let i = 0; i < EXTRA_WORKERS; i++) extraWorkers.push(startHerald(dataDir, port, 'worker'));
    if (EXTRA_WORKERS > 0) {
      await sleep(3_000);
      const dead = extraWorkers.find((w) => w.child.exitCode !== null);
      if (dead) throw new Error(`extra worker exited:\n${dead.output()}`);
      note('experiment', `${EXTRA_WORKERS} extra \`herald worker\` process(es) share the queue; peak_rss_mb is still the \`start\` process alone`);
    }
    watch = new ProcessWatch(herald.child.pid!, postmasterPid);
    watch.start(100);
    const settings = await sql<{ name: string; setting: string }>`select name, setting from pg_settings
      where name in ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'commit_delay', 'max_wal_size', 'full_page_writes')`.execute(db);
    note('postgres', Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])));

    await pricing.setSmsPrice(db, 'BE', 5n);
    const warm = await createTenant(db, 'Warmup', publicUrl, SCOPES);
    const single = await createTenant(db, 'Single', publicUrl, SCOPES);
    const bulk = await createTenant(db, 'Bulk', publicUrl, SCOPES);
    const observers = { watch, db, spawnedAt };

    // Warm-up: JIT, connection pools and SMPP binds, outside the figures.
    if (WARMUP_N > 0) {
      const c = new ApiClient(HOST, port, warm.secret, Math.min(CLIENTS, 10));
      clientsToClose.push(c);
      const w = await sendSingles(c, WARMUP_N, Math.min(CLIENTS, 10), 5_000_000, 60_000);
      const f = await waitAllFinal(db, warm.accountId, Date.now() + 30_000);
      note('warm-up', { requests: WARMUP_N, ok: w.ok, all_final: f.done, ms: Date.now() - w.firstStart, errors: w.errors });
      c.close();
    }

    // ---- single: N one-recipient requests from CLIENTS concurrent clients
    const sc = new ApiClient(HOST, port, single.secret, CLIENTS);
    clientsToClose.push(sc);
    let singleOk = 0;
    await observe(observers, 'single', () => singleOk, async () => {
      const s = await sendSingles(sc, SINGLE_N, CLIENTS, 2_000_000, SINGLE_SEND_CAP_MS);
      singleOk = s.ok;
      const sendSeconds = (s.sendEnd - s.firstStart) / 1000;
      if (s.sent < SINGLE_N) incomplete.push(`single: only ${s.sent} of ${SINGLE_N} requests sent within ${SINGLE_SEND_CAP_MS / 1000} s`);
      if (Object.keys(s.errors).length > 0) note('single errors', s.errors);
      if (s.ok < s.sent) incomplete.push(`single: ${s.sent - s.ok} of ${s.sent} requests failed`);
      if (s.ok === 0) return;
      const f = await waitAllFinal(db, single.accountId, Date.now() + SINGLE_FINAL_CAP_MS);
      const state = await finalState(db, single.accountId);
      if (!f.done) incomplete.push(`single: ${state.final} of ${state.total} messages final ${SINGLE_FINAL_CAP_MS / 1000} s after the last request`);
      const end = f.done && state.lastFinalAt ? state.lastFinalAt : f.observedAt;
      const e2eSeconds = (end - s.firstStart) / 1000;
      figures.single_e2e_per_s = Math.round(state.final / e2eSeconds);
      figures.single_p50_ms = round(percentile(s.latencies, 50), 1);
      figures.single_p99_ms = round(percentile(s.latencies, 99), 1);
      note('single', {
        requests_sent: s.sent,
        accepted_202: s.ok,
        accept_phase_s: round(sendSeconds, 2),
        accepted_per_s: Math.round(s.ok / sendSeconds),
        p90_ms: round(percentile(s.latencies, 90), 1),
        p999_ms: round(percentile(s.latencies, 99.9), 1),
        max_ms: round(percentile(s.latencies, 100), 1),
        receipts_lag_after_last_request_s: round((end - s.sendEnd) / 1000, 2),
        e2e_s: round(e2eSeconds, 2),
        end_from: f.done ? 'max(messages.final_at)' : 'cap reached',
        statuses: state.statuses,
      });
    });
    sc.close();
    note('single pipeline', await pipelineOf(db, single.accountId));

    // ---- bulk: one request of BULK_N recipients on the streamed NDJSON endpoint when this Herald has it;
    // otherwise sequential JSON requests of 10,000 (the most POST /v1/messages takes).
    const bc = new ApiClient(HOST, port, bulk.secret, 1);
    clientsToClose.push(bc);
    const streamed =
      process.env.BENCH_BULK_MODE !== 'json' &&
      (await bc.request('POST', '/v1/messages/bulk', Buffer.alloc(0), 10_000, 'application/x-ndjson')).status !== 404;
    note('bulk mode', streamed
      ? `one POST /v1/messages/bulk (application/x-ndjson) of ${BULK_N} recipients`
      : `no streamed bulk endpoint${process.env.BENCH_BULK_MODE === 'json' ? ' (BENCH_BULK_MODE=json)' : ''}: bulk_accept_s is ${Math.ceil(BULK_N / MAX_PER_REQUEST)} ` +
        `sequential POST /v1/messages of up to ${MAX_PER_REQUEST} recipients (HERALD_BODY_LIMIT=8 MiB)`);
    const requests: { body: Buffer | Record<string, unknown>; path: string; contentType: string }[] = [];
    if (streamed) {
      const lines = [JSON.stringify({ text: TEXT, sender: SENDER }), ...Array.from({ length: BULK_N }, (_, i) => JSON.stringify(mobile(i)))];
      requests.push({ path: '/v1/messages/bulk', contentType: 'application/x-ndjson', body: Buffer.from(lines.join('\n') + '\n') });
    } else {
      for (let from = 0; from < BULK_N; from += MAX_PER_REQUEST) {
        const to = Array.from({ length: Math.min(MAX_PER_REQUEST, BULK_N - from) }, (_, i) => mobile(from + i));
        requests.push({ path: '/v1/messages', contentType: 'application/json', body: { to, text: TEXT, sender: SENDER } });
      }
    }
    let bulkAccepted = 0;
    await observe(observers, 'bulk', () => bulkAccepted, async () => {
      const t0 = Date.now();
      const requestMs: number[] = [];
      let failed = 0;
      for (const [k, r] of requests.entries()) {
        if (Date.now() - t0 > BULK_ACCEPT_CAP_MS) {
          incomplete.push(`bulk: only ${k} of ${requests.length} requests sent within ${BULK_ACCEPT_CAP_MS / 1000} s`);
          break;
        }
        const a = await bc.request('POST', r.path, r.body, 180_000, r.contentType);
        requestMs.push(Math.round(a.ms));
        if (a.status !== 202) {
          failed++;
          note('bulk error', `${a.status} ${a.body.slice(0, 300)}`);
          continue;
        }
        const body = JSON.parse(a.body) as { accepted: unknown[]; rejected: unknown[] };
        bulkAccepted += body.accepted.length;
        if (body.rejected.length > 0) note('bulk rejected', `${body.rejected.length} in request ${k}: ${JSON.stringify(body.rejected[0])}`);
      }
      const acceptEnd = Date.now();
      const allAccepted = bulkAccepted === BULK_N;
      if (!allAccepted) incomplete.push(`bulk: ${bulkAccepted} of ${BULK_N} recipients accepted (${failed} request(s) failed)`);
      figures.bulk_accept_s = allAccepted ? round((acceptEnd - t0) / 1000, 2) : null;
      if (bulkAccepted === 0) return;
      const f = await waitAllFinal(db, bulk.accountId, t0 + BULK_FINAL_CAP_MS);
      const state = await finalState(db, bulk.accountId);
      if (!f.done) incomplete.push(`bulk: ${state.final} of ${state.total} messages final ${BULK_FINAL_CAP_MS / 1000} s after the first request`);
      const end = f.done && state.lastFinalAt ? state.lastFinalAt : f.observedAt;
      figures.bulk_delivered_s = f.done && allAccepted ? round((end - t0) / 1000, 2) : null;
      note('bulk accepted', `${round((acceptEnd - observers.spawnedAt) / 1000, 1)} s after Herald was spawned`);
      note('bulk', {
        accepted: bulkAccepted,
        request_ms: requestMs,
        accepted_per_s: Math.round(bulkAccepted / ((acceptEnd - t0) / 1000)),
        delivered_s: round((end - t0) / 1000, 2),
        delivered_per_s: Math.round(state.final / ((end - t0) / 1000)),
        end_from: f.done ? 'max(messages.final_at)' : 'cap reached',
        statuses: state.statuses,
      });
    });
    bc.close();
    note('bulk pipeline', await pipelineOf(db, bulk.accountId));

    // ---- census: the statements one accept makes (run here, in this process, through the same modules)
    if (CENSUS) {
      const auth = await countStatements(() => accounts.authenticateApiKey(db, warm.secret, HOST));
      note('census auth (per request, API key)', auth.statements.map((s) => s.text));
      for (const n of [1, 1000]) {
        const accept = await countStatements(() =>
          messages.acceptMessages(db, { accountId: warm.accountId, actorId: warm.keyId }, { to: Array.from({ length: n }, (_, i) => mobile(7_000_000 + n * 10 + i)), text: TEXT, sender: SENDER }, { defaultSender: SENDER }),
        );
        const lockAt = accept.statements.findIndex((s) => /ledger_wallets .*for update/i.test(s.full));
        const commitAt = accept.statements.findIndex((s) => /^commit/i.test(s.full));
        const held = lockAt >= 0 && commitAt >= 0 ? accept.statements[commitAt]!.endMs - accept.statements[lockAt]!.startMs : null;
        const inTx = lockAt >= 0 && commitAt >= 0 ? commitAt - lockAt + 1 : null;
        note(`census accept (${n} recipient${n > 1 ? 's' : ''})`, {
          statements: accept.statements.length,
          wallet_lock_held_ms_unloaded: held === null ? null : round(held, 2),
          statements_under_wallet_lock: inTx,
          list: accept.statements.map((s) => `${round(s.endMs - s.startMs, 2)}ms ${s.text}`),
        });
      }
    }

    const m = memoryOf(herald.child.pid!);
    figures.peak_rss_mb = Math.round(Math.max(watch.peakHeraldRssKb, m?.hwmKb ?? 0) / 1024);
    note('memory', { herald_peak_rss_mb: figures.peak_rss_mb, postgres_peak_total_pss_mb: Math.round(watch.peakPostgresPssKb / 1024), note: 'postgres figure is the sum of PSS over the postmaster and its children (shared buffers counted once), not included in peak_rss_mb' });
  } catch (error) {
    note('error', String((error as Error)?.stack ?? error));
    incomplete.push(`aborted: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
    if (herald.child.pid && figures.peak_rss_mb === null) {
      const m = memoryOf(herald.child.pid);
      if (m) figures.peak_rss_mb = Math.round(m.hwmKb / 1024);
    }
  } finally {
    for (const c of clientsToClose) c.close();
    watch?.stop();
    await handle?.close().catch(() => undefined);
    for (const w of extraWorkers) await stopHerald(w, null);
    await stopHerald(herald, postmasterPid);
    const tail = herald.output().trim();
    if (tail && /error|warn|"level":[45]/i.test(tail)) note('herald output (tail)', tail.slice(-1500));
    if (process.env.BENCH_KEEP === '1') note('data dir kept', dataDir);
    else await rm(dataDir, { recursive: true, force: true }).catch((e: unknown) => note('warning', `could not remove ${dataDir}: ${String(e)}`));
    if (PROFILE.has('cpu')) note('cpu profile', `written to ${CPU_PROF_DIR} (summarise: node dist/test/bench/cpuprofile-top.js <file>)`);
  }
  return { figures, incomplete };
}

const { figures, incomplete } = await main();
const met = (value: number | null, target: number, higherIsBetter = false) => (value === null ? false : higherIsBetter ? value >= target : value <= target);
const result = {
  ...figures,
  targets_met: {
    single_e2e_per_s: met(figures.single_e2e_per_s, TARGETS.single_e2e_per_s, true),
    single_p99_ms: met(figures.single_p99_ms, TARGETS.single_p99_ms),
    bulk_accept_s: met(figures.bulk_accept_s, TARGETS.bulk_accept_s),
    bulk_delivered_s: met(figures.bulk_delivered_s, TARGETS.bulk_delivered_s),
    peak_rss_mb: met(figures.peak_rss_mb, TARGETS.peak_rss_mb),
  },
  incomplete: incomplete.length > 0,
  ...(incomplete.length > 0 && { incomplete_reasons: incomplete }),
};
process.stdout.write(JSON.stringify(result) + '\n');
