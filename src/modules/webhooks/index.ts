export { EVENT_TYPES, type EventType, type NewEvent } from './types.js';
export { newWebhookSecret, signWebhook } from './sign-webhook.js';
export { emitEvents } from './emit-events.js';
