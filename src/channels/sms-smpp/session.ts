import { connect, type Socket } from 'node:net';
import { Cmd, decodePdu, encodePdu, FramingError, PduFramer, type Pdu } from './pdu.js';
import { describeStatus } from './results.js';

/** Why a request got no answer; `not-sent`: the link was gone before it was written. */
export type LostReason = 'timeout' | 'disconnected' | 'session-reset' | 'unencodable' | 'not-sent';

/** A request's outcome: its response (or generic_nack), or why none will come. Never rejects. */
export type Outcome = { ok: true; pdu: Pdu } | { ok: false; reason: LostReason };

/** Where and as whom to bind, and the link's timers. */
export interface SessionOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  /** Bounds the connect, the bind and each enquire_link. */
  responseTimeoutMs: number;
  enquireLinkIntervalMs: number;
}

/** How a session ended. `refusedStatus` is the bind_transceiver_resp status when the centre refused us. */
export interface SessionEnd {
  message: string;
  refusedStatus: number | null;
  wasBound: boolean;
}

/** What a session tells its owner. */
export interface SessionHooks {
  onBound(): void;
  /** A deliver_sm; `respond` writes its deliver_sm_resp (a no-op once the connection is gone). */
  onDeliver(pdu: Pdu, respond: (status: number) => void): void;
  /** Called exactly once, after every pending request has been settled. */
  onEnd(end: SessionEnd): void;
}

type Log = (level: 'debug' | 'info' | 'warn' | 'error', obj: object, msg: string) => void;

interface Pending {
  settle(outcome: Outcome): void;
  timer: NodeJS.Timeout;
}

const INVCMDID = 0x03;

/**
 * One TCP connection to the centre, from connect through bind_transceiver to
 * close. It frames the stream itself, keeps its own map of requests by
 * sequence number (each with its timer, all settled on close) and watches the
 * link with enquire_link. It never reconnects: its owner (`Bind`) does.
 */
export class SmppSession {
  private readonly socket: Socket;
  private readonly framer = new PduFramer();
  private readonly pending = new Map<number, Pending>();
  private sequence = 0;
  private bound = false;
  private ended = false;
  private endMessage: string | null = null;
  private refusedStatus: number | null = null;
  private resetPending = false;
  private readonly connectTimer: NodeJS.Timeout;
  private enquireTimer: NodeJS.Timeout | null = null;
  private corked = false;

