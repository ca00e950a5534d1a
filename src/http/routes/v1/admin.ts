import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as mail from '../../../modules/mail/index.js';
import { decodeIdCursor } from '../../../platform/cursor.js';
import type { HttpDeps } from '../../deps.js';
import { Nullable, errorResponses } from '../../schemas.js';

const OutboxEmailSchema = Type.Object({
  id: Type.String(),
  account_id: Nullable(Type.String()),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  last_error: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  sent_at: Nullable(Type.String({ format: 'date-time' })),
});

export const adminRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/admin/outbox', {
    config: { auth: { scope: 'operator' } },
    schema: {
      tags: ['admin'],
      summary: 'Email Herald has sent or keeps for sending (all of it, when no SMTP server is configured); one-time links show as [redacted]',
      description: 'For owners of the installation\'s own account. Reset and invitation links are never shown here: `herald outbox` on the server shows a link while its email waits and the link still works.',
      querystring: Type.Object(
        {
          status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')])),
          to: Type.Optional(Type.String({ maxLength: 254 })),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          cursor: Type.Optional(Type.String({ maxLength: 64 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ data: Type.Array(OutboxEmailSchema), next_cursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const rows = await mail.listOutbox(deps.db, {
      limit: q.limit,
      ...(q.status && { status: q.status }),
      ...(q.to && { to: q.to }),
      ...(q.cursor && { before: decodeIdCursor(q.cursor, 'mail')! }),
    });
    return {
      data: rows.map((r) => ({
        id: r.id,
        account_id: r.account_id,
        to: r.to_address,
        subject: r.subject,
        text: r.text_body,
        status: r.status,
        attempts: r.attempts,
        last_error: r.last_error,
        created_at: r.created_at.toISOString(),
        sent_at: r.sent_at ? r.sent_at.toISOString() : null,
      })),
      next_cursor: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
    };
  });
};
