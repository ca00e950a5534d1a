import { randomInt } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Deliverer } from './deliveries.js';
import { DEFAULT_FAULTS, mergeFaults } from './faults.js';
import { formatReceiptId, parseMessageId, receiptFields, type ReceiptSubject } from './receipt.js';
import { SmscSession, type BindMode } from './session.js';
import { SmppPDU } from './smpp-lib.js';
import { SubmitHandler } from './submit-handler.js';
import { encodeText } from './text-codec.js';
import { TimerSet } from './timer-set.js';
import type {
  Faults, SendMoOptions, SendReceiptOptions, SmscCounters, SmscLogger, SmscSimulator, SmscSimulatorOptions,
  SubmittedMessage,
} from './types.js';
import { CommandId, readHeader, Status } from './wire.js';

/** system_id the simulator gives in bind responses. */
export const SMSC_SYSTEM_ID = 'HERALD-SMSC-SIM';

const SILENT: SmscLogger = { debug() {}, info() {}, warn() {} };

const BIND_MODES: Record<number, { mode: BindMode; resp: string }> = {
  [CommandId.BIND_RECEIVER]: { mode: 'receiver', resp: 'bind_receiver_resp' },
  [CommandId.BIND_TRANSMITTER]: { mode: 'transmitter', resp: 'bind_transmitter_resp' },
  [CommandId.BIND_TRANSCEIVER]: { mode: 'transceiver', resp: 'bind_transceiver_resp' },
};

/** TON/NPI for an address given as text: international, short code or alphanumeric. */
function addressOf(address: string): { addr: string; ton: number; npi: number } {
  const digits = address.replace(/^\+/, '');
  if (/^\d{7,}$/.test(digits)) return { addr: digits, ton: 1, npi: 1 };
  if (/^\d+$/.test(digits)) return { addr: digits, ton: 3, npi: 0 };
  return { addr: address, ton: 5, npi: 0 };
}

