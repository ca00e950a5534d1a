import { join } from 'node:path';

export const SUPERUSER = 'postgres';
export const HOST = '127.0.0.1';
/** Crash recovery after an unclean stop can take a while on a big WAL. */
export const STARTUP_TIMEOUT_MS = 120_000;

/** The files under the data directory; index.ts says what each one is for. */
export interface Paths {
  cluster: string;
  pidFile: string;
  secret: string;
  owner: string;
  lock: string;
  startupLog: string;
}

export function pathsFor(dataDir: string): Paths {
  return {
    cluster: join(dataDir, 'postgres'),
    pidFile: join(dataDir, 'postgres', 'postmaster.pid'),
    secret: join(dataDir, 'postgres.secret'),
    owner: join(dataDir, 'postgres.owner'),
    lock: join(dataDir, 'postgres.lock'),
    startupLog: join(dataDir, 'postgres-startup.log'),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const errorCode = (err: unknown): string | undefined => (err as { code?: string } | undefined)?.code;
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
export const firstLine = (text: string): string => text.split('\n')[0] ?? text;
