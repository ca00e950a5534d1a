import type { DeliveryResult, OutboundSmsPart } from '../channel.js';
import type { ResolvedSmppConfig } from './config.js';
import type { Pdu } from './pdu.js';
import { backoffDelay, ThrottleState, TokenBucket } from './rate.js';
import { describeStatus, notSentResult, resultForStatus, Status, unknownResult } from './results.js';
import { SmppSession, type SessionEnd } from './session.js';

/** Logging with the connector's and bind's context already attached. */
export type Log = (level: 'debug' | 'info' | 'warn' | 'error', obj: object, msg: string) => void;

/** What a bind tells its connector. */
export interface BindHooks {
  /** The bind came up or has room again: the connector may hand it work. */
  onCapacity(): void;
  onDeliver(pdu: Pdu, respond: (status: number) => void): void;
  /** Why the bind failed or dropped, for `status().lastError`. */
  onError(message: string): void;
}

// 254 octets fit short_message (sm_length is one octet); more goes in message_payload (§5.3.2.32).
const SHORT_MESSAGE_MAX = 254;

/** submit_sm fields for a part, message bytes passed through as Herald encoded them. */
export function submitFields(part: OutboundSmsPart): Record<string, unknown> {
  const message = part.udh ? Buffer.concat([part.udh, part.payload]) : part.payload;
  return {
    source_addr_ton: part.source.ton,
    source_addr_npi: part.source.npi,
    // SMPP writes international numbers without the plus (TON 1 says what it is).
    source_addr: part.source.address.replace(/^\+/, ''),
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: part.destination.replace(/^\+/, ''),
    // Set explicitly: the package would guess 0x01 for GSM text and leaves esm_class alone for Buffers.
    esm_class: part.udh ? 0x40 : 0x00,
    data_coding: part.dataCoding,
    registered_delivery: part.requestReceipt ? 1 : 0,
    ...(message.length <= SHORT_MESSAGE_MAX
      ? { short_message: message }
      : { short_message: Buffer.alloc(0), message_payload: message }),
    ...(part.validUntil ? { validity_period: part.validUntil } : {}),
  };
}

/**
 * One of a connector's binds: keeps a session open (reconnecting with
 * backoff), and holds what limits it — the window, the rate cap and the
 * throttle pause. It answers each submit with a DeliveryResult whose
 * `providerMessageId` is still raw; the connector normalises it.
 */
export class Bind {
  inFlight = 0;
  private session: SmppSession | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private refusals = 0;
  private timeoutsInRow = 0;
  private stopped = false;
  private readonly bucket: TokenBucket;
  private readonly throttle: ThrottleState;
  private firstSettled: (() => void) | null = null;

  constructor(
    readonly index: number,
    private readonly config: ResolvedSmppConfig,
    private readonly hooks: BindHooks,
    private readonly log: Log,
  ) {
    this.bucket = new TokenBucket(config.ratePerSecond, Date.now());
    this.throttle = new ThrottleState(config.throttleBackoffMinMs, config.throttleBackoffMaxMs);
  }

