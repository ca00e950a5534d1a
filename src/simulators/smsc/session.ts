import type { Socket } from 'node:net';
import type { SmppPdu } from './smpp-lib.js';
import type { SmscLogger } from './types.js';
import { PduFramer } from './wire.js';

/** How an ESME bound (SMPP 3.4 §2.2). */
export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

/** A deliver_sm sent by the simulator, waiting for its deliver_sm_resp. */
export interface PendingDeliver {
  sentAt: number;
  onResponse(status: number): void;
  /** The answer will never come: the connection closed or the wait timed out. */
  onLost(reason: 'closed' | 'timeout'): void;
}

export interface SessionHooks {
  onFrame(session: SmscSession, frame: Buffer): void;
  onCorrupt(session: SmscSession, error: Error): void;
  onClose(session: SmscSession): void;
}

/** One TCP connection from an ESME, bound or not. */
export class SmscSession {
  bindMode: BindMode | null = null;
  systemId = '';
  private sequence = 0;
  private closed = false;
  private corked = false;
  private readonly framer = new PduFramer();
  // Insertion order is send order, so expiry can stop at the first young entry.
  private readonly pending = new Map<number, PendingDeliver>();

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly hooks: SessionHooks,
    private readonly logger: SmscLogger,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Without a listener a reset by the peer would crash the process.
    socket.on('error', (error) => this.logger.debug({ session: id, err: error.message }, 'smsc-sim: socket error'));
    socket.on('close', () => {
      this.closed = true;
      const lost = [...this.pending.values()];
      this.pending.clear();
      for (const p of lost) p.onLost('closed');
      this.hooks.onClose(this);
    });
  }

  get isOpen(): boolean {
    // Not writable once we (or the peer) began closing: nothing more can be sent.
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  /** Bound so that the centre may send it deliver_sm. */
  get canReceive(): boolean {
    return this.isOpen && (this.bindMode === 'receiver' || this.bindMode === 'transceiver');
  }

  /** Bound so that it may submit. */
  get canTransmit(): boolean {
    return this.isOpen && (this.bindMode === 'transmitter' || this.bindMode === 'transceiver');
  }

  /**
   * Writes a PDU; false when the connection is gone. The PDUs written in one
   * tick leave in one syscall (the socket is corked until the next tick), in order.
   */
  send(pdu: SmppPdu): boolean {
    if (!this.isOpen || !this.socket.writable) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => this.flush());
    }
    this.socket.write(pdu.toBuffer());
    return true;
  }

  /** Sends a request PDU with the next sequence number and waits for its response. */
  request(pdu: SmppPdu, pending: Omit<PendingDeliver, 'sentAt'>): boolean {
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    pdu.sequence_number = this.sequence;
    if (!this.send(pdu)) return false;
    this.pending.set(this.sequence, { ...pending, sentAt: Date.now() });
    return true;
  }

  /** Routes a response (or generic_nack) to the request it answers. */
  resolve(sequence: number, status: number): void {
    const p = this.pending.get(sequence);
    if (!p) return;
    this.pending.delete(sequence);
    p.onResponse(status);
  }

  /** Gives up on requests sent before `cutoff` (epoch ms). */
  expire(cutoff: number): void {
    for (const [sequence, p] of this.pending) {
      if (p.sentAt > cutoff) break;
      this.pending.delete(sequence);
      p.onLost('timeout');
    }
  }

  /** Writes a last PDU, then closes once it is flushed. */
  endWith(pdu?: SmppPdu): void {
    if (!this.isOpen) return;
    const destroy = (): void => {
      this.socket.destroy();
    };
    if (pdu) this.socket.end(pdu.toBuffer(), destroy);
    else this.socket.end(destroy);
  }

  destroy(): void {
    // What was sent before still goes out, as it did unbatched.
    this.flush();
    this.socket.destroy();
  }

  private flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  private onData(chunk: Buffer): void {
    this.framer.push(chunk);
    for (;;) {
      let frame: Buffer | null;
      try {
        frame = this.framer.next();
      } catch (error) {
        this.hooks.onCorrupt(this, error as Error);
        return;
      }
      if (!frame || this.closed) return;
      try {
        this.hooks.onFrame(this, frame);
      } catch (error) {
        // A bug in one handler must not take the whole simulator down.
        this.logger.warn({ session: this.id, err: (error as Error).message }, 'smsc-sim: PDU handler failed');
      }
    }
  }
}