/** The simulator: a TCP server speaking SMPP 3.4 as an SMS centre. */
class SmscServer implements SmscSimulator {
  readonly host: string;
  private readonly server: Server;
  private readonly all = new Set<SmscSession>();
  private readonly timers = new TimerSet();
  private readonly logger: SmscLogger;
  private readonly deliverer: Deliverer;
  private readonly handler: SubmitHandler;
  private readonly count: SmscCounters = {
    submits: 0, accepted: 0, throttled: 0, errors: 0, dropped: 0, receiptsSent: 0, mosSent: 0, deliveriesAnswered: 0, deliveriesRefused: 0, deliveriesResent: 0, binds: 0, corruptPdus: 0,
  };
  private nextSessionId = 1;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: SmscSimulatorOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.logger = options.logger ?? SILENT;
    this.deliverer = new Deliverer(() => [...this.all], this.timers, {
      timeoutMs: options.deliverTimeoutMs ?? 10_000,
      retryDelayMs: options.deliverRetryDelayMs ?? 1_000,
      maxAttempts: options.deliverAttempts ?? 3,
      queueCap: 10_000,
    }, this.count, this.logger);
    this.handler = new SubmitHandler({
      receiptDelayMs: options.receiptDelayMs ?? 50,
      messageIdFormat: options.messageIdFormat ?? 'hex',
      // Random start: ids must not repeat after a restart, or old receipts would match new messages.
      firstMessageId: options.firstMessageId ?? randomInt(0x10000000, 0x70000000),
      keepSubmits: options.keepSubmits ?? true,
      maxSubmits: options.maxSubmits ?? 100_000,
    }, this.deliverer, this.timers, this.count, mergeFaults(DEFAULT_FAULTS, options.faults ?? {}));
    this.server = createServer((socket) => this.onConnection(socket));
    this.server.on('error', (error) => this.logger.warn({ err: error.message }, 'smsc-sim: server error'));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.port ?? 0, this.host, () => {
        this.server.off('error', onError);
        this.logger.info({ host: this.host, port: this.port }, 'smsc-sim: listening');
        resolve();
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  get submits(): SubmittedMessage[] {
    return this.handler.submits;
  }

  get counters(): Readonly<SmscCounters> {
    return { ...this.count };
  }

  get sessions(): number {
    let bound = 0;
    for (const s of this.all) if (s.isOpen && s.bindMode) bound += 1;
    return bound;
  }

  get faults(): Readonly<Faults> {
    return this.handler.faults;
  }

  setFaults(faults: Partial<Faults>): void {
    this.handler.setFaults(faults);
  }

  restartMessageIds(first = 1): void {
    this.handler.restartIds(first);
  }

  sendMo(options: SendMoOptions): Promise<number> {
    const encoded = options.shortMessage
      ? { bytes: options.shortMessage, dataCoding: options.dataCoding ?? 0 }
      : encodeText(options.text ?? '', options.dataCoding);
    const from = addressOf(options.from);
    const to = addressOf(options.to);
    const fields: Record<string, unknown> = {
      source_addr_ton: from.ton, source_addr_npi: from.npi, source_addr: from.addr,
      dest_addr_ton: to.ton, dest_addr_npi: to.npi, destination_addr: to.addr,
      esm_class: options.esmClass ?? 0,
      data_coding: encoded.dataCoding,
    };
    // short_message holds at most 254 octets (§5.2.21); longer goes in message_payload.
    if (encoded.bytes.length <= 254) fields.short_message = encoded.bytes;
    else fields.message_payload = encoded.bytes;
    return this.deliverer.send({ kind: 'mo', fields, systemId: null, attempts: 0 });
  }

  sendReceipt(options: SendReceiptOptions): Promise<number> {
    const format = this.options.messageIdFormat ?? 'hex';
    const known = this.handler.subjectFor(options.messageId);
    const value = known?.value ?? parseMessageId(options.messageId, format);
    let textId = options.messageId;
    if (options.idFormat === 'padded') {
      textId = value === null ? options.messageId.padStart(16, '0') : formatReceiptId(value, format, 'padded');
    } else if (options.idFormat) {
      if (value === null) return Promise.reject(new Error(`cannot write ${options.messageId} as ${options.idFormat}`));
      textId = formatReceiptId(value, format, options.idFormat);
    }
    const handset = addressOf(options.from ?? '');
    const sender = addressOf(options.to ?? '');
    const subject: ReceiptSubject = known ?? {
      value: value ?? 0,
      messageId: options.messageId,
      source: sender.addr, sourceTon: sender.ton, sourceNpi: sender.npi,
      destination: handset.addr, destinationTon: handset.ton, destinationNpi: handset.npi,
      submitDate: new Date(),
      sample: '',
      systemId: null,
    };
    return this.deliverer.send({
      kind: 'receipt',
      fields: receiptFields(subject, options.stat, textId, options.err),
      systemId: subject.systemId,
      ...(subject.sessionId === undefined ? {} : { preferSessionId: subject.sessionId }),
      attempts: 0,
    });
  }

  disconnectAll(): void {
    for (const s of this.all) s.destroy();
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.deliverer.close();
      this.timers.clear();
      for (const s of this.all) s.endWith();
      // A peer that never reads would keep its socket flushing for ever.
      const force = setTimeout(() => this.disconnectAll(), 500);
      const port = this.port;
      this.server.close(() => {
        clearTimeout(force);
        this.logger.info({ port }, 'smsc-sim: closed');
        resolve();
      });
    });
    return this.closing;
  }

  private onConnection(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const session = new SmscSession(this.nextSessionId++, socket, {
      onFrame: (s, frame) => this.onFrame(s, frame),
      onCorrupt: (s, error) => this.onCorrupt(s, error),
      onClose: (s) => this.all.delete(s),
    }, this.logger);
    this.all.add(session);
  }

  private onFrame(session: SmscSession, frame: Buffer): void {
    const { commandId, status, sequence } = readHeader(frame);
    switch (commandId) {
      case CommandId.SUBMIT_SM:
        return this.handler.handle(session, sequence, frame);
      case CommandId.DELIVER_SM_RESP:
      case CommandId.GENERIC_NACK:
        return session.resolve(sequence, status);
      case CommandId.ENQUIRE_LINK:
        if (!this.handler.faults.ignoreEnquireLink) session.send(new SmppPDU('enquire_link_resp', { sequence_number: sequence }));
        return;
      case CommandId.UNBIND:
        session.bindMode = null;
        return session.endWith(new SmppPDU('unbind_resp', { sequence_number: sequence }));
      case CommandId.BIND_RECEIVER:
      case CommandId.BIND_TRANSMITTER:
      case CommandId.BIND_TRANSCEIVER:
        return this.onBind(session, commandId, sequence, frame);
      default:
        // Other responses (enquire_link_resp, unbind_resp) need no action; other requests are not supported.
        if (commandId & 0x80000000) return;
        session.send(new SmppPDU('generic_nack', { sequence_number: sequence, command_status: Status.INVCMDID }));
    }
  }

  private onBind(session: SmscSession, commandId: number, sequence: number, frame: Buffer): void {
    const bind = BIND_MODES[commandId];
    if (!bind) return;
    const answer = (status: number): void => {
      session.send(new SmppPDU(bind.resp, status === Status.OK
        ? { sequence_number: sequence, system_id: SMSC_SYSTEM_ID, sc_interface_version: 0x34 }
        : { sequence_number: sequence, command_status: status }));
    };
    if (session.bindMode) return answer(Status.ALYBND);
    // The package decodes what is there and leaves missing fields undefined (pdu.js fromBuffer).
    let pdu;
    try {
      pdu = new SmppPDU(frame);
    } catch {
      return answer(Status.BINDFAIL);
    }
    const systemId = typeof pdu.system_id === 'string' ? pdu.system_id : '';
    const password = typeof pdu.password === 'string' ? pdu.password : '';
    if (this.options.systemId !== undefined && systemId !== this.options.systemId) return answer(Status.INVSYSID);
    if (this.options.password !== undefined && password !== this.options.password) return answer(Status.INVPASWD);
    session.bindMode = bind.mode;
    session.systemId = systemId;
    this.count.binds += 1;
    answer(Status.OK);
    this.logger.debug({ session: session.id, systemId, mode: bind.mode }, 'smsc-sim: bound');
    if (session.canReceive) this.deliverer.flush();
  }

  private onCorrupt(session: SmscSession, error: Error): void {
    // After a bad command_length the stream cannot be resynchronised: nack and close, as centres do.
    this.count.corruptPdus += 1;
    this.logger.debug({ session: session.id, err: error.message }, 'smsc-sim: corrupt PDU, closing');
    session.endWith(new SmppPDU('generic_nack', { sequence_number: 0, command_status: Status.INVCMDLEN }));
  }
}

/** Starts an SMS centre simulator listening on `options.host:options.port` (any free port by default). */
export async function startSmscSimulator(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
  const simulator = new SmscServer(options);
  try {
    await simulator.listen();
  } catch (error) {
    await simulator.close(); // clears the sweeper the constructor started
    throw error;
  }
  return simulator;
}
