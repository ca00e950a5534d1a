import type { Deliverer } from './deliveries.js';
import { mergeFaults, personalityOf, ShareGate } from './faults.js';
import { formatMessageId, formatReceiptId, receiptFields, receiptSample, type ReceiptSubject } from './receipt.js';
import type { SmscSession } from './session.js';
import { SmppPDU } from './smpp-lib.js';
import { decodeText } from './text-codec.js';
import type { TimerSet } from './timer-set.js';
import type { Faults, MessageIdFormat, ReceiptStat, SmscCounters, SubmittedMessage } from './types.js';
import { parseSubmitSm, parseUdh, Status, type RawSubmitSm } from './wire.js';

export interface SubmitHandlerOptions {
  receiptDelayMs: number;
  messageIdFormat: MessageIdFormat;
  firstMessageId: number;
  keepSubmits: boolean;
  maxSubmits: number;
}

// Ids remembered for explicit receipts; a Map evicts oldest-first in O(1).
const REMEMBERED_IDS = 100_000;

/** Does registered_delivery (SMPP 3.4 §5.2.17, bits 0–1) ask for a receipt in this state? */
function wantsReceipt(registeredDelivery: number, stat: ReceiptStat): boolean {
  switch (registeredDelivery & 0x03) {
    case 1:
      return true;
    case 2:
      return stat !== 'DELIVRD';
    case 3:
      return stat === 'DELIVRD'; // success only, as SMPP 5.0 defines it
    default:
      return false;
  }
}

/**
 * Answers submit_sm: records it, applies the faults, assigns an id and
 * schedules the receipt. Every submit is one part with its own id and
 * receipt, which is how centres treat the parts of a long message.
 */
export class SubmitHandler {
  readonly submits: SubmittedMessage[] = [];
  private current: Faults;
  private readonly gates = { drop: new ShareGate(), throttle: new ShareGate(), error: new ShareGate() };
  private untilDisconnect: number | null;
  private nextValue: number;
  private readonly remembered = new Map<string, ReceiptSubject>();

  constructor(
    private readonly options: SubmitHandlerOptions,
    private readonly deliverer: Deliverer,
    private readonly timers: TimerSet,
    private readonly counters: SmscCounters,
    faults: Faults,
  ) {
    this.current = faults;
    this.untilDisconnect = faults.disconnectAfterSubmits;
    this.nextValue = options.firstMessageId;
  }

  get faults(): Readonly<Faults> {
    return this.current;
  }

  setFaults(patch: Partial<Faults>): void {
    this.current = mergeFaults(this.current, patch);
    if (patch.dropResponseShare !== undefined) this.gates.drop.reset();
    if (patch.throttleShare !== undefined) this.gates.throttle.reset();
    if (patch.errorShare !== undefined) this.gates.error.reset();
    if (patch.disconnectAfterSubmits !== undefined) this.untilDisconnect = this.current.disconnectAfterSubmits;
  }

  /** The next accepted submit gets `first` as its id, as after a restart of the centre's counter. */
  restartIds(first: number): void {
    this.nextValue = first;
  }

  /** The message behind an id returned in submit_sm_resp, if still remembered. */
  subjectFor(messageId: string): ReceiptSubject | undefined {
    return this.remembered.get(messageId);
  }

  handle(session: SmscSession, sequence: number, frame: Buffer): void {
    if (!session.canTransmit) return this.respond(session, sequence, Status.INVBNDSTS, null, 0);
    let raw: RawSubmitSm;
    try {
      raw = parseSubmitSm(frame);
    } catch {
      return this.respond(session, sequence, Status.INVMSGLEN, null, 0);
    }
    this.counters.submits += 1;
    const faults = this.current; // a snapshot: setFaults replaces the object
    const udh = raw.esmClass & 0x40 ? parseUdh(raw.shortMessage) : null;
    const body = udh ? raw.shortMessage.subarray(udh.raw.length) : raw.shortMessage;
    const message: SubmittedMessage = {
      sessionId: session.id,
      systemId: session.systemId,
      sequenceNumber: sequence,
      source: raw.source,
      sourceTon: raw.sourceTon,
      sourceNpi: raw.sourceNpi,
      destination: raw.destination,
      destinationTon: raw.destinationTon,
      destinationNpi: raw.destinationNpi,
      esmClass: raw.esmClass,
      dataCoding: raw.dataCoding,
      registeredDelivery: raw.registeredDelivery,
      shortMessage: raw.shortMessage,
      udh,
      text: decodeText(body, raw.dataCoding),
      messageId: null,
      commandStatus: null,
      outcome: 'accepted',
      receivedAt: new Date(),
    };
    this.record(message);

    if (this.countDownToDisconnect()) {
      message.outcome = 'disconnected';
      session.destroy();
      return;
    }
    switch (personalityOf(faults.personalities, raw.destination)) {
      case 'healthy':
        return this.accept(session, sequence, message, faults);
      case 'receipt_first':
        return this.accept(session, sequence, message, { ...faults, receiptBeforeResponse: true });
      case 'silent':
        return this.drop(message);
      case 'throttled':
        return this.throttle(session, sequence, message, faults);
      case 'generic_nack':
        message.outcome = 'nacked';
        message.commandStatus = Status.INVCMDLEN;
        this.counters.errors += 1;
        session.send(new SmppPDU('generic_nack', { sequence_number: sequence, command_status: Status.INVCMDLEN }));
        return;
    }
    if (this.gates.drop.hit(faults.dropResponseShare)) return this.drop(message);
    if (this.gates.throttle.hit(faults.throttleShare)) return this.throttle(session, sequence, message, faults);
    if (this.gates.error.hit(faults.errorShare)) {
      message.outcome = 'error';
      message.commandStatus = faults.errorStatus;
      this.counters.errors += 1;
      return this.respond(session, sequence, faults.errorStatus, null, faults.responseDelayMs);
    }
    this.accept(session, sequence, message, faults);
  }

