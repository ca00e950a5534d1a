import { execFile } from 'node:child_process';
import { readFile, readlink, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import { errorCode, sleep } from './common.js';

/** Fast shutdown (SIGINT) first; immediate shutdown (SIGQUIT), then SIGKILL, if it hangs. */
const QUIT_AFTER_MS = 30_000;
const KILL_AFTER_MS = 40_000;
const GIVE_UP_MS = 50_000;

const execFileAsync = promisify(execFile);

/** From /proc, or from ps where there is none (macOS). */
export async function processInfo(pid: number): Promise<{ state: string; ppid: number; comm: string } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..."; comm may itself contain spaces and parentheses.
    const close = text.lastIndexOf(')');
    const [state = '', ppid] = text.slice(close + 2).split(' ');
    return { state, ppid: Number(ppid), comm: text.slice(text.indexOf('(') + 1, close) };
  } catch {
    // no /proc
  }
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'stat=,ppid=,comm=', '-p', String(pid)]);
    const [state = '', ppid, ...comm] = stdout.trim().split(/\s+/);
    return { state: state.charAt(0), ppid: Number(ppid), comm: comm.join(' ') };
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (an orphan's reaper may be slow, or absent in a container). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (errorCode(err) !== 'EPERM') return false;
  }
  return (await processInfo(pid))?.state !== 'Z';
}

/** Conservative: only says no when sure, since a wrong "no" removes a live server's pid file. */
export async function isPostmasterOf(pid: number, cluster: string): Promise<boolean> {
  const info = await processInfo(pid);
  if (info && !info.comm.includes('postgres')) return false;
  try {
    // The postmaster chdir()s into its data directory.
    const [cwd, dir] = await Promise.all([readlink(`/proc/${pid}/cwd`), realpath(cluster)]);
    return cwd === dir;
  } catch {
    return true;
  }
}

export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

/**
 * Stops a postmaster by pid, escalating if it hangs. Also used for our own
 * child: the library's stop() waits for an 'exit' event that never comes once
 * the child has already exited, and never escalates.
 */
export async function terminate(pid: number): Promise<void> {
  if (!signal(pid, 'SIGINT')) return;
  const timers = [
    setTimeout(() => signal(pid, 'SIGQUIT'), QUIT_AFTER_MS),
    setTimeout(() => signal(pid, 'SIGKILL'), KILL_AFTER_MS),
  ];
  try {
    if (!(await waitForExit(pid, GIVE_UP_MS))) {
      throw new Error(`Embedded PostgreSQL (pid ${pid}) did not exit after SIGINT, SIGQUIT and SIGKILL`);
    }
  } finally {
    timers.forEach(clearTimeout);
  }
}
