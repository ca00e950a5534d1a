// Helpers for this folder's tests: a connector against the SMSC simulator,
// a recording logger, and polling waits. Not imported by production code.
import { startSmscSimulator, type SmscSimulator, type SmscSimulatorOptions } from '../../simulators/smsc/index.js';
import type { OutboundSmsPart, ProviderLogger, SmsConnector } from '../channel.js';
import type { SmppConfig } from './config.js';
import { smppProvider } from './index.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
  /** When it was logged (Date.now()), to check the gap between two entries. */
  at: number;
}

/** A logger that keeps what it is given (debug included) for assertions. */
export function recordingLogger(): ProviderLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg?: string): void => {
    entries.push({ level, obj, msg, at: Date.now() });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true; generous by default, fails with `what`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let partCounter = 0;

/** A single GSM part to +447911123456 asking for a receipt. */
export function gsmPart(text = 'Hello from Herald', overrides: Partial<OutboundSmsPart> = {}): OutboundSmsPart {
  partCounter += 1;
  return {
    partId: `part_${partCounter}`,
    source: { address: 'Herald', ton: 5, npi: 0 },
    destination: '+447911123456',
    dataCoding: 0x00,
    udh: null,
    payload: Buffer.from(text, 'latin1'),
    requestReceipt: true,
    ...overrides,
  };
}

export interface Rig {
  sim: SmscSimulator;
  conn: SmsConnector;
  logger: ReturnType<typeof recordingLogger>;
}

/** Settings fast enough for tests: short timeouts and backoffs. */
export const FAST: Partial<SmppConfig> = {
  responseTimeoutMs: 2_000,
  enquireLinkIntervalMs: 5_000,
  reconnectBackoffMinMs: 50,
  reconnectBackoffMaxMs: 200,
  bindRefusedBackoffMs: 500,
  throttleBackoffMinMs: 100,
  throttleBackoffMaxMs: 400,
  stopTimeoutMs: 2_000,
  ratePerSecond: 0,
};

/**
 * Starts a simulator and a started connector bound to it; registers their
 * closing (connector first) with `cleanups`.
 */
export async function rig(
  cleanups: (() => Promise<void>)[],
  simOptions: SmscSimulatorOptions = {},
  config: Partial<SmppConfig> = {},
  start = true,
): Promise<Rig> {
  const sim = await startSmscSimulator({ receiptDelayMs: 10, deliverRetryDelayMs: 50, ...simOptions });
  cleanups.push(() => sim.close());
  const logger = recordingLogger();
  const conn = smppProvider.create('conn_test', {
    host: sim.host, port: sim.port, systemId: 'herald', password: 'secret', ...FAST, ...config,
  }, { logger });
  cleanups.push(() => conn.stop());
  if (start) await conn.start();
  return { sim, conn, logger };
}
