/**
 * The contract between Herald's core and the providers that carry messages.
 *
 * Glossary
 * - connector: one configured link to a provider (an SMPP account at an SMS
 *   centre, an HTTP API account); it may hold several binds (connections).
 * - part: one SMS as the network sees it; a long text is several parts, each
 *   with a user data header (UDH) that lets the handset join them.
 * - submit: handing one part to the provider. `accepted` means the provider
 *   took it and gave an id; it says nothing yet about the handset.
 * - receipt (delivery report): the provider's later word on a part — delivered,
 *   undelivered, expired … — matched to the submit by the provider's id.
 * - inbound (mobile originated, MO): a text someone sent to one of our numbers.
 *
 * Providers are pure adapters: no database, no config singleton, no modules.
 * A failed delivery is data (`DeliveryResult`), never an exception; the core
 * decides whether to retry, fail or refund.
 */

/** Source address as SMPP types it: alphanumeric 5/0, international 1/1. */
export interface SourceAddress {
  /** `+32475123456` for a number, `Acme` for a name; providers write it as their protocol wants. */
  address: string;
  ton: number;
  npi: number;
}

/** One part to send. */
export interface OutboundSmsPart {
  /** Herald's id of this part; providers echo it in logs, never interpret it. */
  partId: string;
  source: SourceAddress;
  /** E.164 with the plus: +32475123456. */
  destination: string;
  /** 0x00 GSM 7-bit (one unpacked septet per byte) or 0x08 UCS-2 (UTF-16BE). */
  dataCoding: 0x00 | 0x08;
  /** Concatenation header, or null for a single-part message. */
  udh: Buffer | null;
  payload: Buffer;
  requestReceipt: boolean;
  /** When the network should give up; absent = the provider's default. */
  validUntil?: Date;
}

/**
 * What became of one submit. `unknown`: it may or may not have reached the
 * provider (connection lost, no response in time); the core may resubmit.
 */
export type DeliveryResult =
  | { kind: 'accepted'; providerMessageId: string }
  | { kind: 'transient' | 'permanent' | 'throttled' | 'unknown'; providerCode: string; message?: string; retryAfterMs?: number };

/** A provider's final or intermediate word on a part. */
export type ReceiptStatus = 'delivered' | 'undelivered' | 'expired' | 'rejected' | 'deleted' | 'accepted' | 'unknown';

export interface Receipt {
  connectorId: string;
  /** Normalised the way `submit` returned it, so the two match. */
  providerMessageId: string;
  status: ReceiptStatus;
  /** Provider's error code, as text (SMPP `err:` field or network code). */
  errorCode: string | null;
  doneAt: Date | null;
  /** The receipt as received, for the record. */
  raw: string;
}

export interface InboundSms {
  connectorId: string;
  /** E.164 where the sender is a number; as received otherwise. */
  from: string;
  to: string;
  dataCoding: number;
  /** Present when this is one part of a long message. */
  concat: { reference: number; referenceBits: 8 | 16; total: number; sequence: number } | null;
  /** The part's text decoded (the UDH removed). */
  text: string;
  receivedAt: Date;
}

export interface ConnectorStatus {
  connectorId: string;
  bindsUp: number;
  bindsWanted: number;
  inFlight: number;
  /** Why the last bind failed or dropped, for operators. */
  lastError: string | null;
}

/**
 * A running connector. Handlers registered with `onReceipt`/`onInbound` must
 * persist what they get before resolving: a rejection makes the provider send
 * it again later (SMPP answers 0x64), so nothing acknowledged is lost.
 */
export interface SmsConnector {
  readonly id: string;
  start(): Promise<void>;
  submit(part: OutboundSmsPart): Promise<DeliveryResult>;
  onReceipt(handler: (receipt: Receipt) => Promise<void>): void;
  onInbound(handler: (sms: InboundSms) => Promise<void>): void;
  status(): ConnectorStatus;
  /** Stops taking submits, waits for those in flight (bounded), unbinds. */
  stop(): Promise<void>;
}

export interface ProviderLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * A kind of provider: one folder under channels/ and one line in registry.ts.
 * `configSchema` (JSON Schema) validates a connector's settings and drives its
 * settings form.
 */
export interface SmsProvider<Config = unknown> {
  id: string;
  channel: 'sms';
  configSchema: object;
  create(connectorId: string, config: Config, deps: { logger: ProviderLogger }): SmsConnector;
}
