// The Herald child process of the benchmark: started as `npm start` runs it, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresUrl } from '../../src/platform/db/embedded/connection.js';
import { probe } from './http-client.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const HOST = '127.0.0.1';
const PROFILE = new Set((process.env.BENCH_PROFILE ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR ?? '/tmp/herald-bench-prof';
const note = (label: string, value: unknown) => process.stdout.write(`# ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}


export interface Herald {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `herald start` (API + worker + simulator), or with `role: 'worker'` an extra worker process on the same database. */
export function startHerald(dataDir: string, port: number, role: 'start' | 'worker' = 'start'): Herald {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HERALD_DATA_DIR: dataDir,
    HERALD_HOST: HOST,
    HERALD_PORT: String(port),
    HERALD_LOG_LEVEL: 'warn',
    // An extra worker sends through the simulator of the `start` process (the connectors table names it).
    HERALD_SMSC_SIMULATOR: role === 'start' ? 'on' : 'off',
    HERALD_BODY_LIMIT: '8388608',
    ...(process.env.BENCH_NODE_OPTIONS && { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS }),
  };
  const nodeFlags = PROFILE.has('cpu') && role === 'start' ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [];
  const child = spawn(process.execPath, [...nodeFlags, join(ROOT, 'bin/herald.js'), role], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function waitReady(herald: Herald, port: number, ms = 90_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (herald.child.exitCode !== null) throw new Error(`Herald exited during start (code ${herald.child.exitCode}):\n${herald.output()}`);
    if ((await probe(HOST, port, '/readyz')) === 200) return;
    await sleep(100);
  }
  throw new Error(`Herald did not answer /readyz within ${ms} ms:\n${herald.output()}`);
}

/** The embedded server the child started: its port in postmaster.pid, its password in postgres.secret. */
export async function embeddedServer(dataDir: string): Promise<{ url: string; postmasterPid: number }> {
  const pidFile = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n');
  const password = (await readFile(join(dataDir, 'postgres.secret'), 'utf8')).split('\n')[0]!.trim();
  return { url: postgresUrl(Number(pidFile[3]), password, 'herald'), postmasterPid: Number(pidFile[0]) };
}

export async function stopHerald(herald: Herald, postmasterPid: number | null): Promise<void> {
  if (herald.child.exitCode !== null || herald.child.signalCode !== null) return;
  herald.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([herald.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 45_000)))]);
  clearTimeout(timer);
  if (code === 'timeout') {
    note('warning', 'Herald did not stop within 45 s of SIGTERM; killing it and its PostgreSQL');
    herald.child.kill('SIGKILL');
    if (postmasterPid) {
      try {
        process.kill(postmasterPid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    await herald.exited;
  }
}
