/**
 * `npm run bench:contacts`: Herald as `npm start` runs it (embedded PostgreSQL,
 * fsync on, a fresh temporary data directory), driven over loopback HTTP.
 *
 *   import: one CSV of 100,000 rows, uploaded to POST /v1/contact-imports, started
 *           and run by the worker; the clock runs from the first byte of the upload
 *           until the import reads `done`, so rows per second cover upload and
 *           import end to end; Herald's peak RSS over the same span
 *   search: GET /v1/contacts?q=… over those 100,000 contacts, a mix of name,
 *           number (national and international), email, organisation and tag
 *           searches, one at a time (the figures), then from 4 clients at once (a note)
 *
 * Which commits are asynchronous, and why: each import batch's transaction (its
 * contacts, list memberships, refused rows and the import's progress) runs with
 * `synchronous_commit = off`, set by Herald itself for that transaction only
 * (src/modules/contacts/run-import.ts). A crash may lose the last batches, but
 * their progress goes with them and a resumed import reads those rows again, so
 * nothing is lost or written twice. Everything else commits synchronously with
 * fsync on: the uploaded file, the start, and the commit that marks the import
 * done. Since the WAL is flushed in order, flushing that last commit makes every
 * batch before it durable too, so when the benchmark sees `done` all rows are
 * on disk and the time includes getting them there.
 *
 * Search runs on a restarted Herald (and PostgreSQL), so shared buffers do not
 * hold what the import just wrote; the operating system's page cache still may
 * (emptying it needs root). Then 200 warm-up searches, other rows than the
 * measured ones, printed apart and not counted; then the measured searches. A
 * search that finds nothing stops the benchmark: every query is made from a row
 * of the file, so an empty answer is a fault, not a fast answer. Answers other
 * than 200 are counted apart and left out of the percentiles.
 *
 * Prints `# …` notes, one JSON line per phase ({"phase": …}), then as its LAST
 * line one JSON object with the figures and `targets_met`. Nothing is asserted.
 * Knobs: BENCH_ROWS (100000), BENCH_SEARCHES (2000), BENCH_WARMUP (200), BENCH_KEEP=1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, sql, type DatabaseHandle } from '../../src/platform/db/index.js';
import { ApiClient } from './http-client.js';
import { embeddedServer, freePort, HOST, startHerald, stopHerald, waitReady } from './herald-process.js';
import { memoryOf, ProcessWatch } from './proc.js';
import { createTenant } from './tenant.js';
import { intKnob, round } from './knobs.js';

const ROWS = intKnob('BENCH_ROWS', 100_000);
const SEARCHES = intKnob('BENCH_SEARCHES', 2_000);
const WARMUP = intKnob('BENCH_WARMUP', 200);
const TARGETS = { search_p99_ms: 50, import_rows_per_s: 10_000, import_peak_rss_mb: 300 };

const note = (label: string, value: unknown) => process.stdout.write(`# ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

const FIRST = ['Anna', 'Bart', 'Chloé', 'Dirk', 'Els', 'Fatima', 'Geert', 'Hanne', 'Ilse', 'Jürgen', 'Karim', 'Lotte', 'Marc', 'Nora', 'Olivier', 'Pieter', 'Quinten', 'Rania', 'Sofie', 'Tom', 'Ursula', 'Vincent', 'Wout', 'Xavier', 'Yasmine', 'Zoë'];
const LAST = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Dubois', 'Lambert', 'Dupont', 'Martin', 'Müller', 'Schmidt', 'Van Damme', 'Vermeulen', 'Hermans', 'Lemmens'];
const ORGS = ['Acme', 'Brouwerij Het Anker', 'Café De Zwaan', 'Dental Care', 'Elektro Vos', 'Fietsen Peeters', 'Garage Claes', 'Huisartsen Noord'];
const TAGS = ['klant', 'leverancier', 'vip', 'familie', 'team', 'pers'];

/** Row i of the file: a name that repeats, a number and an address that do not. */
function row(i: number): { first: string; last: string; org: string; mobile: string; email: string; tag: string } {
  const first = FIRST[i % FIRST.length]!;
  const last = `${LAST[Math.floor(i / FIRST.length) % LAST.length]!}${i % 7 === 0 ? '' : ` ${i % 997}`}`;
  // Organisation and tag by a hash of i, not i itself: i % 8 and i % 6 would tie them to
  // the first name (i % 26) and so to name order, a correlation real books do not have.
  const h = Math.imul(i + 1, 2_654_435_761) >>> 0;
  return { first, last, org: ORGS[h % ORGS.length]!, mobile: `+3247${String(1_000_000 + i).padStart(7, '0')}`, email: `user${i}@example${i % 50}.org`, tag: TAGS[(h >>> 8) % TAGS.length]! };
}

