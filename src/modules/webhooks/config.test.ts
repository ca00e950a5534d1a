import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { outboundPolicyOf, WebhooksConfigSchema } from './config.js';

describe('webhooks config', () => {
  it('allows nothing private by default, and the hosts and ranges an administrator lists', () => {
    expect(outboundPolicyOf(Value.Default(WebhooksConfigSchema, {}) as never)).toEqual({ allowHosts: [] });
    expect(outboundPolicyOf({ HERALD_OUTBOUND_ALLOW_HOSTS: ' hooks.internal, 10.20.0.0/16,,fd00::/8 ' })).toEqual({ allowHosts: ['hooks.internal', '10.20.0.0/16', 'fd00::/8'] });
  });
});
