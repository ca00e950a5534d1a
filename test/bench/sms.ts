/**
 * `npm run bench:sms`: Herald as `npm start` runs it (API + worker + SMS centre
 * simulator in one process, embedded PostgreSQL with fsync on, in a fresh
 * temporary data directory), driven over loopback HTTP.
 *
 *   single:  20,000 one-recipient requests from 50 concurrent keep-alive clients,
 *            one account, one API key, one country and price
 *   bulk:    100,000 recipients in one streamed POST /v1/messages/bulk (NDJSON), or,
 *            on a Herald without it, sequential POST /v1/messages of 10,000
 *   tenants: 20,000 one-recipient requests from the same 50 clients, interleaved
 *            across 5 accounts (9 API keys; plans with and without included parts)
 *            sending to 5 countries at 5 prices (prices are per country in Herald)
 *
 * What the figures count, so that they cannot flatter:
 *   - a phase ends when its last message is both final and charged (the charge
 *     job has settled its parts in the ledger), as observed by polling every
 *     100 ms: an upper bound, never the start of the last transaction;
 *   - throughput counts delivered (and charged) messages only; failed, undelivered,
 *     expired and unknown finals are errors, printed apart;
 *   - latency percentiles are of 202 answers only; other answers are errors,
 *     counted and printed apart;
 *   - CPU per message is Herald's and PostgreSQL's CPU over the whole phase
 *     (accept, dispatch, receipts, charges) divided by the delivered messages.
 *
 * Prints `# …` note lines, one JSON line per phase ({"phase": …}), then as its
 * LAST line one JSON object with the figures and `targets_met`. Nothing is
 * asserted: figures are printed even when targets are missed or a phase could not
 * finish (`incomplete: true`).
 *
 * Knobs (environment): BENCH_SINGLE_N, BENCH_CLIENTS, BENCH_BULK_N, BENCH_TENANTS_N,
 * BENCH_TENANTS (accounts in the tenants phase), BENCH_WARMUP;
 * BENCH_BULK_MODE=json (force the 10,000-per-request mode); BENCH_PROFILE=pg,stmts,cpu
 * (pg: sample pg_stat_activity; stmts: restart with pg_stat_statements and list the
 * statements of each phase; cpu: --cpu-prof the Herald process into BENCH_CPU_PROF_DIR,
 * default /tmp/herald-bench-prof); BENCH_CENSUS=0 (skip counting the accept
 * path's statements); BENCH_KEEP=1 (keep the data dir); BENCH_EXTRA_WORKERS=n (an
 * experiment: n more `herald worker` processes on the same database).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as accounts from '../../src/modules/accounts/index.js';
import * as pricing from '../../src/modules/pricing/index.js';
import { openDatabase, sql, type DatabaseHandle, type Executor } from '../../src/platform/db/index.js';
import { ApiClient } from './http-client.js';
import { embeddedServer, freePort, startHerald, stopHerald, waitReady, type Herald } from './herald-process.js';
import { memoryOf, ProcessWatch } from './proc.js';
import { census } from './sms-census.js';
import { pipelineOf, waitSettled } from './sms-outcome.js';
import { bulkPhase, sendsPhase } from './sms-phases.js';
import { mobile, sendSingles } from './sms-send.js';
import { setUpTenants, tenantsPick } from './sms-tenants.js';
import { createTenant } from './tenant.js';
import { intKnob, round } from './knobs.js';

const HOST = '127.0.0.1';
const SINGLE_N = intKnob('BENCH_SINGLE_N', 20_000);
const CLIENTS = intKnob('BENCH_CLIENTS', 50);
const BULK_N = intKnob('BENCH_BULK_N', 100_000);
const TENANTS_N = intKnob('BENCH_TENANTS_N', 20_000);
const TENANTS = intKnob('BENCH_TENANTS', 5);
const WARMUP_N = process.env.BENCH_WARMUP === '0' ? 0 : intKnob('BENCH_WARMUP', 500);
const PROFILE = new Set((process.env.BENCH_PROFILE ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR ?? '/tmp/herald-bench-prof';
const CENSUS = process.env.BENCH_CENSUS !== '0';
/** An experiment, not the benchmark's setup: extra `herald worker` processes sharing the queue. */
const EXTRA_WORKERS = Number(process.env.BENCH_EXTRA_WORKERS ?? 0) || 0;

const TARGETS = { single_e2e_per_s: 3000, single_p99_ms: 50, bulk_accept_s: 5, bulk_delivered_s: 20, peak_rss_mb: 500 };
const SCOPES: accounts.Scope[] = ['messages:write', 'messages:read'];

/** Not measured: a phase stopped by a cap leaves work that would otherwise slow the next one. */
const DRAIN_CAP_MS = 300_000;

