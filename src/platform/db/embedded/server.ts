import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../logger.js';
import { firstLine, HOST, messageOf, sleep, STARTUP_TIMEOUT_MS, SUPERUSER, type Paths } from './common.js';
import { probe } from './connection.js';
import { ensureSecret, readSecret } from './credentials.js';
import { childOf, loadLibrary, type ServerInstance } from './library.js';
import type { OsUser } from './os-user.js';
import { writeOwner } from './pid-file.js';
import { terminate } from './processes.js';

const POSTGRES_FLAGS = [
  '-c', `listen_addresses=${HOST}`,
  // No Unix socket: nothing in /tmp to collide with the machine's own server,
  // and no 107-byte socket path limit for deep data directories.
  '-c', 'unix_socket_directories=',
  // Several Herald processes (server, workers, each with a pool) share it.
  '-c', 'max_connections=200',
  // Readiness and diagnostics come from stderr; a collector would swallow them.
  '-c', 'logging_collector=off',
];
const OUTPUT_LINES_KEPT = 300;
const OUTPUT_LINES_SHOWN = 20;

/** Someone took the port between our probe and the bind, or another postmaster got the data directory. */
export class RetryableStartError extends Error {}

export interface StartedServer {
  pid: number;
  port: number;
  password: string;
}

/** Initialises the cluster if needed and starts a postmaster as our child. */
export async function startServer(paths: Paths, runAs: OsUser | undefined, log: Logger | undefined): Promise<StartedServer> {
  const started = Date.now();
  const Library = await loadLibrary();
  const output: string[] = [];
  const fresh = await stat(join(paths.cluster, 'PG_VERSION')).then(() => false, () => true);
  const password = fresh ? await ensureSecret(paths, runAs) : await readSecret(paths);
  const port = await freePort();

  const server = new Library({
    databaseDir: paths.cluster,
    port,
    user: SUPERUSER,
    // The library writes this to a world-readable file in os.tmpdir() for
    // initdb; the --pwfile below comes later on initdb's command line and wins,
    // so the real password never leaves <dataDir>/postgres.secret.
    password: randomBytes(12).toString('hex'),
    authMethod: 'scram-sha-256',
    persistent: true,
    // As root it chowns the cluster to `postgres`; otherwise its uid lookup
    // finds nothing and it would try groupadd/useradd.
    createPostgresUser: runAs !== undefined,
    initdbFlags: [`--pwfile=${paths.secret}`, '--encoding=UTF8', ...(await localeFlags())],
    postgresFlags: POSTGRES_FLAGS,
    onLog: (message) => capture(output, message, log),
    onError: (error) => capture(output, `[error] ${messageOf(error)}`, log),
  });
  const fail = (what: string, cause?: unknown) => startupError(paths, output, what, cause);

  if (fresh) {
    log?.info({ dir: paths.cluster }, 'initialising embedded PostgreSQL cluster');
    await server.initialise().catch(async (err: unknown) => {
      throw await fail(`initdb failed for ${paths.cluster}: ${firstLine(messageOf(err))}`, err);
    });
  }

  const outcome = await runUntilReady(server, port, password);
  const child = childOf(server);
  const pid = child?.pid;
  if (outcome !== 'ready' || pid === undefined) {
    if (outcome === 'timeout' && pid !== undefined) await terminate(pid);
    const what =
      outcome === 'timeout' ? `did not become ready within ${STARTUP_TIMEOUT_MS / 1000} s` : `exited during startup (${describeExit(child)})`;
    const error = await fail(`PostgreSQL for ${paths.cluster} (port ${port}) ${what}`);
    const text = output.join('\n');
    if (/could not bind|Address already in use|could not create any TCP\/IP sockets|lock file "postmaster\.pid" already exists/i.test(text)) {
      throw new RetryableStartError(error.message);
    }
    throw error;
  }

  // Readiness may come from the log alone; prove the credentials work too.
  const check = await probe(port, password);
  if (check !== 'ok') {
    await terminate(pid);
    const reason = check === 'retry' ? 'did not accept connections' : check.message;
    throw await fail(`PostgreSQL for ${paths.cluster} started but ${reason} (password from ${paths.secret})`);
  }

  await writeOwner(paths, pid);
  log?.info(
    { pid, port, fresh, ms: Date.now() - started },
    fresh ? 'started embedded PostgreSQL (new cluster)' : 'started embedded PostgreSQL',
  );
  return { pid, port, password };
}

/**
 * The library resolves start() when the "ready to accept connections" line
 * arrives in one stderr chunk and never settles if the line is split across
 * chunks, so poll as a fallback; it rejects (with undefined) when postgres exits.
 */
async function runUntilReady(server: ServerInstance, port: number, password: string): Promise<'ready' | 'exited' | 'timeout'> {
  let decided = false;
  const viaPolling = async () => {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!decided && Date.now() < deadline) {
      await sleep(250);
      if ((await probe(port, password)) === 'ok') return 'ready' as const;
    }
    return 'timeout' as const;
  };
  const viaLibrary = server.start().then(
    () => 'ready' as const,
    () => 'exited' as const,
  );
  try {
    return await Promise.race([viaLibrary, viaPolling()]);
  } finally {
    decided = true;
  }
}

function capture(lines: string[], chunk: string, log: Logger | undefined): void {
  for (const line of chunk.split(/\r?\n/)) {
    if (!line.trim()) continue;
    log?.debug({ postgres: line }, 'postgres output');
    lines.push(line);
    if (lines.length > OUTPUT_LINES_KEPT) lines.shift();
  }
}

function describeExit(child: ChildProcess | undefined): string {
  if (!child) return 'it was never spawned';
  return child.signalCode ? `signal ${child.signalCode}` : `exit code ${child.exitCode ?? 'unknown'}`;
}

/** An error quoting the end of the server output; the whole of it goes to postgres-startup.log. */
async function startupError(paths: Paths, output: string[], what: string, cause?: unknown): Promise<Error> {
  const where = await writeFile(paths.startupLog, output.join('\n') + '\n').then(
    () => `(full output in ${paths.startupLog})`,
    () => `(full output at debug level of the "embedded-postgres" logger)`,
  );
  const tail = output.slice(-OUTPUT_LINES_SHOWN).join('\n');
  return new Error(
    `Embedded PostgreSQL: ${what}. ${tail ? `Last server output ${where}:\n${tail}` : `No server output ${where}.`}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Collation C (bytewise, never changes with a glibc upgrade), Unicode-aware ctype where available. */
async function localeFlags(): Promise<string[]> {
  const { stdout } = await promisify(execFile)('locale', ['-a']).catch(() => ({ stdout: '' }));
  const names = new Set(stdout.split('\n').map((l) => l.trim().toLowerCase()));
  return names.has('c.utf8') || names.has('c.utf-8') ? ['--locale=C', '--lc-ctype=C.UTF-8'] : ['--locale=C'];
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: HOST, exclusive: true }, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}
