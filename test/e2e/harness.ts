// What the end-to-end tests run against: a built Herald (`herald start`: API
// and worker) on a database of its own, bound to an SMS centre simulator that
// runs in the test process so tests can send replies through it, and Debian's
// Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { inject } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../src/simulators/smsc/index.js';
import { buildOnce } from '../helpers/build.js';
import { freePort } from '../helpers/process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Whether the suite can run here; says why not, or fails when CI requires it. */
export function browserAvailable(): boolean {
  if (process.env.HERALD_E2E === 'off' && process.env.HERALD_E2E_REQUIRED !== '1') {
    process.stdout.write('\n*** e2e: HERALD_E2E=off; the end-to-end tests are skipped ***\n\n');
    return false;
  }
  if (existsSync(CHROMIUM)) return true;
  const notice = `e2e: no Chromium at ${CHROMIUM} (apt-get install -y chromium); the end-to-end tests are skipped`;
  if (process.env.HERALD_E2E_REQUIRED === '1') throw new Error(notice.replace('are skipped', 'are required (HERALD_E2E_REQUIRED=1)'));
  process.stdout.write(`\n*** ${notice} ***\n\n`);
  return false;
}

/**
 * `npm run build`, once per run: the tests drive what `npm start` serves. The
 * e2e project's global set-up has usually built already, and then this only
 * checks the run's stamp (test/helpers/build.ts).
 */
export async function ensureBuilt(): Promise<void> {
  await buildOnce(inject('heraldBuildRun'), { web: true });
}


export interface Herald {
  url: string;
  setupLink: string;
  /** The SMS centre Herald binds to: receipts come back on their own; `sendMo` is a reply from a handset. */
  simulator: SmscSimulator;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A fresh database on TEST_DATABASE_URL's server when it is set (CI), else the
 * embedded PostgreSQL in a temporary folder; removed again at stop.
 */
export async function startHerald(options: { builtInSimulator?: boolean } = {}): Promise<Herald> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HERALD_HOST: '127.0.0.1',
    HERALD_PORT: String(port),
    HERALD_LOG_LEVEL: 'warn',
    // Else Herald would also start its own and route half the messages there.
    HERALD_SMSC_SIMULATOR: options.builtInSimulator ? 'on' : 'off',
    // Webhook receivers of the tests listen on this machine, which Herald otherwise refuses to call.
    HERALD_OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
  };
  let removeDatabase: () => Promise<void>;
  const admin = process.env.TEST_DATABASE_URL;
  if (admin) {
    const name = `herald_e2e_${randomBytes(5).toString('hex')}`;
    const sql = async (text: string) => {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(text);
      } finally {
        await client.end();
      }
    };
    await sql(`create database ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    removeDatabase = () => sql(`drop database if exists ${name} with (force)`);
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'herald-e2e-'));
    await chmod(dir, 0o755); // the postgres OS user must reach it when we are root
    env.HERALD_DATA_DIR = join(dir, 'data');
    removeDatabase = () => rm(dir, { recursive: true, force: true });
  }
  // One bind: sendMo goes round robin over the bound sessions, and with one
  // there is no doubt which session a reply arrives on.
  const simulator = await startSmscSimulator({ port: 0, systemId: 'herald', password: 'pw' }).catch(async (error: unknown) => {
    await removeDatabase();
    throw error;
  });
  // With `builtInSimulator`, Herald sends to the one it runs itself (as a first
  // `npm start` does) and this one stays unbound.
  if (!options.builtInSimulator) env.HERALD_SMPP_URL = `smpp://herald:pw@127.0.0.1:${simulator.port}?binds=1`;
  const cleanup = async () => {
    await simulator.close();
    await removeDatabase();
  };
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/herald.js'), 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await cleanup();
  };
  const until = Date.now() + 120_000;
  for (;;) {
    const link = /(http:\/\/\S+\/setup#token=\S+)/.exec(out)?.[1];
    if (link) return { url: `http://127.0.0.1:${port}`, setupLink: link, simulator, output: () => out, stop };
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`Herald did not print its setup link (exit ${child.exitCode}):\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Headless Chromium with the flags this machine needs (no sandbox as root, no background network). */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
