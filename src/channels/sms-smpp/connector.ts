import type {
  ConnectorStatus, DeliveryResult, InboundSms, OutboundSmsPart, ProviderLogger, Receipt, SmsConnector,
} from '../channel.js';
import { Bind, type Log } from './bind.js';
import type { ResolvedSmppConfig } from './config.js';
import { readDeliverSm } from './deliver.js';
import { MessageIdCanon } from './ids.js';
import type { Pdu } from './pdu.js';
import { Status } from './results.js';

interface Job {
  part: OutboundSmsPart;
  deadline: number;
  resolve(result: DeliveryResult): void;
}

/**
 * An SMPP connector: N binds, one queue of parts waiting for room. A part goes
 * to the bind that can take it now with the fewest in flight; when none can,
 * it waits (window full, rate cap, throttle pause, link down) until room
 * appears or `queueTimeoutMs` passes.
 */
export class SmppConnector implements SmsConnector {
  private readonly binds: Bind[] = [];
  private queue: Job[] = [];
  private head = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private receiptHandler: ((receipt: Receipt) => Promise<void>) | null = null;
  private inboundHandler: ((sms: InboundSms) => Promise<void>) | null = null;
  private readonly canon: MessageIdCanon;
  private lastError: string | null = null;
  private started = false;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private idleWaiter: (() => void) | null = null;

  constructor(readonly id: string, private readonly config: ResolvedSmppConfig, private readonly logger: ProviderLogger) {
    this.canon = new MessageIdCanon(config.messageIdFormat);
  }

  async start(): Promise<void> {
    if (this.started || this.stopping) return;
    this.started = true;
    for (let i = 0; i < this.config.binds; i++) {
      const log: Log = (level, obj, msg) => this.logger[level]({ connectorId: this.id, bind: i, ...obj }, msg);
      this.binds.push(new Bind(i, this.config, {
        onCapacity: () => this.pump(),
        onDeliver: (pdu, respond) => this.onDeliver(pdu, respond),
        onError: (message) => {
          this.lastError = message;
        },
      }, log));
    }
    // Resolves once every bind has bound or failed once; a down centre does not make start() fail.
    await Promise.all(this.binds.map((b) => b.start()));
  }

  submit(part: OutboundSmsPart): Promise<DeliveryResult> {
    if (this.stopping || !this.started) {
      return Promise.resolve({ kind: 'transient', providerCode: 'stopped', message: 'connector not running' });
    }
    return new Promise<DeliveryResult>((resolve) => {
      this.queue.push({ part, deadline: Date.now() + this.config.queueTimeoutMs, resolve });
      this.pump();
    });
  }

  onReceipt(handler: (receipt: Receipt) => Promise<void>): void {
    this.receiptHandler = handler;
  }

  onInbound(handler: (sms: InboundSms) => Promise<void>): void {
    this.inboundHandler = handler;
  }

  status(): ConnectorStatus {
    return {
      connectorId: this.id,
      bindsUp: this.binds.filter((b) => b.isUp).length,
      bindsWanted: this.config.binds,
      inFlight: this.inFlight(),
      lastError: this.lastError,
    };
  }

  stop(): Promise<void> {
    this.stopping = true;
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    // Parts still queued were never sent: the core may safely send them elsewhere.
    for (const job of this.takeQueue()) job.resolve({ kind: 'transient', providerCode: 'stopped', message: 'connector stopped' });
    if (this.inFlight() > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.idleWaiter = resolve;
        timer = setTimeout(resolve, this.config.stopTimeoutMs);
      });
      clearTimeout(timer);
      this.idleWaiter = null;
    }
    await Promise.all(this.binds.map((b) => b.stop()));
  }

  private inFlight(): number {
    return this.binds.reduce((sum, b) => sum + b.inFlight, 0);
  }

  /** Hands queued parts to binds with room; arms one timer for the next moment room may appear. */
  private pump(): void {
    if (this.stopping) {
      if (this.idleWaiter && this.inFlight() === 0) this.idleWaiter();
      return;
    }
    const now = Date.now();
    let soonest = Infinity;
    while (this.head < this.queue.length) {
      const job = this.queue[this.head] as Job;
      if (job.deadline <= now) {
        this.head += 1;
        job.resolve({ kind: 'transient', providerCode: 'queue-timeout', message: 'no bind had room in time', retryAfterMs: 1_000 });
        continue;
      }
      let best: Bind | null = null;
      soonest = Infinity;
      for (const bind of this.binds) {
        const wait = bind.readyInMs(now);
        if (wait === 0 && (!best || bind.inFlight < best.inFlight)) best = bind;
        soonest = Math.min(soonest, wait);
      }
      if (!best) break;
      this.head += 1;
      void best.submit(job.part).then((result) => job.resolve(this.canonical(result)));
    }
    this.compact();
    this.arm(this.head < this.queue.length ? Math.min(soonest, (this.queue[this.head] as Job).deadline - now) : Infinity);
  }

  private arm(delayMs: number): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    if (!Number.isFinite(delayMs)) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.pump();
    }, Math.max(1, delayMs));
  }

  private canonical(result: DeliveryResult): DeliveryResult {
    if (result.kind !== 'accepted') return result;
    return { kind: 'accepted', providerMessageId: this.canon.forSubmit(result.providerMessageId) };
  }

  private compact(): void {
    // Drop consumed jobs now and then instead of shifting the array each time.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private takeQueue(): Job[] {
    const rest = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    return rest;
  }

  /**
   * Answers deliver_sm 0 only once the handler has resolved, i.e. persisted it;
   * with no handler, or when it rejects, answers 0x64 so the centre sends it
   * again later. Duplicates are passed on: deduplication is the core's job.
   */
  private onDeliver(pdu: Pdu, respond: (status: number) => void): void {
    let delivered: Promise<void>;
    let kind: string;
    try {
      const delivery = readDeliverSm(pdu, this.id, this.canon);
      kind = delivery.kind;
      if (delivery.kind === 'receipt') {
        const handler = this.receiptHandler;
        const { receipt: r, providerMessageId } = delivery;
        const receipt: Receipt = {
          connectorId: this.id, providerMessageId, status: r.status, errorCode: r.errorCode, doneAt: r.doneAt, raw: r.raw,
        };
        delivered = handler ? Promise.resolve().then(() => handler(receipt)) : Promise.reject(new Error('no receipt handler'));
      } else {
        const handler = this.inboundHandler;
        const sms = delivery.sms;
        delivered = handler ? Promise.resolve().then(() => handler(sms)) : Promise.reject(new Error('no inbound handler'));
      }
    } catch (error) {
      kind = 'unreadable';
      delivered = Promise.reject(error);
    }
    delivered.then(
      () => respond(Status.OK),
      (error: unknown) => {
        this.logger.warn({ connectorId: this.id, kind, err: (error as Error)?.message }, 'smpp: deliver_sm not taken, answered 0x64');
        respond(Status.RX_T_APPN);
      },
    );
  }
}
