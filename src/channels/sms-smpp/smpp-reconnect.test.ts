import { afterEach, describe, expect, it } from 'vitest';
import { startSmscSimulator } from '../../simulators/smsc/index.js';
import { resolveConfig } from './config.js';
import { smppProvider } from './index.js';
import { backoffDelay } from './rate.js';
import { recordingLogger, waitFor } from './test-kit.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// A centre that comes back must be bound again within a few seconds, however long it was away.
const CAP_MS = 5_000;
const defaults = resolveConfig({ host: 'smsc', port: 2775, systemId: 'herald', password: 'secret' });

describe('reconnecting to an SMS centre', () => {
  it('backs off from half a second, doubling to a cap of a few seconds, with jitter', () => {
    expect(defaults.reconnectBackoffMinMs).toBe(500);
    expect(defaults.reconnectBackoffMaxMs).toBe(CAP_MS);
    const longest = Array.from({ length: 40 }, (_, attempt) => backoffDelay(attempt, defaults.reconnectBackoffMinMs, defaults.reconnectBackoffMaxMs, () => 1));
    expect(longest.slice(0, 5)).toEqual([500, 1000, 2000, 4000, 5000]);
    expect(Math.max(...longest)).toBe(CAP_MS);
    // The draw spreads binds dropped together.
    expect(backoffDelay(10, defaults.reconnectBackoffMinMs, defaults.reconnectBackoffMaxMs, () => 0)).toBe(500);
  });

  it('is bound again soon after a centre that was down for a while comes back', async () => {
    let sim = await startSmscSimulator({});
    const port = sim.port;
    cleanups.push(() => sim.close());
    const logger = recordingLogger();
    // The reconnect schedule is the default one; only the waits for answers are short.
    const conn = smppProvider.create('conn_test', { host: sim.host, port, systemId: 'herald', password: 'secret', responseTimeoutMs: 2_000 }, { logger });
    cleanups.push(() => conn.stop());
    await conn.start();
    expect(conn.status().bindsUp).toBe(1);

    await sim.close();
    const retries = () => logger.entries.flatMap((e) => ('retryInMs' in e.obj ? [(e.obj as { retryInMs: number }).retryInMs] : []));
    // Long enough down that an uncapped schedule would have grown past the cap.
    await waitFor(() => retries().length >= 6, 'six failed reconnects', 120_000);
    sim = await startSmscSimulator({ port });
    await waitFor(() => conn.status().bindsUp === 1, 'the bind up again', 60_000);
    expect(Math.max(...retries())).toBeLessThanOrEqual(CAP_MS);
  }, 180_000);
});
