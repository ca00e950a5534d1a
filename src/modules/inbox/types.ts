import type { RuleKind } from './forwarding.repository.js';
import type { SuppressionSource } from '../contacts/index.js';
import type { OptOut } from './opt-out.js';

export type { RuleKind, OptOut };

/** A reply as the inbox shows it. */
export interface InboxMessage {
  id: string;
  /** The handset that wrote (E.164 when it is a number). */
  from: string;
  /** Our number it wrote to. */
  to: string;
  text: string;
  parts: number;
  /** A part never arrived; the text marks where. */
  incomplete: boolean;
  /** What the reply did to the suppression list. */
  optOut: OptOut | null;
  receivedAt: Date;
  readAt: Date | null;
  /** The account's latest message to this sender from this number, when there was one. */
  replyTo: { id: string; to: string; text: string; sendAt: Date } | null;
  /** The name the sender has in an address book the viewer sees. */
  contactName: string | null;
  /** Why the sender may not be written to now: it replied STOP (opt_out), or was suppressed by hand. */
  suppressed: SuppressionSource | null;
}

/** For the administrator: a reply no account could be found for. */
export interface UnroutableReply extends InboxMessage {
  connectorId: string;
}

export interface ForwardingRule {
  id: string;
  kind: RuleKind;
  /** An email address or an https URL. */
  target: string;
  enabled: boolean;
  createdAt: Date;
}