function csvFile(n: number): Buffer {
  const lines = ['First name;Last name;Company;Mobile;E-mail;Tags'];
  for (let i = 0; i < n; i++) {
    const r = row(i);
    lines.push(`${r.first};${r.last};${r.org};${r.mobile};${r.email};${r.tag}`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n');
}

const KINDS = ['first name', 'last name', 'full name', 'national number', 'international prefix', 'email', 'organisation', 'tag'];

/** What people type: parts of names, numbers as dialled nationally or internationally, addresses, organisations, tags. */
function query(k: number): string {
  const r = row((k * 7919) % ROWS);
  switch (k % 8) {
    case 0: return `q=${encodeURIComponent(r.first.slice(0, 4))}`;
    case 1: return `q=${encodeURIComponent(r.last.slice(0, 6))}`;
    case 2: return `q=${encodeURIComponent(`${r.first} ${r.last.split(' ')[0]}`)}`;
    case 3: return `q=${encodeURIComponent(`0${r.mobile.slice(3, 10)}`)}`;
    case 4: return `q=${encodeURIComponent(r.mobile.slice(0, 9))}`;
    case 5: return `q=${encodeURIComponent(r.email.split('@')[0]!)}`;
    case 6: return `q=${encodeURIComponent(r.org.slice(0, 5).toLowerCase())}`;
    default: return `tag=${r.tag}`;
  }
}

/** Searches k = from … from + count - 1, from `clients` at once. Throws on a search that finds nothing. */
async function searchRun(api: ApiClient, clients: number, from: number, count: number) {
  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  const errors: Record<string, number> = {};
  let next = from;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < from + count) {
      const k = next++;
      const q = query(k);
      const a = await api.request('GET', `/v1/contacts?limit=50&${q}`);
      if (a.status !== 200) {
        errors[a.status] = (errors[a.status] ?? 0) + 1;
        continue;
      }
      if ((JSON.parse(a.body) as { data: unknown[] }).data.length === 0) throw new Error(`search ${q} (${KINDS[k % KINDS.length]}) found nothing; every query is made from a row of the file`);
      latencies.push(a.ms);
      const kind = KINDS[k % KINDS.length]!;
      byKind.set(kind, [...(byKind.get(kind) ?? []), a.ms]);
    }
  }));
  latencies.sort((a, b) => a - b);
  return {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    errors,
    note: { searches: count, answered_200: latencies.length, p90_ms: round(percentile(latencies, 90)), max_ms: round(percentile(latencies, 100)), errors },
    byKind: Object.fromEntries([...byKind].map(([kind, ms]) => {
      ms.sort((a, b) => a - b);
      return [kind, `${round(percentile(ms, 50))}/${round(percentile(ms, 99))}`];
    })),
  };
}

const analyzeCount = async (db: DatabaseHandle['db']) => Number((await sql<{ n: string }>`select coalesce(min(analyze_count), 0)::text as n
  from pg_stat_user_tables where relname in ('contacts', 'contact_numbers')`.execute(db)).rows[0]?.n ?? 0);

/** Waits for the ANALYZE the worker runs after a large import (both tables analysed once more), so that a restart does not cut it short. */
async function waitAnalyzed(db: DatabaseHandle['db'], before: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if ((await analyzeCount(db)) > before) return true;
    await sleep(100);
  }
  return false;
}

const phaseLine = (phase: string, figures: Record<string, unknown>) => process.stdout.write(JSON.stringify({ phase, ...figures }) + '\n');

