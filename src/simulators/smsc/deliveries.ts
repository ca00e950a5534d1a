import { SmppPDU } from './smpp-lib.js';
import type { SmscSession } from './session.js';
import type { TimerSet } from './timer-set.js';
import type { SmscCounters, SmscLogger } from './types.js';

/** A deliver_sm the centre owes an ESME: a receipt or a mobile-originated message. */
export interface Delivery {
  kind: 'receipt' | 'mo';
  /** deliver_sm fields as the `smpp` package names them. */
  fields: Record<string, unknown>;
  /** Only sessions bound with this system_id may take it; null for any. */
  systemId: string | null;
  /** Try this session first (the one that submitted the message). */
  preferSessionId?: number;
  /** Attempts made so far. */
  attempts: number;
}

export interface DelivererOptions {
  timeoutMs: number;
  retryDelayMs: number;
  maxAttempts: number;
  /** Automatic deliveries kept while no receiver is bound. */
  queueCap: number;
}

interface Settle {
  resolve(status: number): void;
  reject(error: Error): void;
}

/**
 * Sends deliver_sm the way a store-and-forward centre does: a delivery that
 * finds no receiver waits for the next bind, one answered with an error (say
 * 0x64 because the ESME could not persist it) or never answered is sent again,
 * up to `maxAttempts`. That is what Herald's receipt handling must survive.
 */
export class Deliverer {
  private queue: Delivery[] = [];
  private roundRobin = 0;
  private closed = false;
  private readonly explicit = new Set<Settle>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly sessions: () => SmscSession[],
    private readonly timers: TimerSet,
    private readonly options: DelivererOptions,
    private readonly counters: SmscCounters,
    private readonly logger: SmscLogger,
  ) {
    // One sweep for every pending answer instead of one timer per deliver_sm.
    const every = Math.max(20, Math.min(1000, options.timeoutMs / 4));
    this.sweeper = setInterval(() => this.expire(), every);
    this.sweeper.unref();
  }

  /** Automatic delivery: queued while nobody can receive, retried on failure, never rejected. */
  post(delivery: Delivery): void {
    if (this.closed) return;
    const session = this.pick(delivery);
    if (session) this.dispatch(session, delivery, null);
    else this.enqueue(delivery);
  }

  /**
   * Explicit delivery: resolves with the first deliver_sm_resp status; rejects
   * at once when no session can receive, or when the first attempt is lost.
   * Retries after a failure still happen in the background.
   */
  send(delivery: Delivery): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.closed) return reject(new Error('SMSC simulator is closed'));
      const session = this.pick(delivery);
      if (!session) return reject(new Error('no bound receiver or transceiver session'));
      const settle: Settle = {
        resolve: (status) => {
          this.explicit.delete(settle);
          resolve(status);
        },
        reject: (error) => {
          this.explicit.delete(settle);
          reject(error);
        },
      };
      this.explicit.add(settle);
      this.dispatch(session, delivery, settle);
    });
  }

  /** A receiver just bound: hand it what was waiting. */
  flush(): void {
    if (this.queue.length === 0) return;
    const waiting = this.queue;
    this.queue = [];
    for (const delivery of waiting) this.post(delivery);
  }

  /** Drops everything and rejects the explicit sends still waiting. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    this.queue = [];
    for (const settle of [...this.explicit]) settle.reject(new Error('SMSC simulator closed'));
  }

  private dispatch(session: SmscSession, delivery: Delivery, settle: Settle | null): void {
    delivery.attempts += 1;
    // A fresh PDU per attempt: the package's encoder rewrites fields in place.
    const pdu = new SmppPDU('deliver_sm', { ...delivery.fields });
    const sent = session.request(pdu, {
      onResponse: (status) => {
        this.counters.deliveriesAnswered += 1;
        if (status !== 0) this.counters.deliveriesRefused += 1;
        settle?.resolve(status);
        if (status !== 0) this.retryLater(delivery);
      },
      onLost: (reason) => {
        settle?.reject(new Error(`deliver_sm not answered: connection ${reason === 'closed' ? 'closed' : 'timed out'}`));
        if (reason === 'closed') this.retryNow(delivery);
        else this.retryLater(delivery);
      },
    });
    if (!sent) {
      settle?.reject(new Error('connection closed before deliver_sm was sent'));
      delivery.attempts -= 1;
      this.retryNow(delivery);
      return;
    }
    if (delivery.kind === 'receipt') this.counters.receiptsSent += 1;
    else this.counters.mosSent += 1;
  }

  private retryNow(delivery: Delivery): void {
    if (delivery.attempts >= this.options.maxAttempts) return;
    this.counters.deliveriesResent += 1;
    this.post(delivery);
  }

  private retryLater(delivery: Delivery): void {
    if (delivery.attempts >= this.options.maxAttempts) {
      this.logger.debug({ kind: delivery.kind, attempts: delivery.attempts }, 'smsc-sim: deliver_sm given up');
      return;
    }
    this.counters.deliveriesResent += 1;
    this.timers.after(this.options.retryDelayMs, () => this.post(delivery));
  }

  private enqueue(delivery: Delivery): void {
    if (this.queue.length >= this.options.queueCap) {
      this.logger.debug({ kind: delivery.kind }, 'smsc-sim: delivery queue full, dropped');
      return;
    }
    this.queue.push(delivery);
  }

  private pick(delivery: Delivery): SmscSession | null {
    const candidates = this.sessions().filter(
      (s) => s.canReceive && (delivery.systemId === null || s.systemId === delivery.systemId),
    );
    if (candidates.length === 0) return null;
    const preferred = candidates.find((s) => s.id === delivery.preferSessionId);
    if (preferred) return preferred;
    this.roundRobin = (this.roundRobin + 1) % candidates.length;
    return candidates[this.roundRobin] ?? null;
  }

  private expire(): void {
    const cutoff = Date.now() - this.options.timeoutMs;
    for (const session of this.sessions()) session.expire(cutoff);
  }
}
