import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as inbox from '../../../modules/inbox/index.js';
import * as ledger from '../../../modules/ledger/index.js';
import * as routing from '../../../modules/routing/index.js';
import * as senders from '../../../modules/senders/index.js';
import { AppError } from '../../../platform/errors.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { Nullable, errorResponses } from '../../schemas.js';

const Done = (description: string) => Type.Boolean({ description });

const FirstRunSchema = Type.Object({
  credit: Type.Object({ done: Done('The plan includes SMS each month, or there is bought credit left') }),
  sender: Type.Object({ done: Done('The account has a sender of its own: a registered name or mobile, a dedicated number, or the pool') }),
  sms_centre: Type.Object({
    done: Done('An SMS connector has a bind up'),
    simulator: Type.Boolean({ description: 'The built-in SMS centre simulator runs in this process: SMS go nowhere real' }),
  }),
  test_reply: Type.Boolean({ description: 'POST /v1/sms-simulator/replies can play a customer\'s reply here' }),
});

const DEFAULT_TEXT = 'Thanks, got it! (a test reply from the SMS centre simulator)';

export const firstRunRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/first-run', {
    config: { auth: { scope: 'account:read' } },
    schema: { tags: ['account'], summary: 'What a new installation still needs before it can send: credit, a sender, an SMS centre', response: { 200: FirstRunSchema, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    // Three reads the checklist shows side by side; none changes anything.
    const [balances, choices, connectors] = await Promise.all([
      ledger.getBalances(deps.db, principal.accountId),
      senders.listSenderChoices(deps.db, { accountId: principal.accountId, userId: principal.userId }, deps.defaultSender),
      routing.readConnectorHealth(deps.db),
    ]);
    return {
      credit: { done: balances.quota.monthly > 0 || BigInt(balances.provision.availableMinor) > 0n },
      // The installation's default (listed first, without an id) is not the account's own.
      sender: { done: choices.some((c) => c.usable && (c.id !== null || c.repliable)) },
      sms_centre: { done: connectors.some((c) => c.binds_up > 0), simulator: deps.simulator !== null },
      test_reply: deps.simulator !== null,
    };
  });

  app.post('/v1/sms-simulator/replies', {
    config: { auth: { scope: 'account:write' } },
    schema: {
      tags: ['account'],
      summary: 'Have the built-in SMS centre simulator send a customer\'s reply, which arrives in the Inbox as any reply does',
      description: 'It answers the account\'s latest message sent from a number, else writes to its dedicated number. 409 with a `reason` when no built-in simulator runs here (`simulator_not_running`), Herald has no bind to it yet (`simulator_not_bound`), or the account has no number a reply could reach (`no_number_to_reply_to`).',
      body: Type.Object({ text: Type.Optional(Type.String({ minLength: 1, maxLength: 160 })) }, { additionalProperties: false }),
      response: {
        202: Type.Object({ from: Type.String(), to: Type.String(), text: Type.String(), reply_to_message_id: Nullable(Type.String()) }),
        ...errorResponses,
        409: errorResponses[400],
      },
    },
  }, async (request, reply) => {
    const simulator = deps.simulator;
    if (!simulator) {
      throw new AppError('conflict', 'No built-in SMS centre simulator runs here: replies come from your real SMS centre', { reason: 'simulator_not_running' });
    }
    const to = await inbox.testReplyAddresses(deps.db, principalOf(request).accountId);
    const text = request.body?.text ?? DEFAULT_TEXT;
    let status: number;
    try {
      status = await simulator.sendMo({ from: to.from, to: to.to, text });
    } catch (error) {
      throw new AppError('conflict', 'Herald is not bound to the SMS centre simulator yet; try again in a few seconds', { reason: 'simulator_not_bound', cause: error });
    }
    if (status !== 0) throw new AppError('unavailable', `Herald refused the test reply (SMPP status ${status})`);
    return reply.status(202).send({ from: to.from, to: to.to, text, reply_to_message_id: to.replyToMessageId });
  });
};
