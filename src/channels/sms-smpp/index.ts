// SMPP 3.4 connector: binds to an SMS centre as a transceiver, submits parts,
// takes receipts and inbound messages. connector.ts has the flow, bind.ts and
// session.ts the link handling, ids.ts the message id rule.
import type { SmsProvider } from '../channel.js';
import { resolveConfig, smppConfigSchema, type SmppConfig } from './config.js';
import { SmppConnector } from './connector.js';

export type { SmppConfig } from './config.js';
export { normaliseMessageId, type IdReading, type MessageIdFormat } from './ids.js';

/** The SMPP provider: one connector per SMS centre account. */
export const smppProvider: SmsProvider<SmppConfig> = {
  id: 'sms-smpp',
  channel: 'sms',
  configSchema: smppConfigSchema,
  create(connectorId, config, { logger }) {
    return new SmppConnector(connectorId, resolveConfig(config), logger);
  },
};
