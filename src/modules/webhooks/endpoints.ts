import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { checkUrl, type OutboundPolicy, type Resolver } from '../../platform/outbound-http.js';
import {
  countEndpoints, deleteEndpointRow, ensureAccountSecrets, failPendingDeliveries, findEndpoint, insertEndpoint, listEndpointRows,
  lockAccountSecrets, saveAccountSecrets, updateEndpointRow, type EndpointRow,
} from './endpoints.repository.js';
import { firstSecrets, liveSecrets, rotateSecrets } from './secrets.js';
import { EVENT_TYPES, type EventType } from './types.js';

/** Every event fans out to each endpoint; a bound keeps one account from making a status change expensive for all. */
export const MAX_ENDPOINTS = 20;

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: EventType[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Where the SSRF guard looks up names; tests pass a resolver. */
export interface UrlCheckOptions {
  policy?: OutboundPolicy | undefined;
  resolve?: Resolver | undefined;
}

const view = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id, url: r.url, description: r.description, events: r.events as EventType[], enabled: r.enabled,
  disabledReason: r.disabled_reason, failingSince: r.failing_since, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Refused at save with the guard's reason; `postJson` checks again at connect time. */
/** The URL as it will be called, or a refusal naming `field` and why (the SSRF guard, at save time). */
export async function checkWebhookUrl(url: string, options: UrlCheckOptions = {}, field = 'url'): Promise<string> {
  const check = await checkUrl(url, options.policy, options.resolve);
  if (!check.ok) throw invalid(field, `cannot be used: ${check.reason}`, check.code);
  return check.url.toString();
}

function checkEvents(events: string[]): EventType[] {
  if (events.length === 0) throw invalid('events', 'needs at least one event type');
  events.forEach((e, i) => {
    if (!(EVENT_TYPES as readonly string[]).includes(e)) throw invalid(`events[${i}]`, `is not an event type; one of ${EVENT_TYPES.join(', ')}`);
  });
  return [...new Set(events)] as EventType[];
}

export async function createEndpoint(
  db: Executor, accountId: string, input: { url: string; events: string[]; description?: string | null }, options: UrlCheckOptions = {},
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const events = checkEvents(input.events);
  await checkWebhookUrl(input.url, options);
  if ((await countEndpoints(db, accountId)) >= MAX_ENDPOINTS) throw new AppError('conflict', `An account has at most ${MAX_ENDPOINTS} webhook endpoints`);
  const secrets = firstSecrets(new Date());
  const row = await insertEndpoint(db, { id: newId('whe'), accountId, url: input.url, description: input.description ?? null, events, secrets });
  return { endpoint: view(row), secret: secrets[0]!.secret };
}

export async function listEndpoints(db: Executor, accountId: string): Promise<WebhookEndpoint[]> {
  return (await listEndpointRows(db, accountId)).map(view);
}

export async function getEndpoint(db: Executor, accountId: string, id: string): Promise<WebhookEndpoint> {
  const row = await findEndpoint(db, accountId, id);
  if (!row) throw notFound('Webhook endpoint');
  return view(row);
}

export async function updateEndpoint(
  db: Executor, accountId: string, id: string,
  patch: { url?: string; events?: string[]; description?: string | null; enabled?: boolean }, options: UrlCheckOptions = {},
): Promise<WebhookEndpoint> {
  const events = patch.events === undefined ? undefined : checkEvents(patch.events);
  if (patch.url !== undefined) await checkWebhookUrl(patch.url, options);
  return db.transaction().execute(async (tx) => {
    const row = await updateEndpointRow(tx, accountId, id, { ...patch, ...(events && { events }) });
    if (!row) throw notFound('Webhook endpoint');
    if (patch.enabled === false) await failPendingDeliveries(tx, id, 'endpoint disabled by the account', new Date());
    return view(row);
  });
}

/** Its deliveries and their attempts go with it; the events stay, for replay elsewhere. */
export async function deleteEndpoint(db: Executor, accountId: string, id: string): Promise<void> {
  if (!(await deleteEndpointRow(db, accountId, id))) throw notFound('Webhook endpoint');
}

export async function rotateEndpointSecret(db: Executor, accountId: string, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  return db.transaction().execute(async (tx) => {
    const row = await findEndpoint(tx, accountId, id, true);
    if (!row) throw notFound('Webhook endpoint');
    const secrets = rotateSecrets(row.secrets, new Date());
    const updated = await updateEndpointRow(tx, accountId, id, { secrets });
    return { endpoint: view(updated!), secret: secrets[0]!.secret };
  });
}

export interface CallbackSecret {
  /** Signs callback_url and forwarding deliveries from now on. */
  secret: string;
  /** Also signing until its expiry, after a rotation. */
  previous: { secret: string; expiresAt: Date }[];
}

function callbackView(secrets: ReturnType<typeof firstSecrets>): CallbackSecret {
  const now = new Date();
  const live = new Set(liveSecrets(secrets, now));
  const [current, ...rest] = secrets;
  return {
    secret: current!.secret,
    previous: rest.filter((s) => live.has(s.secret) && s.expires_at !== null).map((s) => ({ secret: s.secret, expiresAt: new Date(s.expires_at!) })),
  };
}

/** The account's secret for deliveries that are not to an endpoint, made on first use. */
export async function getCallbackSecret(db: Executor, accountId: string): Promise<CallbackSecret> {
  return callbackView(await ensureAccountSecrets(db, accountId, firstSecrets(new Date())));
}

export async function rotateCallbackSecret(db: Executor, accountId: string): Promise<CallbackSecret> {
  return db.transaction().execute(async (tx) => {
    const now = new Date();
    const current = (await lockAccountSecrets(tx, accountId)) ?? [];
    const secrets = current.length === 0 ? firstSecrets(now) : rotateSecrets(current, now);
    await saveAccountSecrets(tx, accountId, secrets);
    return callbackView(secrets);
  });
}
