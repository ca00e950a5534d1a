/** Final states a delivery receipt can report (the `stat:` field of the receipt text). */
export type ReceiptStat = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD' | 'ACCEPTD' | 'UNKNOWN' | 'DELETED';

/** How a message id is written: `padded` is the submit_sm_resp form left-padded with zeros to 16 characters. */
export type MessageIdFormat = 'hex' | 'decimal';
export type ReceiptIdFormat = 'same' | 'hex' | 'decimal' | 'padded';

/** Minimal logger; pino's `Logger` fits. */
export interface SmscLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

export interface SmscSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port (read it back from `simulator.port`). */
  port?: number;
  /** When set, a bind with another system_id is refused with 0x0F (ESME_RINVSYSID). */
  systemId?: string;
  /** When set, a bind with another password is refused with 0x0E (ESME_RINVPASWD). */
  password?: string;
  /** Delay between the submit_sm_resp and the delivery receipt. Default 50. */
  receiptDelayMs?: number;
  /** Representation of the id returned in submit_sm_resp. Default 'hex' (upper case, 8 digits). */
  messageIdFormat?: MessageIdFormat;
  /** Numeric value of the first message id. Default: random, so ids do not repeat across restarts. */
  firstMessageId?: number;
  /** Record every submit in `submits`. Default true; set false in benchmarks. */
  keepSubmits?: boolean;
  /** Most submits kept; past it the oldest half is dropped. Default 100,000. */
  maxSubmits?: number;
  /** Wait for a deliver_sm_resp before giving up on it. Default 10,000. */
  deliverTimeoutMs?: number;
  /** A deliver_sm answered with a non-zero status is sent again after this delay. Default 1,000. */
  deliverRetryDelayMs?: number;
  /** Attempts per deliver_sm (first one included). Default 3. */
  deliverAttempts?: number;
  /** Faults active from the start. */
  faults?: Partial<Faults>;
  logger?: SmscLogger;
}

/**
 * Misbehaviour to inject. Shares are applied deterministically: a share `s` hits
 * every `1/s`-th submit (0.25 → the 4th, 8th, …), checked in the order
 * disconnect, drop, throttle, error.
 */
export interface Faults {
  /** Share of submits answered 0x58 ESME_RTHROTTLED. */
  throttleShare: number;
  /** Share of submits answered with `errorStatus`. */
  errorShare: number;
  /** Status used by `errorShare`, e.g. 0x0B ESME_RINVDSTADR or 0x08 ESME_RSYSERR. */
  errorStatus: number;
  /** Share of submits never answered (no id, no receipt). */
  dropResponseShare: number;
  /** Send the receipt before the submit_sm_resp. */
  receiptBeforeResponse: boolean;
  /** Send every automatic receipt twice. */
  duplicateReceipts: boolean;
  /** The final state automatic receipts report. */
  receiptStat: 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD';
  /** How the id appears in the receipt text; the receipted_message_id TLV always carries the submit_sm_resp id. */
  receiptIdFormat: ReceiptIdFormat;
  /** On the N-th submit from now, record it, do not answer it and destroy its connection; then back to null. */
  disconnectAfterSubmits: number | null;
  /** Delay before each submit_sm_resp. */
  responseDelayMs: number;
  /** Leave enquire_link unanswered. */
  ignoreEnquireLink: boolean;
  /**
   * Behaviour per destination, ahead of the shares: the key is a number or a
   * prefix of it (digits, no plus), the longest match wins. So one send can
   * meet a centre that is healthy for some numbers and faulty for others.
   */
  personalities: Readonly<Record<string, Personality>>;
}

/**
 * How the centre treats a destination: `silent` never answers the submit,
 * `generic_nack` answers it with a generic_nack (ESME_RINVCMDLEN) for its
 * sequence, `throttled` always answers 0x58, `receipt_first` accepts it but
 * sends the receipt before the submit_sm_resp, `healthy` accepts it whatever
 * the shares say.
 */
export type Personality = 'healthy' | 'silent' | 'generic_nack' | 'throttled' | 'receipt_first';

