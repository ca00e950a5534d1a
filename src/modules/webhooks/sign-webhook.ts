/**
 * Signing as Standard Webhooks do (https://www.standardwebhooks.com), so
 * receivers can verify with any of its libraries. During a secret rotation the
 * header carries one signature per live secret and either verifies.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { invalid } from '../../platform/errors.js';

const PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(24).toString('base64');
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  // Buffer.from skips bad characters silently; a mangled secret would then
  // sign with a key no receiver holds.
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  // The spec's bounds for a secret's size.
  if (key.length < 24 || key.length > 64) throw invalid('secret', 'a webhook secret is whsec_ and the base64 of 24 to 64 bytes');
  return key;
}

/** The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers for one delivery. */
export function signWebhook(secret: string | string[], id: string, timestamp: Date, body: string): Record<string, string> {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw invalid('secret', 'a webhook needs a secret to sign with');
  const seconds = String(Math.floor(timestamp.getTime() / 1000));
  const signed = `${id}.${seconds}.${body}`;
  const signatures = secrets.map((s) => `v1,${createHmac('sha256', secretKey(s)).update(signed).digest('base64')}`);
  return { 'webhook-id': id, 'webhook-timestamp': seconds, 'webhook-signature': signatures.join(' ') };
}
