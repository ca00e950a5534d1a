import { Type, type Static } from '@sinclair/typebox';
import type { MessageDetail, MessageRow } from '../../../modules/messages/index.js';
import { Currency, Nullable } from '../../schemas.js';

export const MessageSchema = Type.Object({
  id: Type.String(),
  batch_id: Type.String(),
  to: Type.String(),
  sender: Type.String(),
  text: Type.String(),
  encoding: Type.String(),
  parts: Type.Integer(),
  price_per_part: Type.Integer({ description: 'Minor units of `currency`' }),
  currency: Currency,
  status: Type.String(),
  error_code: Nullable(Type.String()),
  client_reference: Nullable(Type.String()),
  send_at: Type.String({ format: 'date-time' }),
  valid_until: Type.String({ format: 'date-time' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  final_at: Nullable(Type.String({ format: 'date-time' })),
  contact_id: Nullable(Type.String({ description: 'The contact the recipient was picked from' })),
  list_id: Nullable(Type.String({ description: 'The list the recipient came from' })),
});

export const MessageListItemSchema = Type.Intersect([
  MessageSchema,
  Type.Object({ contact_name: Nullable(Type.String({ description: 'The name the recipient has in an address book you see (personal first, then shared)' })) }),
]);

export const MessageDetailSchema = Type.Intersect([
  MessageSchema,
  Type.Object({
    part_list: Type.Array(Type.Object({ seq: Type.Integer(), status: Type.String(), submits: Type.Integer(), error_code: Nullable(Type.String()), submitted_at: Nullable(Type.String()), final_at: Nullable(Type.String()) })),
    history: Type.Array(Type.Object({ status: Type.String(), detail: Nullable(Type.String()), at: Type.String() })),
  }),
]);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function messageView(m: MessageRow, currency: string): Static<typeof MessageSchema> {
  return {
    id: m.id,
    batch_id: m.batch_id,
    to: m.recipient,
    sender: m.sender,
    text: m.body,
    encoding: m.encoding,
    parts: m.parts_count,
    price_per_part: Number(m.price_per_part_minor),
    currency,
    status: m.status,
    error_code: m.error_code,
    client_reference: m.client_reference,
    send_at: m.send_at.toISOString(),
    valid_until: m.valid_until.toISOString(),
    created_at: m.created_at.toISOString(),
    updated_at: m.updated_at.toISOString(),
    final_at: iso(m.final_at),
    contact_id: m.contact_id,
    list_id: m.list_id,
  };
}

export function messageDetailView(d: MessageDetail, currency: string): Static<typeof MessageDetailSchema> {
  return {
    ...messageView(d.message, currency),
    part_list: d.parts.map((p) => ({ seq: p.seq, status: p.status, submits: p.submits, error_code: p.error_code, submitted_at: iso(p.submitted_at), final_at: iso(p.final_at) })),
    history: d.history.map((h) => ({ status: h.status, detail: h.detail, at: h.at.toISOString() })),
  };
}
