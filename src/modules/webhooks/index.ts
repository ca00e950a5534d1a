export { EVENT_TYPES, type EventType, type NewEvent } from './types.js';
export { newWebhookSecret, signWebhook } from './sign-webhook.js';
export { emitEvents } from './emit-events.js';
export { deliverDueWebhooks, type DeliverOptions } from './deliver-webhooks.js';
export {
  createEndpoint, listEndpoints, getEndpoint, updateEndpoint, deleteEndpoint, rotateEndpointSecret, getCallbackSecret, rotateCallbackSecret,
  checkWebhookUrl, MAX_ENDPOINTS, type WebhookEndpoint, type CallbackSecret, type UrlCheckOptions,
} from './endpoints.js';
export { listEndpointDeliveries, getDelivery, listEvents, getEvent, replayEvent, type Delivery, type Attempt, type WebhookEvent, type Page } from './deliveries.js';
export { RETRY_DELAYS_MS, MAX_ATTEMPTS } from './schedule.js';
export { WebhooksConfigSchema, outboundPolicyOf, type WebhooksConfig } from './config.js';
export { pruneWebhookEvents } from './prune-events.js';
export { sealStoredSecrets } from './seal-secrets.js';
