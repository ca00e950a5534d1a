import { readFileSync } from 'node:fs';
import { Type, type TObject, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FormatRegistry } from '@sinclair/typebox';

// A code Intl can format is one ISO 4217 still lists (EUR, USD, GBP, JPY…).
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
if (!FormatRegistry.Has('iso4217')) FormatRegistry.Set('iso4217', (value) => CURRENCIES.has(value));

/**
 * Settings are read once at start from the environment and an optional JSON
 * file (`HERALD_CONFIG_FILE`, same keys; the environment wins). Each part of
 * Herald owns a fragment keyed by variable name; `main.ts` joins them. Every
 * setting has a default that works on one machine, and a bad or unknown
 * `HERALD_*` value stops the process with a message naming it.
 */
export const PlatformConfigSchema = Type.Object({
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL server to use; unset = embedded server under HERALD_DATA_DIR' }),
  ),
  HERALD_DATA_DIR: Type.String({ default: './data', minLength: 1, description: 'Where the embedded PostgreSQL keeps its files' }),
  HERALD_HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'HTTP listen address' }),
  HERALD_PORT: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, description: 'HTTP listen port' }),
  HERALD_PUBLIC_URL: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s]+$', description: 'How users reach Herald, for links in emails (default http://HOST:PORT)' }),
  ),
  HERALD_TRUST_PROXY: Type.Boolean({ default: false, description: 'Take the client address from X-Forwarded-For' }),
  HERALD_LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'Log level' },
  ),
  HERALD_BODY_LIMIT: Type.Integer({ default: 1_048_576, minimum: 1024, description: 'Largest accepted request body in bytes' }),
  HERALD_DB_POOL_SIZE: Type.Integer({ default: 10, minimum: 1, maximum: 500, description: 'Database connections per process' }),
  HERALD_DB_CONNECT_TIMEOUT_MS: Type.Integer({ default: 2_000, minimum: 100, maximum: 600_000, description: 'Longest wait for a new database connection' }),
  HERALD_DB_STATEMENT_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 0, maximum: 86_400_000, description: 'Longest a database statement may run (0 = no bound); migrations are not bounded' }),
  HERALD_SECRET_KEY: Type.Optional(Type.String({
    minLength: 32,
    description: 'Key that encrypts webhook secrets at rest; unset = one made once in HERALD_DATA_DIR/secret.key (set it when several hosts share the database)',
  })),
  HERALD_CURRENCY: Type.String({
    default: 'EUR', format: 'iso4217',
    description: 'The one currency of every price, cost and balance (ISO 4217, e.g. EUR, USD, GBP); amounts are kept in its minor units, so do not change it once credit has been sold',
  }),
  HERALD_SESSION_HOURS: Type.Integer({ default: 336, minimum: 1, description: 'How long a web session lasts without use' }),
});
export type PlatformConfig = Static<typeof PlatformConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Joins config fragments into one schema. */
export function joinConfig<T extends TObject[]>(...fragments: [...T]) {
  return Type.Composite(fragments, { additionalProperties: false });
}

type Source = Record<string, string | undefined>;

function readFile(path: string): Source {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`HERALD_CONFIG_FILE: cannot read ${path} as JSON (${(error as Error).message})`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([`HERALD_CONFIG_FILE: ${path} must hold one JSON object`]);
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null ? undefined : String(v)]));
}

/** Reads and validates `schema` from `env` (and the file it names). */
export function loadConfig<S extends TObject>(schema: S, env: Source = process.env): Static<S> {
  const file = env.HERALD_CONFIG_FILE ? readFile(env.HERALD_CONFIG_FILE) : {};
  const known = new Set(Object.keys(schema.properties));
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...file, ...env })) {
    if (value === undefined || value === '') continue;
    if (known.has(key)) input[key] = value;
    else if (key.startsWith('HERALD_') && key !== 'HERALD_CONFIG_FILE') problems.push(`${key}: unknown setting`);
  }
  const converted = Value.Convert(schema, Value.Default(schema, { ...input })) as Record<string, unknown>;
  for (const error of Value.Errors(schema, converted)) {
    const key = error.path.replace(/^\//, '') || '(root)';
    const description = (schema.properties[key] as { description?: string } | undefined)?.description;
    problems.push(`${key}: ${error.message} (got ${JSON.stringify(input[key])})${description ? ` — ${description}` : ''}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return converted as Static<S>;
}

/** The URL people use to reach this Herald, without a trailing slash. */
export function publicUrl(config: PlatformConfig): string {
  const host = config.HERALD_HOST === '0.0.0.0' || config.HERALD_HOST === '::' ? '127.0.0.1' : config.HERALD_HOST;
  return (config.HERALD_PUBLIC_URL ?? `http://${host}:${config.HERALD_PORT}`).replace(/\/+$/, '');
}
