import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook } from './sign-webhook.js';

const body = JSON.stringify({ type: 'message.delivered', data: { id: 'msg_42', text: 'héllo' } });

describe('signWebhook', () => {
  it('makes new secrets of 24 random bytes behind whsec_', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(24);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('signs what the Standard Webhooks library verifies', () => {
    const secret = newWebhookSecret();
    const now = new Date();
    const headers = signWebhook(secret, 'evt_1', now, body);
    expect(headers['webhook-id']).toBe('evt_1');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('matches the library byte for byte at a fixed time', () => {
    const secret = newWebhookSecret();
    const at = new Date('2021-02-25T15:02:10.999Z');
    expect(signWebhook(secret, 'evt_2', at, body)['webhook-signature']).toBe(new Webhook(secret).sign('evt_2', at, body));
  });

  it('signs with every secret during a rotation, and each verifies', () => {
    const [old, fresh] = [newWebhookSecret(), newWebhookSecret()];
    const headers = signWebhook([old, fresh], 'evt_3', new Date(), body);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(old).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(fresh).verify(body, headers)).not.toThrow();
  });

  it('is refused for a tampered body or another secret', () => {
    const secret = newWebhookSecret();
    const headers = signWebhook(secret, 'evt_4', new Date(), body);
    expect(() => new Webhook(secret).verify(body.replace('42', '43'), headers)).toThrow(/signature/i);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_5' })).toThrow(/signature/i);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(/signature/i);
  });

  it('refuses secrets it cannot sign with', () => {
    for (const bad of [[], 'whsec_', 'whsec_c2hvcnQ=', 'whsec_not base64 at all!!']) {
      expect(() => signWebhook(bad, 'evt_6', new Date(), body)).toThrow(expect.objectContaining({ code: 'invalid_request', field: 'secret' }));
    }
  });
});