interface Figures { search_p50_ms: number | null; search_p99_ms: number | null; import_rows_per_s: number | null; import_peak_rss_mb: number | null }

async function main(): Promise<{ figures: Figures; incomplete: string[] }> {
  const figures: Figures = { search_p50_ms: null, search_p99_ms: null, import_rows_per_s: null, import_peak_rss_mb: null };
  const incomplete: string[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-bench-contacts-'));
  const port = await freePort();
  note('setup', { dataDir, port, rows: ROWS, searches: SEARCHES, warmup_searches: WARMUP });
  let herald = startHerald(dataDir, port);
  let handle: DatabaseHandle | null = null;
  let watch: ProcessWatch | null = null;
  let postmasterPid: number | null = null;
  const clients: ApiClient[] = [];
  const connect = async () => {
    await waitReady(herald, port);
    const server = await embeddedServer(dataDir);
    postmasterPid = server.postmasterPid;
    handle = openDatabase(server.url, { poolSize: 2, applicationName: 'herald-bench' });
    watch = new ProcessWatch(herald.child.pid!, postmasterPid);
    watch.start(50);
    return { db: handle.db, watch };
  };
  try {
    const { db, watch: w } = await connect();
    const settings = await sql<{ name: string; setting: string }>`select name, setting from pg_settings where name in ('fsync', 'synchronous_commit')`.execute(db);
    note('postgres', { ...Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])), import_batches: 'synchronous_commit = off (see the header)' });
    const tenant = await createTenant(db, 'Contacts', `http://${HOST}:${port}`, ['contacts:read', 'contacts:write']);
    let api = new ApiClient(HOST, port, tenant.secret, 4);
    clients.push(api);

    // ---- import: the clock runs from the upload's first byte until the import reads done
    const file = csvFile(ROWS);
    const analyzedBefore = await analyzeCount(db);
    const rssBefore = memoryOf(herald.child.pid!)?.rssKb ?? 0;
    w.resetPhase();
    const cpu0 = w.cpu();
    const t0 = performance.now();
    const up = await api.request('POST', '/v1/contact-imports?address_book=shared', file, 300_000, 'text/csv');
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${up.body.slice(0, 300)}`);
    const id = (JSON.parse(up.body) as { id: string }).id;
    const uploadPeakMb = Math.round(w.phasePeakRssKb / 1024);
    const startAt = performance.now();
    const start = await api.request('POST', `/v1/contact-imports/${id}/start`, {});
    if (start.status !== 202) throw new Error(`start: ${start.status} ${start.body.slice(0, 300)}`);
    let status: { status: string; rows: number; created: number; merged: number; failed: number } = { status: 'queued', rows: 0, created: 0, merged: 0, failed: 0 };
    let endAt = performance.now();
    while (!['done', 'failed', 'cancelled'].includes(status.status)) {
      if (performance.now() - t0 > 600_000) {
        incomplete.push('import: not done within 10 minutes');
        break;
      }
      await sleep(50);
      status = JSON.parse((await api.request('GET', `/v1/contact-imports/${id}`)).body);
      endAt = performance.now();
    }
    const seconds = (endAt - t0) / 1000;
    const cpu1 = w.cpu();
    const imported = status.created + status.merged;
    figures.import_rows_per_s = Math.round(imported / seconds);
    figures.import_peak_rss_mb = Math.round(w.phasePeakRssKb / 1024);
    const perRow = (s: number) => round((s * 1_000_000) / Math.max(1, imported), 1);
    note('import cpu seconds', { herald: round(cpu1.herald - cpu0.herald, 2), postgres: round(cpu1.postgres - cpu0.postgres, 2), machine_busy: round(cpu1.machineBusy - cpu0.machineBusy, 2), machine_idle: round(cpu1.machineIdle - cpu0.machineIdle, 2) });
    note('import', { file_mb: round(file.length / 1048576), upload_ms: Math.round(up.ms), start_to_done_s: round((endAt - startAt) / 1000, 2), ...status, rss_before_mb: Math.round(rssBefore / 1024), upload_peak_rss_mb: uploadPeakMb });
    if (status.status !== 'done' || imported !== ROWS) incomplete.push(`import ended ${status.status} with ${status.created} created, ${status.merged} merged, ${status.failed} failed`);
    phaseLine('import', {
      rows: ROWS, imported, failed: status.failed, upload_and_import_s: round(seconds, 2), rows_per_s: figures.import_rows_per_s,
      herald_cpu_us_per_row: perRow(cpu1.herald - cpu0.herald), postgres_cpu_us_per_row: perRow(cpu1.postgres - cpu0.postgres),
      peak_rss_mb: figures.import_peak_rss_mb, end: 'import read done (its commit synchronous)', complete: incomplete.length === 0,
    });
    const analyzed = imported >= 5_000 ? await waitAnalyzed(db, analyzedBefore, 120_000) : true;
    if (!analyzed) incomplete.push('the ANALYZE after the import did not finish within 120 s');
    note('analyze after the import', `${analyzed ? 'done' : 'not done'} ${round((performance.now() - endAt) / 1000, 2)} s after the import read done (not in the import time; searches do not wait for it)`);

    // ---- restart, so that the searches do not start on shared buffers the import filled
    api.close();
    w.stop();
    await handle!.close();
    await stopHerald(herald, postmasterPid);
    herald = startHerald(dataDir, port);
    const restarted = await connect();
    api = new ApiClient(HOST, port, tenant.secret, 4);
    clients.push(api);

    // ---- search: warm-up (other rows, not counted), then the figures: one person searching at a
    // time (the address book is interactive), then 4 clients at once as a note (an office searching
    // together), on rows of their own so that the one-client run has not warmed exactly them
    const warm = await searchRun(api, 1, SEARCHES * 2, WARMUP);
    note('search warm-up after restart, 1 client (not counted)', { p50_ms: warm.p50, p99_ms: warm.p99, ...warm.note });
    const one = await searchRun(api, 1, 0, SEARCHES);
    figures.search_p50_ms = one.p50;
    figures.search_p99_ms = one.p99;
    note('search, 1 client', one.note);
    note('search, 1 client, by kind (p50/p99 ms)', one.byKind);
    const four = await searchRun(api, 4, SEARCHES, SEARCHES);
    note('search, 4 clients at once', { p50_ms: four.p50, p99_ms: four.p99, ...four.note });
    note('search, 4 clients, by kind (p50/p99 ms)', four.byKind);
    const errors = Object.values(one.errors).reduce((a, b) => a + b, 0);
    for (const run of [one, four]) if (Object.keys(run.errors).length > 0) incomplete.push(`search: errors ${JSON.stringify(run.errors)}`);
    phaseLine('search', { searches: SEARCHES, clients: 1, warmup_searches_not_counted: WARMUP, p50_ms: one.p50, p99_ms: one.p99, error_answers: errors });
    const count = await sql<{ n: string }>`select count(*) as n from contacts`.execute(restarted.db);
    note('contacts stored', count.rows[0]!.n);
  } catch (error) {
    note('error', String((error as Error)?.stack ?? error));
    incomplete.push(`aborted: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
  } finally {
    for (const c of clients) c.close();
    (watch as ProcessWatch | null)?.stop();
    await (handle as DatabaseHandle | null)?.close().catch(() => undefined);
    await stopHerald(herald, postmasterPid);
    if (process.env.BENCH_KEEP === '1') note('data dir kept', dataDir);
    else await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
  return { figures, incomplete };
}

const { figures, incomplete } = await main();
const met = (v: number | null, target: number, higher = false) => v !== null && (higher ? v >= target : v <= target);
process.stdout.write(JSON.stringify({
  ...figures,
  targets_met: {
    search_p99_ms: met(figures.search_p99_ms, TARGETS.search_p99_ms),
    import_rows_per_s: met(figures.import_rows_per_s, TARGETS.import_rows_per_s, true),
    import_peak_rss_mb: met(figures.import_peak_rss_mb, TARGETS.import_peak_rss_mb),
  },
  incomplete: incomplete.length > 0,
  ...(incomplete.length > 0 && { incomplete_reasons: incomplete }),
}) + '\n');
