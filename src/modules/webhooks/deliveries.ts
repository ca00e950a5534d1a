import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { decodeIdCursor } from '../../platform/cursor.js';
import { newId } from '../../platform/ids.js';
import {
  findDeliveryRow, findEventRow, listAttemptRows, listDeliveryRows, listEventDeliveryRows, listEventRows, replayReceivers,
  type AttemptRow, type DeliveryRow, type EventRow,
} from './deliveries.repository.js';
import { findEndpoint } from './endpoints.repository.js';
import { insertDeliveries } from './events.repository.js';
import { EVENT_TYPES } from './types.js';

export type Delivery = DeliveryRow;
export type Attempt = AttemptRow;
export type WebhookEvent = EventRow;

export interface Page<T> {
  data: T[];
  /** The last id of this page, when there may be more. */
  nextCursor: string | null;
}

// Ids are time-ordered, so the last id of a page is where the next (older) one starts.
function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  return { data: rows, nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
}

const cursorOf = (cursor: string | undefined, prefix: 'whd' | 'evt'): string | null => decodeIdCursor(cursor, prefix) ?? null;

export async function listEndpointDeliveries(db: Executor, accountId: string, endpointId: string, q: { limit: number; cursor?: string }): Promise<Page<Delivery>> {
  if (!(await findEndpoint(db, accountId, endpointId))) throw notFound('Webhook endpoint');
  return page(await listDeliveryRows(db, accountId, endpointId, cursorOf(q.cursor, 'whd'), q.limit), q.limit);
}

export async function getDelivery(db: Executor, accountId: string, id: string): Promise<{ delivery: Delivery; attempts: Attempt[] }> {
  const delivery = await findDeliveryRow(db, accountId, id);
  if (!delivery) throw notFound('Webhook delivery');
  return { delivery, attempts: await listAttemptRows(db, id) };
}

export async function listEvents(db: Executor, accountId: string, q: { limit: number; cursor?: string; type?: string }): Promise<Page<WebhookEvent>> {
  if (q.type !== undefined && !(EVENT_TYPES as readonly string[]).includes(q.type)) throw invalid('type', `is not an event type; one of ${EVENT_TYPES.join(', ')}`);
  return page(await listEventRows(db, accountId, { ...(q.type && { type: q.type }), before: cursorOf(q.cursor, 'evt'), limit: q.limit }), q.limit);
}

export async function getEvent(db: Executor, accountId: string, id: string): Promise<{ event: WebhookEvent; deliveries: Delivery[] }> {
  const event = await findEventRow(db, accountId, id);
  if (!event) throw notFound('Webhook event');
  return { event, deliveries: await listEventDeliveryRows(db, accountId, id) };
}

/**
 * Sends a stored event again: to one endpoint of the account, or to the
 * endpoints subscribed to its type now and the URLs it first went to. The
 * body and webhook-id are the event's, so a receiver that already has it can
 * tell.
 */
export async function replayEvent(db: Executor, accountId: string, eventId: string, endpointId?: string): Promise<Delivery[]> {
  const event = await findEventRow(db, accountId, eventId);
  if (!event) throw notFound('Webhook event');
  let receivers: { endpoint_id: string | null; url: string }[];
  if (endpointId !== undefined) {
    const endpoint = await findEndpoint(db, accountId, endpointId);
    // Named in the body, not the path: still the caller's field at fault.
    if (!endpoint) throw new AppError('not_found', 'Webhook endpoint not found', { field: 'endpoint_id' });
    if (!endpoint.enabled) throw new AppError('conflict', 'The endpoint is disabled; enable it first', { field: 'endpoint_id' });
    receivers = [{ endpoint_id: endpoint.id, url: endpoint.url }];
  } else {
    receivers = await replayReceivers(db, accountId, eventId, event.type);
    if (receivers.length === 0) throw new AppError('conflict', 'No endpoint is subscribed to this event type');
  }
  const rows = receivers.map((r) => ({ id: newId('whd'), event_id: eventId, account_id: accountId, endpoint_id: r.endpoint_id, url: r.url }));
  await insertDeliveries(db, rows, new Date());
  const fresh = new Set(rows.map((r) => r.id));
  return (await listEventDeliveryRows(db, accountId, eventId)).filter((d) => fresh.has(d.id));
}
