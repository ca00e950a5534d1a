import { randomUUID } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import type { Logger } from '../../logger.js';
import { errorCode, sleep, STARTUP_TIMEOUT_MS } from './common.js';
import { isAlive } from './processes.js';

const LOCK_TIMEOUT_MS = STARTUP_TIMEOUT_MS + 60_000;
const LOCK_STALE_MS = 10 * 60_000;

const readText = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/**
 * An exclusive lock file (O_EXCL) naming its holder's pid, taken over when the
 * holder is dead or the file is very old. Serialises inspect/initdb/start
 * between processes sharing the data directory. Resolves to the release function.
 */
export async function acquireLock(path: string, log: Logger | undefined): Promise<() => Promise<void>> {
  const token = `${process.pid} ${randomUUID()}\n`;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (let waited = false; ; waited = true) {
    try {
      await writeFile(path, token, { flag: 'wx', mode: 0o644 });
      return async () => {
        if ((await readText(path)) === token) await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    const [content, info] = await Promise.all([readText(path), stat(path).catch(() => undefined)]);
    if (content === undefined || !info) continue; // released meanwhile
    const holder = Number(content.split(' ')[0]);
    const age = Date.now() - info.mtimeMs;
    // No pid yet: the holder is writing it right now, unless that was long ago.
    const stale = age > LOCK_STALE_MS || (holder > 0 ? !(await isAlive(holder)) : age > 5_000);
    if (stale) {
      // Re-read so we do not remove a lock someone else just took over.
      if ((await readText(path)) === content) {
        log?.warn({ file: path, holder }, 'removing stale embedded PostgreSQL lock');
        await unlink(path).catch(() => undefined);
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${path} (held by pid ${holder}) to start the embedded PostgreSQL`);
    }
    if (!waited) log?.debug({ file: path, holder }, 'waiting for another process to finish starting PostgreSQL');
    await sleep(50);
  }
}
