import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as creditAlerts from '../../../modules/credit-alerts/index.js';
import * as ledger from '../../../modules/ledger/index.js';
import { principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { Currency, IdParams, Nullable, errorResponses } from '../../schemas.js';

const CreditSchema = Type.Object({
  quota: Nullable(Type.Object({
    monthly: Type.Integer({ description: 'SMS included each month by the plan' }),
    remaining: Type.Integer({ description: 'Included SMS left this month; lost at period_end' }),
    held: Type.Integer(),
    period_start: Nullable(Type.String({ format: 'date-time' })),
    period_end: Nullable(Type.String({ format: 'date-time' })),
  })),
  provision: Nullable(Type.Object({
    available: Type.Integer({ description: 'Bought credit in minor units; never expires' }),
    held: Type.Integer(),
  })),
  spending: Nullable(Type.Object({ limit: Nullable(Type.Integer()), spent: Type.Integer(), month: Type.String() })),
  currency: Currency,
});

export const creditRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/v1/credit', {
    config: { auth: { scope: 'credit:read' } },
    schema: { tags: ['credit'], summary: 'Balances per bucket: the month\'s included SMS and bought credit', response: { 200: CreditSchema, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    const b = await ledger.getBalances(deps.db, principal.accountId);
    // A subaccount spends from its parent's wallet but sees only its own spending.
    const own = b.walletAccountId === principal.accountId;
    return {
      quota: own
        ? { monthly: b.quota.monthly, remaining: b.quota.remaining, held: b.quota.held, period_start: b.quota.periodStart?.toISOString() ?? null, period_end: b.quota.periodEnd?.toISOString() ?? null }
        : null,
      provision: own ? { available: Number(b.provision.availableMinor), held: Number(b.provision.heldMinor) } : null,
      spending: b.spending ? { limit: b.spending.limitMinor === null ? null : Number(b.spending.limitMinor), spent: Number(b.spending.spentMinor), month: b.spending.month } : null,
      currency: deps.currency,
    };
  });

  app.get('/v1/credit/usage', {
    config: { auth: { scope: 'credit:read' } },
    schema: {
      tags: ['credit'],
      summary: 'Used and remaining credit per day or month, for the quota graph',
      querystring: Type.Object(
        { from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }), interval: Type.Union([Type.Literal('day'), Type.Literal('month')], { default: 'day' }) },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({
          data: Type.Array(Type.Object({ start: Type.String(), quota_used: Type.Integer(), provision_used: Type.Integer(), quota_remaining: Nullable(Type.Integer()), provision_remaining: Nullable(Type.Integer()) })),
          currency: Currency,
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const q = request.query;
    const points = await ledger.getUsage(deps.db, principal.accountId, { from: new Date(q.from), to: new Date(q.to), interval: q.interval });
    const own = (await ledger.getBalances(deps.db, principal.accountId)).walletAccountId === principal.accountId;
    return {
      data: points.map((p) => ({
        start: p.start.toISOString(),
        quota_used: p.quotaUsed,
        provision_used: Number(p.provisionUsedMinor),
        quota_remaining: own ? p.quotaRemaining : null,
        provision_remaining: own ? Number(p.provisionRemainingMinor) : null,
      })),
      currency: deps.currency,
    };
  });

  app.post('/v1/admin/accounts/:id/top-up', {
    config: { auth: { scope: 'operator' } },
    schema: {
      tags: ['admin'],
      summary: 'Add bought credit (provision) to a top-level account',
      description: 'Send an Idempotency-Key header to retry safely: the same key credits once and answers the same; with another top-up it answers 422.',
      params: IdParams,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
      body: Type.Object({ amount: Type.Integer({ minimum: 1, maximum: 1_000_000_000_000, description: 'Minor units of `currency`' }), note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ transaction_id: Type.String(), amount: Type.Integer(), currency: Currency }), ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const key = request.headers['idempotency-key'];
    const { transactionId, replayed } = await ledger.topUp(deps.db, {
      walletAccountId: request.params.id,
      amountMinor: BigInt(request.body.amount),
      note: request.body.note ?? null,
      createdBy: principal.userId ?? principal.apiKeyId,
      ...(typeof key === 'string' && { idempotency: { scope: principal.accountId, key } }),
    } as ledger.TopUpInput);
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.status(201).send({ transaction_id: transactionId, amount: request.body.amount, currency: deps.currency });
  });

  app.put('/v1/admin/accounts/:id/plan', {
    config: { auth: { scope: 'operator' } },
    schema: {
      tags: ['admin'],
      summary: 'Set the SMS included each month for a top-level account (0 = none)',
      params: IdParams,
      body: Type.Object({ monthly_quota: Type.Integer({ minimum: 0, maximum: 10_000_000 }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    await ledger.setPlan(deps.db, request.params.id, { monthlyQuota: request.body.monthly_quota });
    return reply.status(204).send(null);
  });

  const AlertSchema = Type.Object({
    threshold: Nullable(Type.Integer({ description: 'Minor units of bought credit; null = no alert' })),
    below: Type.Boolean({ description: 'Whether the credit was below the threshold at the last check' }),
    last_alert_at: Nullable(Type.String({ format: 'date-time' })),
    currency: Currency,
  });
  const alertView = (a: creditAlerts.CreditAlert | null) => ({
    threshold: a ? Number(a.thresholdMinor) : null, below: a?.below ?? false, last_alert_at: a?.lastAlertAt?.toISOString() ?? null, currency: deps.currency,
  });

  app.get('/v1/credit/alert', {
    config: { auth: { scope: 'credit:read' } },
    schema: { tags: ['credit'], summary: 'The low-credit alert: below this much bought credit, one email and one credit.low event per crossing', response: { 200: AlertSchema, ...errorResponses } },
  }, async (request) => alertView(await creditAlerts.getCreditAlert(deps.db, principalOf(request).accountId)));

  app.put('/v1/credit/alert', {
    config: { auth: { scope: 'account:write' } },
    schema: {
      tags: ['credit'], summary: 'Set the low-credit threshold (null removes the alert)',
      body: Type.Object({ threshold: Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'Minor units' })) }, { additionalProperties: false }),
      response: { 200: AlertSchema, ...errorResponses },
    },
  }, async (request) => {
    const threshold = request.body.threshold === null ? null : BigInt(request.body.threshold);
    return alertView(await creditAlerts.setCreditAlert(deps.db, principalOf(request).accountId, threshold));
  });
};
