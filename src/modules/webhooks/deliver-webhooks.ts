import type { Executor } from '../../platform/db/index.js';
import { postJson, type OutboundPolicy, type OutboundResult, type Resolver } from '../../platform/outbound-http.js';
import { endDelivery, leaseDueDeliveries, recordAttempt, type AttemptRecord, type LeasedDelivery } from './deliveries.repository.js';
import { ensureAccountSecrets, failPendingDeliveries, lockEndpointState, setEndpointHealth } from './endpoints.repository.js';
import { DISABLE_AFTER_MS, nextAttemptAt } from './schedule.js';
import { firstSecrets, liveSecrets } from './secrets.js';
import { signWebhook } from './sign-webhook.js';

export interface DeliverOptions {
  /** Hosts the administrator allows despite the SSRF guard. */
  policy?: OutboundPolicy | undefined;
  /** The clock every time of the schedule is read from; tests move it on instead of waiting. */
  now?: () => Date;
  limit?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  resolve?: Resolver | undefined;
  timeoutMs?: number;
}

// Longer than a round can take with the defaults (two waves of 10 s timeouts),
// so a lease never runs out under a live worker.
const LEASE_SECONDS = 60;

/**
 * One round of the `webhooks.deliver` loop: leases due deliveries, POSTs
 * each, logs the attempt and schedules the next. Returns how many were
 * leased, so the loop knows whether to sleep.
 */
export async function deliverDueWebhooks(db: Executor, options: DeliverOptions = {}): Promise<number> {
  const now = options.now ?? (() => new Date());
  const leased = await leaseDueDeliveries(db, now(), options.limit ?? 20, LEASE_SECONDS);
  const queue = [...leased];
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    for (let d = queue.shift(); d; d = queue.shift()) {
      // One delivery's trouble (the database, mostly) must not leave the
      // others unattempted; its lease runs out and it comes due again.
      await deliverOne(db, d, now, options).catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 10, queue.length) }, worker));
  if (errors.length > 0) throw errors[0];
  return leased.length;
}

async function secretsOf(db: Executor, d: LeasedDelivery, at: Date): Promise<string[]> {
  if (d.endpoint_id !== null) return liveSecrets(d.endpoint_secrets ?? [], at);
  return liveSecrets(d.account_secrets ?? (await ensureAccountSecrets(db, d.account_id, firstSecrets(at))), at);
}

async function deliverOne(db: Executor, d: LeasedDelivery, now: () => Date, options: DeliverOptions): Promise<void> {
  const startedAt = now();
  if (d.endpoint_id !== null && d.endpoint_enabled !== true) {
    await endDelivery(db, d.id, 'endpoint disabled', startedAt);
    return;
  }
  // Every attempt and every receiver of an event carry the event's id, so a
  // receiver dedupes on webhook-id; the timestamp is the attempt's own.
  const body = JSON.stringify(d.payload);
  const headers = signWebhook(await secretsOf(db, d, startedAt), d.event_id, startedAt, body);
  const result = await postJson(d.url, body, {
    headers, policy: options.policy, ...(options.resolve && { resolve: options.resolve }), ...(options.timeoutMs && { timeoutMs: options.timeoutMs }),
  });
  const endedAt = now();
  const attempt = (outcome: AttemptRecord['outcome']): AttemptRecord => ({
    deliveryId: d.id, attemptedAt: startedAt, statusCode: result.status, latencyMs: result.latencyMs, responseStart: result.responseStart, error: result.error, outcome,
  });
  const gone = result.status === 410;
  const next = result.ok || gone ? null : nextAttemptAt(d.attempts + 1, endedAt);
  const outcome: AttemptRecord['outcome'] = result.ok ? { status: 'succeeded', at: endedAt } : next ? { status: 'pending', nextAttemptAt: next } : { status: 'failed', at: endedAt };
  if (d.endpoint_id === null) {
    await recordAttempt(db, attempt(outcome));
    return;
  }
  const endpointId = d.endpoint_id;
  await db.transaction().execute(async (tx) => {
    // Locked before the delivery rows, as a disable locks them, so the two never deadlock.
    const state = await lockEndpointState(tx, endpointId);
    if (!state) return;
    // Disabled while this attempt was under way: its pending deliveries were failed, this one too.
    const stopped = !state.enabled && outcome.status === 'pending';
    await recordAttempt(tx, attempt(stopped ? { status: 'failed', at: endedAt } : outcome));
    if (!state.enabled) return;
    const reason = health(result, state.failing_since, startedAt);
    if (reason === undefined) return;
    await setEndpointHealth(tx, endpointId, { failingSince: result.ok ? null : (state.failing_since ?? startedAt), disabledReason: reason, at: endedAt });
    if (reason !== null) await failPendingDeliveries(tx, endpointId, `endpoint disabled: ${reason}`, endedAt);
  });
}

/**
 * Why an attempt disables its endpoint (a reason), or that only its failing
 * streak changes (null), or nothing at all (undefined).
 */
function health(result: OutboundResult, failingSince: Date | null, at: Date): string | null | undefined {
  if (result.ok) return failingSince === null ? undefined : null;
  if (result.status === 410) return 'the endpoint answered 410 Gone';
  if (failingSince !== null && at.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS) return 'every delivery failed for 5 days';
  return failingSince === null ? null : undefined;
}
