import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics, Gauge, Histogram } from 'prom-client';
import * as routing from '../modules/routing/index.js';
import { bounded, type Executor } from '../platform/db/index.js';
import { sendError } from './errors.js';

/**
 * Whether an Authorization header carries `Bearer <token>`, in time that does
 * not depend on where they differ: both sides are hashed to the same length first.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
}

// A scrape must not hang on a hung database; the figures are left out instead.
const SCRAPE_DB_TIMEOUT_MS = 3_000;

/** Prometheus metrics of this process; other parts register theirs on `registry`. */
export function registerMetrics(app: FastifyInstance, registry: Registry, token: string | undefined, db: Executor): void {
  collectDefaultMetrics({ register: registry, prefix: 'herald_' });
  const duration = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  registerSmsGauges(registry, db, app);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { config: { auth: { public: true } }, schema: { hide: true } }, async (request, reply) => {
    if (token && !bearerMatches(request.headers.authorization, token)) {
      return sendError(request, reply, 401, 'unauthenticated', 'Send Authorization: Bearer with the token set in HERALD_METRICS_TOKEN');
    }
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

/**
 * Per SMS connector, from the workers' reports and the parts queue: read at
 * scrape time, so any process (an API-only one too) can answer.
 */
function registerSmsGauges(registry: Registry, db: Executor, app: FastifyInstance): void {
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['connector'] as const, registers: [registry], collect: () => once() });
  const bindsUp = gauge('herald_sms_connector_binds_up', 'Binds (SMPP connections) up, summed over the workers running the connector');
  const bindsWanted = gauge('herald_sms_connector_binds_wanted', 'Binds the workers running the connector keep open');
  const inFlight = gauge('herald_sms_connector_in_flight', 'Submits sent and not answered yet');
  const depth = gauge('herald_sms_queue_due_parts', 'Parts due for sending, by the connector routed first (connector="" when no route matches)');
  const oldest = gauge('herald_sms_queue_oldest_due_age_seconds', 'How long the oldest due part has waited, by connector');
  // One read per scrape, shared by the five gauges.
  const collect = async (): Promise<void> => {
    for (const g of [bindsUp, bindsWanted, inFlight, depth, oldest]) g.reset();
    try {
      const [health, queue] = await bounded(Promise.all([routing.readConnectorHealth(db), routing.readSmsQueue(db)]), SCRAPE_DB_TIMEOUT_MS);
      for (const c of health) {
        bindsUp.set({ connector: c.id }, c.binds_up);
        bindsWanted.set({ connector: c.id }, c.binds_wanted);
        inFlight.set({ connector: c.id }, c.in_flight);
        depth.set({ connector: c.id }, 0);
        oldest.set({ connector: c.id }, 0);
      }
      for (const q of queue) {
        depth.set({ connector: q.connector_id ?? '' }, q.due_parts);
        oldest.set({ connector: q.connector_id ?? '' }, q.oldest_due_seconds);
      }
    } catch (error) {
      app.log.warn({ err: error }, 'metrics: could not read SMS connector figures');
    }
  };
  let pending: Promise<void> | null = null;
  function once(): Promise<void> {
    return (pending ??= collect().finally(() => setImmediate(() => (pending = null))));
  }
}
