import { Type, type Static } from '@sinclair/typebox';
import type { OutboundPolicy } from '../../platform/outbound-http.js';

export const WebhooksConfigSchema = Type.Object({
  HERALD_OUTBOUND_ALLOW_HOSTS: Type.String({
    default: '',
    pattern: '^[A-Za-z0-9.:/\\[\\]_,\\s-]*$',
    description: 'Host names or CIDR ranges (comma-separated) that webhooks and reply forwarding may reach although private, '
      + 'e.g. "hooks.internal,10.20.0.0/16" on a self-hosted network; empty = only public addresses',
  }),
});
export type WebhooksConfig = Static<typeof WebhooksConfigSchema>;

export function outboundPolicyOf(config: WebhooksConfig): OutboundPolicy {
  return { allowHosts: config.HERALD_OUTBOUND_ALLOW_HOSTS.split(',').map((h) => h.trim()).filter((h) => h !== '') };
}
