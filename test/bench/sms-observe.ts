// What a phase of bench:sms cost: CPU of Herald, PostgreSQL, the clients and
// the rest of the machine, PostgreSQL's own statistics, and (BENCH_PROFILE)
// samples of pg_stat_activity and pg_stat_statements.
import { loadavg } from 'node:os';
import type { Executor } from '../../src/platform/db/index.js';
import { ActivitySampler, describeDelta, resetStatements, snapshot, topStatements, type PgSnapshot } from './pg-observer.js';
import type { ProcessWatch } from './proc.js';
import { round } from './knobs.js';

const PROFILE = new Set((process.env.BENCH_PROFILE ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const note = (label: string, value: unknown) => process.stdout.write(`# ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface PhaseObservers {
  watch: ProcessWatch;
  db: Executor;
  /** When the measured Herald process was spawned (a CPU profile starts then). */
  spawnedAt: number;
}

/** CPU milliseconds per delivered message over the whole phase (sending, receipts and charges); null when none was delivered. */
export interface PhaseCpu {
  herald_cpu_ms_per_message: number | null;
  postgres_cpu_ms_per_message: number | null;
}

/** Runs `run` and prints what it cost; `messagesInPhase` (read after `run`) is what the per-message figures divide by. */
export async function observe<T>(o: PhaseObservers, name: string, messagesInPhase: () => number, run: () => Promise<T>): Promise<{ result: T; cpu: PhaseCpu }> {
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
  const perMessage = (seconds: number) => (n > 0 ? round((seconds * 1000) / n, 3) : null);
  const cpu: PhaseCpu = {
    herald_cpu_ms_per_message: perMessage(cpu1.herald - cpu0.herald),
    postgres_cpu_ms_per_message: perMessage(cpu1.postgres - cpu0.postgres),
  };
  note(`${name} cpu`, {
    wall_s: round(wall, 2),
    herald: share(cpu1.herald - cpu0.herald),
    postgres: share(cpu1.postgres - cpu0.postgres),
    bench_clients: share(cpu1.bench - cpu0.bench),
    other_processes: share(Math.max(0, cpu1.machineBusy - cpu0.machineBusy - ours)),
    machine_idle: share(cpu1.machineIdle - cpu0.machineIdle),
    load_average_1m: round(loadavg()[0] ?? 0, 2),
    per_delivered_message: n,
    herald_ms_per_message: cpu.herald_cpu_ms_per_message,
    postgres_ms_per_message: cpu.postgres_cpu_ms_per_message,
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
  return { result, cpu };
}
