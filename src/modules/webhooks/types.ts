export const EVENT_TYPES = ['message.submitted', 'message.delivered', 'message.failed', 'message.expired', 'inbound.received', 'credit.low'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  accountId: string;
  type: EventType;
  /** What a receiver finds under `data` in the body. */
  data: Record<string, unknown>;
  /**
   * URLs that get this event besides the endpoints subscribed to it: a
   * message's callback_url, an HTTP forwarding rule. Signed with the
   * account's callback secret.
   */
  urls?: string[];
}