  constructor(private readonly options: SessionOptions, private readonly hooks: SessionHooks, private readonly log: Log) {
    this.socket = connect({ host: options.host, port: options.port });
    this.socket.setNoDelay(true);
    this.connectTimer = setTimeout(() => this.close(`connect to ${options.host}:${options.port} timed out`), options.responseTimeoutMs);
    this.socket.on('connect', () => {
      clearTimeout(this.connectTimer);
      void this.bind();
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Without a listener a reset by the peer would crash the process; 'close' follows.
    this.socket.on('error', (error) => {
      this.endMessage ??= `socket error: ${error.message}`;
    });
    this.socket.on('close', () => this.finish());
  }

  get isBound(): boolean {
    return this.bound && !this.ended;
  }

  /** Sends a request and waits for its response, at most `timeoutMs`. */
  request(command: string, fields: Record<string, unknown>, timeoutMs: number): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      if (this.ended || !this.socket.writable) return resolve({ ok: false, reason: 'not-sent' });
      this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
      const sequence = this.sequence;
      let frame: Buffer;
      try {
        frame = encodePdu(command, { ...fields, sequence_number: sequence });
      } catch (error) {
        // A part the package cannot encode is the caller's bug, not the link's: report, keep the session.
        this.log('error', { command, err: (error as Error).message }, 'smpp: cannot encode PDU');
        return resolve({ ok: false, reason: 'unencodable' });
      }
      const timer = setTimeout(() => {
        this.pending.delete(sequence);
        resolve({ ok: false, reason: 'timeout' });
      }, timeoutMs);
      this.pending.set(sequence, { settle: resolve, timer });
      this.write(frame);
      this.log('debug', { command, sequence }, 'smpp: sent');
    });
  }

  /** Polite close: unbind, wait briefly for unbind_resp, then close. */
  async unbind(timeoutMs: number): Promise<void> {
    this.endMessage ??= 'unbound';
    if (this.bound && !this.ended) await this.request('unbind', {}, timeoutMs);
    this.close('unbound');
  }

  /** Closes the connection at once; pending requests become `disconnected` (or `session-reset`). */
  close(message: string, reset = false): void {
    this.endMessage ??= message;
    if (reset) this.resetPending = true;
    // What was written before the close still goes out, as it did unbatched.
    this.flush();
    this.socket.destroy();
    // 'close' may come later; settle now so no caller waits on a dead link.
    this.finish();
  }

  private async bind(): Promise<void> {
    const outcome = await this.request('bind_transceiver', {
      system_id: this.options.systemId,
      password: this.options.password,
      system_type: this.options.systemType,
      interface_version: 0x34,
    }, this.options.responseTimeoutMs);
    if (this.ended) return;
    if (!outcome.ok) return this.close(`no answer to bind_transceiver (${outcome.reason})`);
    const status = outcome.pdu.status || (outcome.pdu.commandId === Cmd.BIND_TRANSCEIVER_RESP ? 0 : 0x0d);
    if (status !== 0) {
      this.refusedStatus = status;
      return this.close(`bind refused: ${describeStatus(status)}`);
    }
    this.bound = true;
    this.enquireTimer = setInterval(() => void this.enquireLink(), this.options.enquireLinkIntervalMs);
    this.hooks.onBound();
  }

  private async enquireLink(): Promise<void> {
    const outcome = await this.request('enquire_link', {}, this.options.responseTimeoutMs);
    // Any answer, even a generic_nack, proves the link alive; silence means it is dead.
    if (!outcome.ok && outcome.reason === 'timeout') this.close('enquire_link unanswered: link dead');
  }

  private onData(chunk: Buffer): void {
    this.framer.push(chunk);
    for (;;) {
      if (this.ended) return;
      let pdu: Pdu;
      try {
        const frame = this.framer.next();
        if (!frame) return;
        pdu = decodePdu(frame);
      } catch (error) {
        // After a bad length the stream cannot be resynchronised; a bad body is as suspect.
        const what = error instanceof FramingError ? 'corrupt PDU' : 'malformed PDU';
        return this.close(`${what}: ${(error as Error).message}`);
      }
      try {
        this.dispatch(pdu);
      } catch (error) {
        // Never let a bug in one PDU's handling stop the reader.
        this.log('error', { command: pdu.command, err: (error as Error).message }, 'smpp: PDU handling failed');
      }
    }
  }

  private dispatch(pdu: Pdu): void {
    this.log('debug', { command: pdu.command, sequence: pdu.sequence, status: pdu.status }, 'smpp: received');
    if (pdu.commandId & 0x80000000) {
      if (pdu.commandId === Cmd.GENERIC_NACK && pdu.sequence === 0) {
        return this.close(`generic_nack ${describeStatus(pdu.status)} with sequence 0: session reset`, true);
      }
      const waiting = this.pending.get(pdu.sequence);
      if (!waiting) return; // late: its request already timed out
      this.pending.delete(pdu.sequence);
      clearTimeout(waiting.timer);
      return waiting.settle({ ok: true, pdu });
    }
    switch (pdu.commandId) {
      case Cmd.DELIVER_SM:
        return this.hooks.onDeliver(pdu, (status) => this.respond('deliver_sm_resp', pdu.sequence, status));
      case Cmd.ENQUIRE_LINK:
        return this.respond('enquire_link_resp', pdu.sequence, 0);
      case Cmd.UNBIND:
        this.respond('unbind_resp', pdu.sequence, 0);
        this.endMessage ??= 'unbound by the centre';
        this.socket.end();
        return;
      default:
        this.respond('generic_nack', pdu.sequence, INVCMDID);
    }
  }

  private respond(command: string, sequence: number, status: number): void {
    if (this.ended || !this.socket.writable) return;
    this.write(encodePdu(command, { sequence_number: sequence, command_status: status }));
  }

  /**
   * Writes a frame; the frames written in one tick leave in one syscall (the
   * socket is corked until the next tick), not one write each. Order is kept.
   */
  private write(frame: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => this.flush());
    }
    this.socket.write(frame);
  }

  private flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.connectTimer);
    if (this.enquireTimer) clearInterval(this.enquireTimer);
    const reason: LostReason = this.resetPending ? 'session-reset' : 'disconnected';
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const p of lost) {
      clearTimeout(p.timer);
      p.settle({ ok: false, reason });
    }
    const wasBound = this.bound;
    this.bound = false;
    this.hooks.onEnd({ message: this.endMessage ?? 'connection closed', refusedStatus: this.refusedStatus, wasBound });
  }
}
