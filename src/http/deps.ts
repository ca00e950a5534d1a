import type { Executor } from '../platform/db/index.js';
import type { SendQueue } from '../modules/messages/index.js';
import type { OutboundPolicy } from '../platform/outbound-http.js';

/** The built-in SMS centre simulator, when this process runs it: it can play a customer's reply. */
export interface BuiltInSimulator {
  /** Sends a deliver_sm to Herald's bind; resolves with Herald's command_status, rejects when nothing is bound. */
  sendMo(reply: { from: string; to: string; text: string }): Promise<number>;
}

/** What routes need from the process: the database and a few settings. */
export interface HttpDeps {
  db: Executor;
  publicUrl: string;
  sessionHours: number;
  secureCookies: boolean;
  /** Sender of an SMS that names none. */
  defaultSender: string;
  /** Groups concurrent sends into one commit. */
  sendQueue: SendQueue;
  /** Hosts an administrator allows for webhooks and forwarding despite the SSRF guard. */
  outboundPolicy?: OutboundPolicy;
  /** ISO 4217 code of every amount (HERALD_CURRENCY). */
  currency: string;
  /** Null when this process runs no built-in SMS centre simulator. */
  simulator: BuiltInSimulator | null;
}
