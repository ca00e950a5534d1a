import type { InboundSms } from '../../channels/channel.js';
import { sql, type Executor } from '../../platform/db/index.js';

export async function insertInbound(db: Executor, sms: InboundSms): Promise<void> {
  await sql`insert into sms_inbound (connector_id, sender, recipient, data_coding, concat_reference, concat_total, concat_sequence, body, received_at)
    values (${sms.connectorId}, ${sms.from}, ${sms.to}, ${sms.dataCoding}, ${sms.concat?.reference ?? null}, ${sms.concat?.total ?? null},
      ${sms.concat?.sequence ?? null}, ${sms.text}, ${sms.receivedAt})`.execute(db);
}