  private drop(message: SubmittedMessage): void {
    message.outcome = 'dropped';
    this.counters.dropped += 1;
  }

  private throttle(session: SmscSession, sequence: number, message: SubmittedMessage, faults: Faults): void {
    message.outcome = 'throttled';
    message.commandStatus = Status.THROTTLED;
    this.counters.throttled += 1;
    this.respond(session, sequence, Status.THROTTLED, null, faults.responseDelayMs);
  }

  private accept(session: SmscSession, sequence: number, message: SubmittedMessage, faults: Faults): void {
    const value = this.nextValue++;
    const messageId = formatMessageId(value, this.options.messageIdFormat);
    message.messageId = messageId;
    message.commandStatus = Status.OK;
    this.counters.accepted += 1;
    const subject: ReceiptSubject = {
      value,
      messageId,
      source: message.source,
      sourceTon: message.sourceTon,
      sourceNpi: message.sourceNpi,
      destination: message.destination,
      destinationTon: message.destinationTon,
      destinationNpi: message.destinationNpi,
      submitDate: message.receivedAt,
      sample: receiptSample(message.text),
      sessionId: session.id,
      systemId: session.systemId,
    };
    this.remember(subject);
    const stat = faults.receiptStat;
    const receipt = wantsReceipt(message.registeredDelivery, stat);
    if (receipt && faults.receiptBeforeResponse) {
      this.postReceipt(subject, stat, faults);
      return this.respond(session, sequence, Status.OK, messageId, faults.responseDelayMs);
    }
    this.respond(session, sequence, Status.OK, messageId, faults.responseDelayMs);
    if (receipt) {
      this.timers.after(faults.responseDelayMs + this.options.receiptDelayMs, () => this.postReceipt(subject, stat, faults));
    }
  }

  private postReceipt(subject: ReceiptSubject, stat: ReceiptStat, faults: Faults): void {
    const textId = formatReceiptId(subject.value, this.options.messageIdFormat, faults.receiptIdFormat);
    const fields = receiptFields(subject, stat, textId);
    const copies = faults.duplicateReceipts ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.deliverer.post({
        kind: 'receipt',
        fields,
        systemId: subject.systemId,
        ...(subject.sessionId === undefined ? {} : { preferSessionId: subject.sessionId }),
        attempts: 0,
      });
    }
  }

  private respond(session: SmscSession, sequence: number, status: number, messageId: string | null, delayMs: number): void {
    const write = (): void => {
      // With a non-zero status the package writes the header only, as §4.4.2 wants.
      const fields = status === Status.OK ? { sequence_number: sequence, message_id: messageId } : { sequence_number: sequence, command_status: status };
      session.send(new SmppPDU('submit_sm_resp', fields));
    };
    if (delayMs > 0) this.timers.after(delayMs, write);
    else write();
  }

  private countDownToDisconnect(): boolean {
    if (this.untilDisconnect === null) return false;
    this.untilDisconnect -= 1;
    if (this.untilDisconnect > 0) return false;
    this.untilDisconnect = null;
    this.current = { ...this.current, disconnectAfterSubmits: null };
    return true;
  }

  private record(message: SubmittedMessage): void {
    if (!this.options.keepSubmits) return;
    this.submits.push(message);
    // Halving in one splice keeps the cap amortised O(1) per submit.
    if (this.submits.length > this.options.maxSubmits) this.submits.splice(0, Math.ceil(this.submits.length / 2));
  }

  private remember(subject: ReceiptSubject): void {
    this.remembered.set(subject.messageId, subject);
    if (this.remembered.size > REMEMBERED_IDS) {
      const oldest = this.remembered.keys().next();
      if (!oldest.done) this.remembered.delete(oldest.value);
    }
  }
}
