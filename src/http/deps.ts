import type { Executor } from '../platform/db/index.js';
import type { SendQueue } from '../modules/messages/index.js';
import type { OutboundPolicy } from '../platform/outbound-http.js';

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
}
