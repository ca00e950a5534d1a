import { Ajv } from 'ajv';
import { findSmsProvider } from '../../channels/registry.js';
import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { deleteConnector, ensureRoute, replaceRoutes, selectConnectors, selectRoutes, upsertConnector, type ConnectorRow, type RouteRow } from './routing.repository.js';

const ajv = new Ajv({ allErrors: false, useDefaults: false, strict: false });

export interface ConnectorInput {
  id: string;
  provider: string;
  config: Record<string, unknown>;
  enabled?: boolean;
}

/** Creates or replaces a connector, its settings checked against its provider's schema. */
export async function saveConnector(db: Executor, input: ConnectorInput): Promise<ConnectorRow> {
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(input.id)) throw invalid('id', 'Use 1-40 lower-case letters, digits, - and _');
  const provider = findSmsProvider(input.provider);
  if (!provider) throw invalid('provider', `Unknown provider "${input.provider}"`);
  const validate = ajv.compile(provider.configSchema);
  if (!validate(input.config)) {
    const e = validate.errors?.[0];
    const key = e?.instancePath.replace(/^\//, '').replace(/\//g, '.') || String((e?.params as { missingProperty?: string; additionalProperty?: string })?.missingProperty ?? (e?.params as { additionalProperty?: string })?.additionalProperty ?? '');
    throw invalid(`config${key ? `.${key}` : ''}`, `${e?.message ?? 'is not valid'}`);
  }
  return upsertConnector(db, { id: input.id, provider: input.provider, config: input.config, enabled: input.enabled ?? true });
}

export const listConnectors = selectConnectors;

export async function removeConnector(db: Executor, id: string): Promise<void> {
  if (!(await deleteConnector(db, id))) throw notFound('Connector');
}

export const listRoutes = selectRoutes;

/** Replaces the routing table in one go, so it is never seen half-written. */
export async function setRoutes(db: Executor, routes: RouteRow[]): Promise<void> {
  const known = new Set((await selectConnectors(db)).map((c) => c.id));
  for (const [i, r] of routes.entries()) {
    if (!/^\+[0-9]{0,15}$/.test(r.prefix)) throw invalid(`routes[${i}].prefix`, 'A prefix is + and digits, e.g. +32 (+ alone matches every number)');
    if (!known.has(r.connector_id)) throw invalid(`routes[${i}].connector_id`, `Unknown connector "${r.connector_id}"`);
  }
  const keys = new Set(routes.map((r) => `${r.prefix} ${r.connector_id}`));
  if (keys.size !== routes.length) throw new AppError('invalid_request', 'A connector appears twice for one prefix', { field: 'routes' });
  await db.transaction().execute((tx) => replaceRoutes(tx, routes));
}

/** The connector set up from configuration (HERALD_SMPP_URL or the simulator), routed for every number. */
export async function ensureDefaultConnector(db: Executor, input: ConnectorInput): Promise<void> {
  await saveConnector(db, input);
  await ensureRoute(db, { prefix: '+', connector_id: input.id, priority: 0 });
}

/**
 * Connectors for a destination, best first: the longest matching prefix wins,
 * then priority; the rest follow as failover.
 */
export function routeFor(routes: readonly RouteRow[], destination: string): string[] {
  return routes
    .filter((r) => destination.startsWith(r.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length || b.priority - a.priority)
    .map((r) => r.connector_id)
    .filter((id, i, all) => all.indexOf(id) === i);
}
