import type { DeliveryResult } from '../channel.js';
import { hexStatus } from './pdu.js';

/** command_status values with a meaning of their own (SMPP 3.4 §5.1.3). */
export const Status = {
  OK: 0x00,
  SYSERR: 0x08,
  INVPASWD: 0x0e,
  INVSYSID: 0x0f,
  MSGQFUL: 0x14,
  THROTTLED: 0x58,
  RX_T_APPN: 0x64,
} as const;

const NAMES: Record<number, string> = {
  0x01: 'ESME_RINVMSGLEN', 0x02: 'ESME_RINVCMDLEN', 0x03: 'ESME_RINVCMDID', 0x04: 'ESME_RINVBNDSTS',
  0x05: 'ESME_RALYBND', 0x08: 'ESME_RSYSERR', 0x0a: 'ESME_RINVSRCADR', 0x0b: 'ESME_RINVDSTADR',
  0x0d: 'ESME_RBINDFAIL', 0x0e: 'ESME_RINVPASWD', 0x0f: 'ESME_RINVSYSID', 0x14: 'ESME_RMSGQFUL',
  0x45: 'ESME_RSUBMITFAIL', 0x58: 'ESME_RTHROTTLED', 0x64: 'ESME_RX_T_APPN',
};

/** '0x0E ESME_RINVPASWD' for logs and `lastError`. */
export function describeStatus(status: number): string {
  const name = NAMES[status];
  return name ? `${hexStatus(status)} ${name}` : hexStatus(status);
}

/** How long the core should wait before retrying each kind of transient refusal. */
export interface RetryHints {
  /** After 0x14: the centre's queue is full, give it time to drain. */
  queueFullMs: number;
  /** After 0x08 / 0x64: a passing fault at the centre. */
  shortMs: number;
}

/** 0x14 gets a long wait, 0x08/0x64 a short one. */
export const DEFAULT_RETRY_HINTS: RetryHints = { queueFullMs: 60_000, shortMs: 5_000 };

/**
 * Maps a non-zero submit_sm_resp (or generic_nack) status to a result, as the
 * notes' table says: 0x58 is not the message's fault, 0x14 wants few retries
 * with long delays, 0x08 and 0x64 few short ones, everything else is final.
 * `throttleRetryMs` is the pause the bind itself just took.
 */
export function resultForStatus(status: number, throttleRetryMs: number, hints: RetryHints = DEFAULT_RETRY_HINTS): DeliveryResult {
  const providerCode = hexStatus(status);
  const message = describeStatus(status);
  switch (status) {
    case Status.THROTTLED:
      return { kind: 'throttled', providerCode, message, retryAfterMs: throttleRetryMs };
    case Status.MSGQFUL:
      return { kind: 'transient', providerCode, message, retryAfterMs: hints.queueFullMs };
    case Status.SYSERR:
    case Status.RX_T_APPN:
      return { kind: 'transient', providerCode, message, retryAfterMs: hints.shortMs };
    default:
      return { kind: 'permanent', providerCode, message };
  }
}

/** A submit whose fate we cannot know: it may have reached the centre. */
export function unknownResult(providerCode: 'timeout' | 'disconnected' | 'session-reset' | 'stopped', message?: string): DeliveryResult {
  return message === undefined ? { kind: 'unknown', providerCode } : { kind: 'unknown', providerCode, message };
}

/** A submit that never left: the link was down before it was written. Nothing reached the centre, so nothing is charged. */
export function notSentResult(): DeliveryResult {
  return { kind: 'transient', providerCode: 'not_sent', message: 'the link was down before the submit was written', retryAfterMs: 1_000 };
}
