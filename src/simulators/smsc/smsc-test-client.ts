import { afterEach, expect } from 'vitest';
import { startSmscSimulator } from './simulator.js';
import type { SmscSimulator, SmscSimulatorOptions } from './types.js';
import { smpp, SmppPDU, type SmppClientSession, type SmppPdu } from './smpp-lib.js';

// A small ESME over the `smpp` package's client, for the simulator's tests.
// The package drops response callbacks when the socket closes (smpp.js keeps
// them in `_callbacks` for ever), so pending requests are tracked here too and
// rejected on close instead of hanging the test.

/** What a test gets back for a request: the response, or 'closed' / 'timeout'. */
export type Outcome = SmppPdu | 'closed' | 'timeout';

export class SmscTestClient {
  /** Every PDU received, in order. */
  readonly received: SmppPdu[] = [];
  /** Status to answer deliver_sm with; null leaves them unanswered. */
  deliverStatus: number | null = 0;
  readonly closed: Promise<void>;
  private isClosed = false;
  private readonly byCommand = new Map<string, SmppPdu[]>();
  private readonly pending = new Set<(outcome: Outcome) => void>();
  private readonly watchers = new Set<() => void>();

  private constructor(readonly session: SmppClientSession) {
    session.on('error', () => {}); // resets are expected in these tests
    session.on('pdu', (pdu: SmppPdu) => {
      this.received.push(pdu);
      const same = this.byCommand.get(pdu.command);
      if (same) same.push(pdu);
      else this.byCommand.set(pdu.command, [pdu]);
      if (pdu.command === 'deliver_sm' && this.deliverStatus !== null) {
        session.send(pdu.response({ command_status: this.deliverStatus }));
      }
      for (const watch of [...this.watchers]) watch();
    });
    this.closed = new Promise((resolve) => {
      session.socket.once('close', () => {
        this.isClosed = true;
        for (const settle of [...this.pending]) settle('closed');
        for (const watch of [...this.watchers]) watch();
        resolve();
      });
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<SmscTestClient> {
    return new Promise((resolve, reject) => {
      const session = smpp.connect({ host, port }, () => {
        session.socket.off('error', reject);
        resolve(new SmscTestClient(session));
      });
      session.socket.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** Sends a request and waits (at most `timeoutMs`) for its response. */
  request(command: string, fields: Record<string, unknown> = {}, timeoutMs = 2000): Promise<Outcome> {
    return new Promise((resolve) => {
      if (this.isClosed) return resolve('closed');
      const settle = (outcome: Outcome): void => {
        clearTimeout(timer);
        this.pending.delete(settle);
        resolve(outcome);
      };
      const timer = setTimeout(() => settle('timeout'), timeoutMs);
      this.pending.add(settle);
      this.session.send(new SmppPDU(command, fields), (resp) => settle(resp));
    });
  }

  /** Sends a request and expects a response. */
  async call(command: string, fields: Record<string, unknown> = {}): Promise<SmppPdu> {
    const outcome = await this.request(command, fields);
    if (typeof outcome === 'string') throw new Error(`${command}: ${outcome}`);
    return outcome;
  }

  bind(mode: 'transceiver' | 'transmitter' | 'receiver' = 'transceiver', systemId = 'herald', password = 'secret'): Promise<SmppPdu> {
    return this.call(`bind_${mode}`, { system_id: systemId, password });
  }

  /** A submit with GSM text in data_coding 0 and a receipt requested. */
  submit(fields: Record<string, unknown> = {}): Promise<SmppPdu> {
    return this.call('submit_sm', {
      source_addr_ton: 5, source_addr: 'Herald', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447911123456',
      registered_delivery: 1, data_coding: 0, short_message: Buffer.from('Hello world'), ...fields,
    });
  }

  /** Received PDUs of one command. */
  ofCommand(command: string): SmppPdu[] {
    return [...(this.byCommand.get(command) ?? [])];
  }

  /** Waits until `count` PDUs of `command` were received; rejects after `timeoutMs`. */
  waitFor(command: string, count = 1, timeoutMs = 3000): Promise<SmppPdu[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.byCommand.get(command)?.length ?? 0;
        if (found >= count) {
          done();
          resolve(this.ofCommand(command));
        } else if (this.isClosed) {
          done();
          reject(new Error(`closed with ${found}/${count} ${command}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out with ${this.ofCommand(command).length}/${count} ${command}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.watchers.delete(check);
      };
      this.watchers.add(check);
      check();
    });
  }

  /** Closes the connection and waits until it is gone. */
  async close(): Promise<void> {
    if (!this.isClosed) this.session.destroy();
    await this.closed;
  }
}

/** Text of a received deliver_sm as the package decoded it. */
export function textOf(pdu: SmppPdu): string {
  const sm = pdu.short_message as { message?: unknown } | undefined;
  return typeof sm?.message === 'string' ? sm.message : '';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls until `check` holds; fails naming `what` after a generous `timeoutMs`.
 * "Nothing arrives" is shown by waiting for something sent after it, not by a sleep.
 */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * The set-up every simulator test file shares: simulators and clients opened
 * through it are closed after each test, pass or fail, newest first.
 */
export function useSmscHarness() {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const defer = (cleanup: () => Promise<void>) => void cleanups.push(cleanup);
  async function start(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
    const sim = await startSmscSimulator({ receiptDelayMs: 10, ...options });
    defer(() => sim.close());
    return sim;
  }
  async function client(sim: SmscSimulator): Promise<SmscTestClient> {
    const c = await SmscTestClient.connect(sim.port);
    defer(() => c.close());
    return c;
  }
  async function bound(sim: SmscSimulator, mode: 'transceiver' | 'transmitter' | 'receiver' = 'transceiver'): Promise<SmscTestClient> {
    const c = await client(sim);
    expect((await c.bind(mode)).command_status).toBe(0);
    return c;
  }
  return { start, client, bound, defer };
}
