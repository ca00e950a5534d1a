import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_ledger.js';
import * as m0003 from './0003_ledger_partial.js';
import * as m0004 from './0004_messages.js';
import * as m0005 from './0005_contacts.js';
import * as m0006 from './0006_senders_inbox_webhooks.js';
import * as m0007 from './0007_contact_numbers_cascade.js';
import * as m0008 from './0008_sender_code_sends.js';
import * as m0009 from './0009_import_error_codes.js';
import * as m0010 from './0010_import_into_list.js';
import * as m0011 from './0011_part_charges.js';
import * as m0012 from './0012_message_parts_unchecked.js';
import * as m0013b from './0013_access_herald_sms.js';
import * as m0013a from './0013_access_outbox_secrets.js';
import * as m0014 from './0014_delivery_provider_ids.js';
import * as m0015 from './0015_auth_reset_requests.js';
import * as m0016 from './0016_ops_status_and_topup_keys.js';
import * as m0017replies from './0017_replies_messages_send_at.js';

/** Forward-only, in order. A released migration is never edited: add the next one. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_ledger': m0002,
  '0003_ledger_partial': m0003,
  '0004_messages': m0004,
  '0005_contacts': m0005,
  '0006_senders_inbox_webhooks': m0006,
  '0007_contact_numbers_cascade': m0007,
  '0008_sender_code_sends': m0008,
  '0009_import_error_codes': m0009,
  '0010_import_into_list': m0010,
  '0011_part_charges': m0011,
  '0012_message_parts_unchecked': m0012,
  '0013_access_herald_sms': m0013b,
  '0013_access_outbox_secrets': m0013a,
  '0014_delivery_provider_ids': m0014,
  '0015_auth_reset_requests': m0015,
  '0016_ops_status_and_topup_keys': m0016,
  '0017_replies_messages_send_at': m0017replies,
};