  /** Opens the first session; resolves once it is bound or has failed (never rejects). */
  start(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.firstSettled = resolve;
      this.open();
    });
  }

  get isUp(): boolean {
    return this.session?.isBound ?? false;
  }

  /** 0 when it can take a submit now; else ms until it may (pause, rate); Infinity when down or its window is full. */
  readyInMs(now: number): number {
    if (!this.isUp || this.inFlight >= this.throttle.window(this.config.window)) return Infinity;
    return Math.max(0, this.throttle.pausedUntil - now, this.bucket.waitMs(now));
  }

  /** Sends one part; call only when `readyInMs` said 0. Resolves, never rejects. */
  async submit(part: OutboundSmsPart): Promise<DeliveryResult> {
    const session = this.session;
    if (!session) return notSentResult();
    this.bucket.take(Date.now());
    this.inFlight += 1;
    try {
      const outcome = await session.request('submit_sm', submitFields(part), this.config.responseTimeoutMs);
      if (!outcome.ok) {
        if (outcome.reason === 'unencodable') return { kind: 'permanent', providerCode: 'unencodable' };
        if (outcome.reason === 'not-sent') return notSentResult();
        if (outcome.reason === 'timeout') this.onTimeout(session);
        return unknownResult(outcome.reason);
      }
      this.timeoutsInRow = 0;
      const { pdu } = outcome;
      const nack = pdu.command === 'generic_nack';
      if (nack && pdu.status === 0) return { kind: 'permanent', providerCode: 'generic_nack' };
      if (pdu.status === Status.THROTTLED) return resultForStatus(pdu.status, this.onThrottled(part));
      if (pdu.status !== 0) return resultForStatus(pdu.status, 0);
      this.onAccepted();
      const id = pdu.fields.message_id;
      return { kind: 'accepted', providerMessageId: typeof id === 'string' ? id : '' };
    } finally {
      this.inFlight -= 1;
      this.hooks.onCapacity();
    }
  }

  /** Unbinds politely and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.session?.unbind(Math.min(2_000, this.config.responseTimeoutMs));
    this.settleFirst();
  }

  private open(): void {
    this.reconnectTimer = null;
    if (this.stopped) return this.settleFirst();
    const session: SmppSession = new SmppSession(this.config, {
      onBound: () => this.onBound(),
      onDeliver: (pdu, respond) => this.hooks.onDeliver(pdu, respond),
      onEnd: (end) => this.onEnd(session, end),
    }, this.log);
    this.session = session;
  }

  private onBound(): void {
    this.attempt = 0;
    this.refusals = 0;
    this.timeoutsInRow = 0;
    this.log('info', { host: this.config.host, port: this.config.port }, 'smpp: bound');
    this.settleFirst();
    this.hooks.onCapacity();
  }

  private onEnd(session: SmppSession, end: SessionEnd): void {
    if (this.session === session) this.session = null;
    if (this.stopped) return this.settleFirst();
    this.hooks.onError(end.message);
    let delay: number;
    if (end.refusedStatus !== null) {
      // A refused bind will not fix itself in a second: wait long, and tell an operator.
      this.refusals += 1;
      const floor = this.config.bindRefusedBackoffMs;
      delay = backoffDelay(this.refusals - 1, floor, Math.max(floor, this.config.reconnectBackoffMaxMs));
      this.log('error', { status: describeStatus(end.refusedStatus), retryInMs: delay }, `smpp: ${end.message}`);
    } else {
      delay = backoffDelay(this.attempt, this.config.reconnectBackoffMinMs, this.config.reconnectBackoffMaxMs);
      this.attempt += 1;
      this.log('warn', { retryInMs: delay, wasBound: end.wasBound }, `smpp: ${end.message}`);
    }
    this.settleFirst();
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private onTimeout(session: SmppSession): void {
    this.timeoutsInRow += 1;
    if (this.timeoutsInRow < this.config.recycleAfterTimeouts) return;
    this.timeoutsInRow = 0;
    // Several silent submits in a row: the session is likely wedged at the centre; start afresh.
    session.close(`recycled after ${this.config.recycleAfterTimeouts} submit timeouts in a row`);
  }

  /** Pauses the whole bind and lowers its rate and window; returns the pause, as the part's retry hint. */
  private onThrottled(part: OutboundSmsPart): number {
    const now = Date.now();
    const pause = this.throttle.throttled(now);
    if (this.config.ratePerSecond > 0) this.bucket.setRate(this.config.ratePerSecond * this.throttle.factor, now);
    this.log('debug', { partId: part.partId, pauseMs: pause, factor: this.throttle.factor }, 'smpp: throttled');
    return pause;
  }

  private onAccepted(): void {
    if (this.throttle.factor >= 1) return;
    this.throttle.accepted();
    if (this.config.ratePerSecond > 0) this.bucket.setRate(this.config.ratePerSecond * this.throttle.factor, Date.now());
  }

  private settleFirst(): void {
    const settle = this.firstSettled;
    this.firstSettled = null;
    settle?.();
  }
}