const note = (label: string, value: unknown) => process.stdout.write(`# ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits, outside any phase, until the accounts' messages are final and charged; notes it when that took a while. */
async function drain(db: Executor, name: string, accountIds: string[]): Promise<void> {
  const t0 = Date.now();
  const f = await waitSettled(db, accountIds, t0 + DRAIN_CAP_MS);
  if (!f.done || f.endAt - t0 > 500) note(`${name} drained before the next phase (not measured)`, { s: round((f.endAt - t0) / 1000, 1), done: f.done });
}

interface Figures {
  single_e2e_per_s: number | null;
  single_p50_ms: number | null;
  single_p99_ms: number | null;
  single_errors: number | null;
  bulk_accept_s: number | null;
  bulk_delivered_s: number | null;
  bulk_errors: number | null;
  tenants_e2e_per_s: number | null;
  tenants_p50_ms: number | null;
  tenants_p99_ms: number | null;
  tenants_errors: number | null;
  peak_rss_mb: number | null;
}

async function main(): Promise<{ figures: Figures; incomplete: string[] }> {
  const figures: Figures = {
    single_e2e_per_s: null, single_p50_ms: null, single_p99_ms: null, single_errors: null, bulk_accept_s: null, bulk_delivered_s: null, bulk_errors: null,
    tenants_e2e_per_s: null, tenants_p50_ms: null, tenants_p99_ms: null, tenants_errors: null, peak_rss_mb: null,
  };
  const incomplete: string[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-bench-'));
  if (PROFILE.has('cpu')) await mkdir(CPU_PROF_DIR, { recursive: true });
  const port = await freePort();
  const publicUrl = `http://${HOST}:${port}`;
  note('setup', { dataDir, port, single_requests: SINGLE_N, clients: CLIENTS, bulk_recipients: BULK_N, tenants: TENANTS, tenants_requests: TENANTS_N, warmup: WARMUP_N, profile: [...PROFILE] });
  note('counting', 'e2e ends when the last message is final and charged; throughput counts delivered messages; latencies are of 202 answers; errors are counted apart');

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

    // Warm-up: JIT, connection pools and SMPP binds, outside the figures; charged too, so that
    // none of its work is left for the first phase.
    if (WARMUP_N > 0) {
      const c = new ApiClient(HOST, port, warm.secret, Math.min(CLIENTS, 10));
      clientsToClose.push(c);
      const w = await sendSingles((i) => ({ client: c, to: mobile(5_000_000 + i) }), WARMUP_N, Math.min(CLIENTS, 10), 60_000);
      const f = await waitSettled(db, [warm.accountId], Date.now() + 30_000);
      note('warm-up', { requests: WARMUP_N, ok: w.ok, settled: f.done, ms: f.endAt - w.firstStart, errors: w.errors });
      c.close();
    }

    // ---- single: one account, one key
    const sc = new ApiClient(HOST, port, single.secret, CLIENTS);
    clientsToClose.push(sc);
    const s = await sendsPhase(observers, 'single', (i) => ({ client: sc, to: mobile(2_000_000 + i) }), SINGLE_N, CLIENTS, [single.accountId], incomplete);
    Object.assign(figures, { single_e2e_per_s: s.e2ePerS, single_p50_ms: s.p50, single_p99_ms: s.p99, single_errors: s.errors });
    note('single pipeline', await pipelineOf(db, [single.accountId]));
    await drain(db, 'single', [single.accountId]);

    // ---- bulk
    const bc = new ApiClient(HOST, port, bulk.secret, 1);
    clientsToClose.push(bc);
    const b = await bulkPhase(observers, bc, bulk.accountId, BULK_N, incomplete);
    Object.assign(figures, { bulk_accept_s: b.acceptSeconds, bulk_delivered_s: b.deliveredSeconds, bulk_errors: b.errors });
    bc.close();
    note('bulk pipeline', await pipelineOf(db, [bulk.accountId]));
    await drain(db, 'bulk', [bulk.accountId]);

    // ---- tenants: the single phase's clients, interleaved over several accounts, keys, countries and prices
    const tenants = await setUpTenants(db, publicUrl, TENANTS, TENANTS_N, SCOPES);
    note('tenants setup', tenants.described);
    const t = await sendsPhase(observers, 'tenants', tenantsPick(tenants, sc, 3_000_000), TENANTS_N, CLIENTS, tenants.accountIds, incomplete);
    Object.assign(figures, { tenants_e2e_per_s: t.e2ePerS, tenants_p50_ms: t.p50, tenants_p99_ms: t.p99, tenants_errors: t.errors });
    note('tenants pipeline', await pipelineOf(db, tenants.accountIds));
    sc.close();

    if (CENSUS) await census(db, warm, HOST);

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