/** A parsed User Data Header (3GPP TS 23.040 §9.2.3.24). */
export interface Udh {
  /** The whole header, length octet included. */
  raw: Buffer;
  elements: { iei: number; data: Buffer }[];
  /** Concatenation info from IEI 0x00 (8-bit reference) or 0x08 (16-bit reference). */
  concat: { reference: number; referenceBits: 8 | 16; total: number; sequence: number } | null;
}

/** What happened to a submit. */
export type SubmitOutcome = 'accepted' | 'throttled' | 'error' | 'nacked' | 'dropped' | 'disconnected';

/** One submit_sm as received on the wire. */
export interface SubmittedMessage {
  sessionId: number;
  systemId: string;
  sequenceNumber: number;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  destination: string;
  destinationTon: number;
  destinationNpi: number;
  esmClass: number;
  dataCoding: number;
  registeredDelivery: number;
  /** short_message exactly as sent, UDH included (or the message_payload TLV when short_message is empty). */
  shortMessage: Buffer;
  /** Parsed when esm_class & 0x40; null otherwise or when the header is malformed. */
  udh: Udh | null;
  /** The text after the UDH, decoded by data_coding (GSM 7-bit, IA5, Latin-1, UCS-2); '' for binary. */
  text: string;
  /** Id returned in submit_sm_resp; null when none was. */
  messageId: string | null;
  /** Status answered; null when the submit was never answered. */
  commandStatus: number | null;
  outcome: SubmitOutcome;
  receivedAt: Date;
}

/** Running totals, also kept when `keepSubmits` is false. */
export interface SmscCounters {
  submits: number;
  accepted: number;
  throttled: number;
  errors: number;
  dropped: number;
  receiptsSent: number;
  mosSent: number;
  /** deliver_sm answered by the ESME, and of those answered with an error (each sent again later). */
  deliveriesAnswered: number;
  deliveriesRefused: number;
  /** Copies scheduled to be sent again (after an error, a timeout or a closed link). */
  deliveriesResent: number;
  binds: number;
  corruptPdus: number;
}

export interface SendMoOptions {
  /** The handset, e.g. '+447911123456'. */
  from: string;
  /** The number or short code it wrote to. */
  to: string;
  /** Encoded GSM 7-bit (data_coding 0) when it can be, else UCS-2 (0x08), unless `dataCoding` says otherwise. */
  text?: string;
  /** Raw bytes instead of `text` (a UDH included, with `esmClass` 0x40). */
  shortMessage?: Buffer;
  dataCoding?: number;
  esmClass?: number;
}

export interface SendReceiptOptions {
  /** The id as returned in submit_sm_resp. */
  messageId: string;
  stat: ReceiptStat;
  /** The `err:` field. Default '000' for DELIVRD/ACCEPTD, '001' otherwise. */
  err?: string;
  /** How the id is written in the receipt text. Default: as given. */
  idFormat?: 'hex' | 'decimal' | 'padded';
  /** Addresses for an id the simulator does not remember (handset, then sender). */
  from?: string;
  to?: string;
}

/** A running SMS centre simulator. */
export interface SmscSimulator {
  readonly host: string;
  readonly port: number;
  /** Every submit_sm received, in order (unless `keepSubmits` is false). */
  readonly submits: SubmittedMessage[];
  readonly counters: Readonly<SmscCounters>;
  /** Sessions bound now. */
  readonly sessions: number;
  /** The faults in force. */
  readonly faults: Readonly<Faults>;
  /** Change behaviour at run time; resets the share counters of the shares it sets. */
  setFaults(faults: Partial<Faults>): void;
  /** The next accepted submit gets this id (default 1), as a centre whose counter restarted. */
  restartMessageIds(first?: number): void;
  /**
   * Send a mobile-originated message to one bound receiver or transceiver
   * (round robin over them). Resolves with the deliver_sm_resp command_status;
   * rejects when no session can receive, on timeout or when the session drops.
   */
  sendMo(options: SendMoOptions): Promise<number>;
  /** Send a receipt explicitly (duplicate, late, out-of-order tests). Resolves like `sendMo`. */
  sendReceipt(options: SendReceiptOptions): Promise<number>;
  /** Destroy every connection abruptly, bound or not. */
  disconnectAll(): void;
  /** Stop listening, close every connection, clear every timer. */
  close(): Promise<void>;
}
