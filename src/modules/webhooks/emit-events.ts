import type { Executor } from '../../platform/db/index.js';
import { newId } from '../../platform/ids.js';
import { findEnabledEndpoints, insertEventsAndDeliveries, type DeliveryInsert, type EventInsert, type ReceivingEndpoint } from './events.repository.js';
import type { NewEvent } from './types.js';

/**
 * Stores events and one delivery per receiver in the caller's transaction, so
 * an event exists exactly when the change it reports commits. Events nobody
 * receives are not stored.
 *
 * Runs inside the SMS status path for whole batches of messages: one indexed
 * look-up of the accounts' endpoints (nothing more when none has any and no
 * event carries a URL), then one insert of every event and delivery.
 */
export async function emitEvents(db: Executor, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const accountIds = [...new Set(events.map((e) => e.accountId))];
  const endpoints = await findEnabledEndpoints(db, accountIds);
  const hasUrls = events.some((e) => e.urls !== undefined && e.urls.length > 0);
  if (endpoints.length === 0 && !hasUrls) return;

  const byAccount = new Map<string, ReceivingEndpoint[]>();
  for (const endpoint of endpoints) {
    const list = byAccount.get(endpoint.account_id);
    if (list) list.push(endpoint);
    else byAccount.set(endpoint.account_id, [endpoint]);
  }

  const timestamp = new Date().toISOString();
  const eventRows: EventInsert[] = [];
  const deliveryRows: DeliveryInsert[] = [];
  for (const event of events) {
    const receivers = (byAccount.get(event.accountId) ?? []).filter((e) => e.events.includes(event.type));
    // The same URL given twice (a callback that is also an endpoint is still two receivers) gets one delivery.
    const urls = [...new Set(event.urls ?? [])];
    if (receivers.length === 0 && urls.length === 0) continue;
    const id = newId('evt');
    eventRows.push({ id, account_id: event.accountId, type: event.type, payload: { type: event.type, timestamp, data: event.data }, created_at: timestamp });
    for (const r of receivers) deliveryRows.push({ id: newId('whd'), event_id: id, account_id: event.accountId, endpoint_id: r.id, url: r.url });
    for (const url of urls) deliveryRows.push({ id: newId('whd'), event_id: id, account_id: event.accountId, endpoint_id: null, url });
  }
  await insertEventsAndDeliveries(db, eventRows, deliveryRows);
}
