import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import type { Logger } from '../../logger.js';
import { errorCode, sleep, STARTUP_TIMEOUT_MS, type Paths } from './common.js';
import { isAlive, isPostmasterOf, processInfo, waitForExit } from './processes.js';

export interface RunningServer {
  pid: number;
  port: number;
  /** "starting", "ready", "stopping", "standby" or "" (older or partial file) */
  status: string;
}

/** The live postmaster serving this cluster, if any; clears pid files that would block a start. */
export async function findRunningServer(paths: Paths, log: Logger | undefined): Promise<RunningServer | undefined> {
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
        await sleep(100); // possibly being written right now
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
    if (info.status !== 'stopping') return info;
    log?.info({ pid: info.pid }, 'embedded PostgreSQL is shutting down; waiting for it');
    if (!(await waitForExit(info.pid, STARTUP_TIMEOUT_MS))) {
      throw new Error(`Embedded PostgreSQL (pid ${info.pid}) for ${paths.cluster} did not finish shutting down`);
    }
  }
}

function parsePidFile(text: string): RunningServer | undefined {
  // Lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  return { pid, port, status: (lines[7] ?? '').trim() };
}

/**
 * Orphaned: nobody alive will stop it. Its parent is gone (reparented to PID 1),
 * or, with a subreaper (systemd --user, tini), it is no longer the process that
 * started it according to postgres.owner.
 */
export async function isOrphaned(pid: number, paths: Paths): Promise<boolean> {
  const ppid = (await processInfo(pid))?.ppid;
  if (ppid === undefined || !(ppid > 1) || !(await isAlive(ppid))) return true;
  const owner = await readOwner(paths);
  return owner?.postmasterPid === pid && owner.ownerPid !== ppid;
}

export async function writeOwner(paths: Paths, postmasterPid: number): Promise<void> {
  await writeFile(paths.owner, JSON.stringify({ postmasterPid, ownerPid: process.pid }) + '\n', { mode: 0o644 });
}

export async function clearOwner(paths: Paths, postmasterPid: number): Promise<void> {
  if ((await readOwner(paths))?.postmasterPid === postmasterPid) await unlink(paths.owner).catch(() => undefined);
}

async function readOwner(paths: Paths): Promise<{ postmasterPid?: unknown; ownerPid?: unknown } | undefined> {
  try {
    return JSON.parse(await readFile(paths.owner, 'utf8')) as { postmasterPid?: unknown; ownerPid?: unknown };
  } catch {
    return undefined; // missing or unreadable: no record
  }
}
