import { invalid } from '../../platform/errors.js';
import type { MessageIdFormat } from './ids.js';

/** Settings of one SMPP connector (an account at an SMS centre). */
export interface SmppConfig {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** bind_transceiver system_type; most centres want ''. */
  systemType?: string;
  /** Connections (binds) kept open; submits go to the least busy one. 1..16, default 1. */
  binds?: number;
  /** Outstanding submit_sm per bind; callers beyond it wait. 1..1000, default 10. */
  window?: number;
  /** Submits per second per bind; 0 = no cap. Default 100. */
  ratePerSecond?: number;
  /** Wait for any response (bind, submit, enquire_link). Default 10,000. */
  responseTimeoutMs?: number;
  /** Default 30,000. */
  enquireLinkIntervalMs?: number;
  /**
   * Reconnect delay bounds (exponential with jitter). Default 500 / 5,000: a
   * centre that comes back is bound again within seconds, however long it was away.
   */
  reconnectBackoffMinMs?: number;
  reconnectBackoffMaxMs?: number;
  /** Close and reopen a bind after this many submit timeouts in a row. Default 3. */
  recycleAfterTimeouts?: number;
  /** Least delay after the centre refused the bind (wrong password…). Default 60,000. */
  bindRefusedBackoffMs?: number;
  /** Pause of a bind after 0x58 ESME_RTHROTTLED, doubling while it repeats. Default 1,000 / 30,000. */
  throttleBackoffMinMs?: number;
  throttleBackoffMaxMs?: number;
  /** Longest a submit waits for a free bind before it is given back `transient`. Default 60,000. */
  queueTimeoutMs?: number;
  /** How long `stop()` waits for submits in flight. Default 5,000. */
  stopTimeoutMs?: number;
  /** How the centre writes message ids; see ids.ts. Default 'auto'. */
  messageIdFormat?: MessageIdFormat;
}

/** `SmppConfig` with every default filled in. */
export type ResolvedSmppConfig = Required<SmppConfig>;

const int = (minimum: number, maximum: number, def: number, description: string): object => ({
  type: 'integer', minimum, maximum, default: def, description,
});

/** JSON Schema of `SmppConfig`; it validates a connector's settings and drives its form. */
export const smppConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port', 'systemId', 'password'],
  properties: {
    host: { type: 'string', minLength: 1, description: 'SMS centre host name or address' },
    port: int(1, 65535, 2775, 'SMPP port'),
    systemId: { type: 'string', minLength: 1, maxLength: 15, description: 'system_id of the account' },
    password: { type: 'string', writeOnly: true, description: 'password of the account (SMPP 3.4 allows 8 characters)' },
    systemType: { type: 'string', maxLength: 12, default: '', description: 'system_type, usually empty' },
    binds: int(1, 16, 1, 'connections to keep open'),
    window: int(1, 1000, 10, 'outstanding submits per connection'),
    ratePerSecond: int(0, 100_000, 100, 'submits per second per connection; 0 = no cap'),
    responseTimeoutMs: int(100, 300_000, 10_000, 'wait for a response'),
    enquireLinkIntervalMs: int(100, 3_600_000, 30_000, 'link check interval'),
    reconnectBackoffMinMs: int(10, 3_600_000, 500, 'least reconnect delay'),
    reconnectBackoffMaxMs: int(10, 3_600_000, 5_000, 'greatest reconnect delay'),
    recycleAfterTimeouts: int(1, 1000, 3, 'reopen a connection after this many timeouts in a row'),
    bindRefusedBackoffMs: int(10, 86_400_000, 60_000, 'least delay after a refused bind'),
    throttleBackoffMinMs: int(10, 3_600_000, 1_000, 'pause after a throttle answer'),
    throttleBackoffMaxMs: int(10, 3_600_000, 30_000, 'longest pause after repeated throttle answers'),
    queueTimeoutMs: int(100, 3_600_000, 60_000, 'longest wait for a free connection'),
    stopTimeoutMs: int(0, 600_000, 5_000, 'wait for submits in flight when stopping'),
    messageIdFormat: {
      type: 'string', enum: ['auto', 'hex', 'decimal', 'verbatim'], default: 'auto',
      description: 'how the centre writes message ids',
    },
  },
} as const;

const DEFAULTS: Omit<ResolvedSmppConfig, 'host' | 'port' | 'systemId' | 'password'> = {
  systemType: '',
  binds: 1,
  window: 10,
  ratePerSecond: 100,
  responseTimeoutMs: 10_000,
  enquireLinkIntervalMs: 30_000,
  reconnectBackoffMinMs: 500,
  reconnectBackoffMaxMs: 5_000,
  recycleAfterTimeouts: 3,
  bindRefusedBackoffMs: 60_000,
  throttleBackoffMinMs: 1_000,
  throttleBackoffMaxMs: 30_000,
  queueTimeoutMs: 60_000,
  stopTimeoutMs: 5_000,
  messageIdFormat: 'auto',
};

/**
 * Fills in defaults and checks what the loops depend on. The core validates
 * with the schema first; this guard is for callers that did not, since a zero
 * window or backoff would hang or spin.
 */
export function resolveConfig(config: SmppConfig): ResolvedSmppConfig {
  const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  const c = { ...DEFAULTS, ...defined } as ResolvedSmppConfig;
  const props = smppConfigSchema.properties as Record<string, { minimum?: number; maximum?: number }>;
  for (const [key, value] of Object.entries(c)) {
    const range = props[key];
    if (typeof value !== 'number' || range?.minimum === undefined) continue;
    if (!Number.isInteger(value) || value < range.minimum || (range.maximum !== undefined && value > range.maximum)) {
      throw invalid(key, `${key} must be an integer within ${range.minimum}..${range.maximum}, got ${value}`);
    }
  }
  if (!c.host) throw invalid('host', 'host is required');
  if (c.reconnectBackoffMaxMs < c.reconnectBackoffMinMs) throw invalid('reconnectBackoffMaxMs', 'must be >= reconnectBackoffMinMs');
  if (c.throttleBackoffMaxMs < c.throttleBackoffMinMs) throw invalid('throttleBackoffMaxMs', 'must be >= throttleBackoffMinMs');
  return c;
}
