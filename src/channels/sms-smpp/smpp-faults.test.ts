import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../channel.js';
import { gsmPart, rig, sleep, waitFor, type LogEntry, type Rig } from './test-kit.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('status mapping', () => {
  it.each([
    [0x0b, 'permanent', '0x0B'],
    [0x0a, 'permanent', '0x0A'],
    [0x45, 'permanent', '0x45'],
    [0x14, 'transient', '0x14'],
    [0x08, 'transient', '0x08'],
    [0x64, 'transient', '0x64'],
  ] as const)('maps submit_sm_resp status 0x%s', async (errorStatus, kind, providerCode) => {
    const { conn } = await rig(cleanups, { faults: { errorShare: 1, errorStatus } });
    const result = await conn.submit(gsmPart());
    expect(result).toMatchObject({ kind, providerCode });
    if (kind === 'transient') expect(result).toHaveProperty('retryAfterMs');
  });
});

describe('throttling', () => {
  it('returns throttled, pauses the bind, and accepts everything when the caller retries', async () => {
    const { sim, conn } = await rig(cleanups, { faults: { throttleShare: 0.5 } }, { window: 1 });
    const results: DeliveryResult[] = [];
    for (let i = 0; i < 6; i++) {
      let result = await conn.submit(gsmPart(`m${i}`));
      while (result.kind === 'throttled') {
        results.push(result);
        result = await conn.submit(gsmPart(`m${i}`));
      }
      results.push(result);
    }
    const throttled = results.filter((r) => r.kind === 'throttled');
    expect(throttled.length).toBeGreaterThanOrEqual(3);
    for (const r of throttled) {
      expect(r).toMatchObject({ providerCode: '0x58' });
      expect(r.kind === 'throttled' && (r.retryAfterMs ?? 0) >= 100).toBe(true);
    }
    expect(results.filter((r) => r.kind === 'accepted')).toHaveLength(6);
    // The bind paused: nothing reached the centre within the least pause after a 0x58.
    const subs = sim.submits;
    for (let i = 0; i + 1 < subs.length; i++) {
      if (subs[i]?.outcome !== 'throttled') continue;
      const gap = (subs[i + 1]?.receivedAt.getTime() ?? 0) - (subs[i]?.receivedAt.getTime() ?? 0);
      expect(gap).toBeGreaterThanOrEqual(90);
    }
  });
});

describe('rate cap', () => {
  it('spaces submits by the per-bind rate', async () => {
    const { sim, conn } = await rig(cleanups, {}, { ratePerSecond: 20, window: 10 });
    const results = await Promise.all(Array.from({ length: 10 }, () => conn.submit(gsmPart())));
    expect(results.every((r) => r.kind === 'accepted')).toBe(true);
    // A burst of 2 (a tenth of a second's worth), then one every 50 ms: at least 8 × 50 ms in all.
    const first = sim.submits[0]?.receivedAt.getTime() ?? 0;
    const last = sim.submits[9]?.receivedAt.getTime() ?? 0;
    expect(last - first).toBeGreaterThanOrEqual(350);
  });
});

describe('lost responses and links', () => {
  it('gives unknown after the response timeout and recycles the bind after K timeouts', async () => {
    const { sim, conn } = await rig(cleanups, { faults: { dropResponseShare: 1 } }, {
      responseTimeoutMs: 200, recycleAfterTimeouts: 2,
    });
    expect(await conn.submit(gsmPart())).toEqual({ kind: 'unknown', providerCode: 'timeout' });
    expect(await conn.submit(gsmPart())).toEqual({ kind: 'unknown', providerCode: 'timeout' });
    await waitFor(() => sim.counters.binds >= 2 && conn.status().bindsUp === 1, 'the bind to be recycled');
    expect(conn.status().lastError).toMatch(/recycled/);
    sim.setFaults({ dropResponseShare: 0 });
    expect((await conn.submit(gsmPart())).kind).toBe('accepted');
  });

  it('resolves submits in flight as unknown on disconnect, reconnects and submits again', async () => {
    const { sim, conn } = await rig(cleanups, { faults: { responseDelayMs: 5_000 } }, { responseTimeoutMs: 30_000 });
    const inFlight = Promise.all(Array.from({ length: 4 }, () => conn.submit(gsmPart())));
    await waitFor(() => sim.submits.length === 4, 'four submits at the centre');
    sim.setFaults({ responseDelayMs: 0 });
    sim.disconnectAll();
    const results = await inFlight;
    expect(results).toEqual(Array(4).fill({ kind: 'unknown', providerCode: 'disconnected' }));
    // A submit made while the link is down waits for the reconnect.
    expect((await conn.submit(gsmPart())).kind).toBe('accepted');
    expect(sim.counters.binds).toBe(2);
  });

  it('declares the link dead when enquire_link goes unanswered, and reconnects', async () => {
    const { sim, conn } = await rig(cleanups, { faults: { ignoreEnquireLink: true } }, {
      enquireLinkIntervalMs: 100, responseTimeoutMs: 150,
    });
    await waitFor(() => (conn.status().lastError ?? '').includes('enquire_link'), 'the link declared dead');
    await waitFor(() => sim.counters.binds >= 2, 'a new bind');
    sim.setFaults({ ignoreEnquireLink: false });
    await sleep(50);
    await waitFor(() => conn.status().bindsUp === 1, 'the bind up again');
    expect((await conn.submit(gsmPart())).kind).toBe('accepted');
  });

  it('backs off for long on a refused bind and says why', async () => {
    const { sim, conn, logger } = await rig(cleanups, { password: 'secret' }, {
      password: 'wrong', bindRefusedBackoffMs: 60_000,
    });
    await waitFor(() => refusalsIn(logger).length >= 1, 'the refused bind logged');
    const [refusal] = refusalsIn(logger);
    // The next try is a timer this long away (the next test shows the timer is kept), not a fast reconnect.
    expect((refusal!.obj as { retryInMs: number }).retryInMs).toBeGreaterThanOrEqual(60_000);
    expect(refusalsIn(logger)).toHaveLength(1);
    expect(sim.counters.binds).toBe(0);
    expect(conn.status()).toMatchObject({ bindsUp: 0, bindsWanted: 1 });
    expect(conn.status().lastError).toMatch(/0x0E/);
  });

  it('retries a refused bind after the configured backoff, not before', async () => {
    const { conn, logger } = await rig(cleanups, { password: 'secret' }, {
      password: 'wrong', bindRefusedBackoffMs: 300, reconnectBackoffMaxMs: 300,
    });
    await waitFor(() => refusalsIn(logger).length >= 3, 'three refused binds');
    const refusals = refusalsIn(logger).slice(0, 3);
    expect(refusals.every((e) => /bind refused/.test(e.msg ?? ''))).toBe(true);
    for (const [i, e] of refusals.entries()) {
      const retryInMs = (e.obj as { retryInMs: number }).retryInMs;
      expect(retryInMs).toBeGreaterThanOrEqual(300);
      // A slow machine only widens the gap; a retry before the backoff narrows it. (2 ms: timers round.)
      if (i > 0) expect(e.at - refusals[i - 1]!.at).toBeGreaterThanOrEqual((refusals[i - 1]!.obj as { retryInMs: number }).retryInMs - 2);
    }
    expect(conn.status().lastError).toMatch(/bind refused: 0x0E/);
  });
});

function refusalsIn(logger: Rig['logger']): LogEntry[] {
  return logger.entries.filter((e) => e.level === 'error' && /bind refused/.test(e.msg ?? ''));
}
