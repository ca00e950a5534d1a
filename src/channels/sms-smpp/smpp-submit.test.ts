import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryResult, Receipt } from '../channel.js';
import { gsmPart, rig, waitFor } from './test-kit.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function collectReceipts(conn: { onReceipt(h: (r: Receipt) => Promise<void>): void }): Receipt[] {
  const receipts: Receipt[] = [];
  conn.onReceipt(async (r) => {
    receipts.push(r);
  });
  return receipts;
}

function accepted(result: DeliveryResult): string {
  if (result.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(result)}`);
  return result.providerMessageId;
}

describe('submit and receipts', () => {
  // 0x46965080…84 have no letter a-f: the ids an 'auto' reading could take for decimal.
  it.each([
    ['same', undefined], ['hex', undefined], ['decimal', undefined], ['padded', undefined],
    ['same', 0x46965080], ['decimal', 0x46965080], ['padded', 0x46965080],
  ] as const)(
    'binds, submits, and matches the receipt id (receiptIdFormat %s, first id %s)',
    async (receiptIdFormat, firstMessageId) => {
      const { sim, conn } = await rig(cleanups, { faults: { receiptIdFormat }, ...(firstMessageId ? { firstMessageId } : {}) });
      const receipts = collectReceipts(conn);
      expect(conn.status()).toMatchObject({ bindsUp: 1, bindsWanted: 1, inFlight: 0, lastError: null });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(accepted(await conn.submit(gsmPart(`Hello ${i}`))));
      await waitFor(() => receipts.length === 5, 'five receipts');
      expect(receipts.map((r) => r.providerMessageId).sort()).toEqual([...ids].sort());
      for (const r of receipts) {
        expect(r).toMatchObject({ connectorId: 'conn_test', status: 'delivered', errorCode: '000' });
        expect(r.doneAt).toBeInstanceOf(Date);
        expect(r.raw).toMatch(/stat:DELIVRD/);
      }
      // Canonical under 'auto': the submit_sm_resp id, lower case, leading zeros stripped.
      expect(ids).toEqual(sim.submits.map((m) => m.messageId?.toLowerCase().replace(/^0+/, '')));
    },
  );

  it('sends the bytes it was given with explicit data_coding and esm_class', async () => {
    const { sim, conn } = await rig(cleanups);
    collectReceipts(conn);
    const ucs2 = Buffer.from('Привет', 'utf16le').swap16();
    const udh = Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01]);
    accepted(await conn.submit(gsmPart('', { payload: Buffer.from([0x00, 0x1b, 0x65, 0x41]) })));
    accepted(await conn.submit(gsmPart('', { dataCoding: 0x08, udh, payload: ucs2, requestReceipt: false })));
    const [gsm, multi] = sim.submits;
    expect(gsm).toMatchObject({ dataCoding: 0x00, esmClass: 0x00, registeredDelivery: 1, text: '@€A' });
    expect(gsm?.shortMessage).toEqual(Buffer.from([0x00, 0x1b, 0x65, 0x41]));
    expect(gsm).toMatchObject({ destination: '447911123456', destinationTon: 1, destinationNpi: 1, source: 'Herald', sourceTon: 5 });
    expect(multi).toMatchObject({ dataCoding: 0x08, esmClass: 0x40, registeredDelivery: 0, text: 'Привет' });
    expect(multi?.udh?.concat).toEqual({ reference: 0x2a, referenceBits: 8, total: 2, sequence: 1 });
  });

  it('passes on a receipt that arrives before the submit_sm_resp', async () => {
    const { conn } = await rig(cleanups, { faults: { receiptBeforeResponse: true } });
    const receipts = collectReceipts(conn);
    const id = accepted(await conn.submit(gsmPart()));
    await waitFor(() => receipts.length === 1, 'the receipt');
    expect(receipts[0]).toMatchObject({ providerMessageId: id, status: 'delivered' });
  });

  it('passes on duplicate receipts, both of them', async () => {
    const { conn } = await rig(cleanups, { faults: { duplicateReceipts: true, receiptStat: 'UNDELIV' } });
    const receipts = collectReceipts(conn);
    const id = accepted(await conn.submit(gsmPart()));
    await waitFor(() => receipts.length === 2, 'two receipts');
    expect(receipts.map((r) => [r.providerMessageId, r.status, r.errorCode])).toEqual([
      [id, 'undelivered', '001'],
      [id, 'undelivered', '001'],
    ]);
  });

  it('answers 0x64 when the handler rejects, so the centre sends the receipt again', async () => {
    const { sim, conn } = await rig(cleanups);
    const seen: Receipt[] = [];
    conn.onReceipt(async (r) => {
      seen.push(r);
      if (seen.length === 1) throw new Error('database down');
    });
    const id = accepted(await conn.submit(gsmPart()));
    await waitFor(() => seen.length === 2, 'the receipt sent again');
    expect(seen.map((r) => r.providerMessageId)).toEqual([id, id]);
    // The centre sends a copy again only after an error answer: both answered, one refused, means no third copy.
    await waitFor(() => sim.counters.deliveriesAnswered === 2, 'both copies answered');
    expect(sim.counters).toMatchObject({ receiptsSent: 2, deliveriesRefused: 1, deliveriesResent: 1 });
  });

  it('answers 0x64 to a deliver_sm when no handler is registered', async () => {
    const { sim } = await rig(cleanups);
    expect(await sim.sendReceipt({ messageId: '1A2B3C4D', stat: 'DELIVRD', from: '+447911123456', to: 'Herald' })).toBe(0x64);
  });
});

describe('window and spreading', () => {
  it('never has more than `window` submits outstanding on a bind', async () => {
    const { sim, conn } = await rig(cleanups, { faults: { responseDelayMs: 100 } }, { window: 3 });
    let resolved = 0;
    let worst = 0;
    const sampler = setInterval(() => {
      worst = Math.max(worst, conn.status().inFlight, sim.submits.length - resolved);
    }, 5);
    cleanups.push(async () => clearInterval(sampler));
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => conn.submit(gsmPart(`n${i}`)).then((r) => {
        resolved += 1;
        return r;
      })),
    );
    clearInterval(sampler);
    expect(results.every((r) => r.kind === 'accepted')).toBe(true);
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('spreads submits over two binds', async () => {
    const { sim, conn } = await rig(cleanups, { faults: { responseDelayMs: 30 } }, { binds: 2, window: 2 });
    expect(conn.status()).toMatchObject({ bindsUp: 2, bindsWanted: 2 });
    expect(sim.sessions).toBe(2);
    const results = await Promise.all(Array.from({ length: 12 }, () => conn.submit(gsmPart())));
    expect(results.every((r) => r.kind === 'accepted')).toBe(true);
    const perSession = new Map<number, number>();
    for (const s of sim.submits) perSession.set(s.sessionId, (perSession.get(s.sessionId) ?? 0) + 1);
    expect(perSession.size).toBe(2);
    for (const count of perSession.values()) expect(count).toBeGreaterThanOrEqual(3);
  });
});

describe('stop', () => {
  it('waits for submits in flight, unbinds, and leaves no session open', async () => {
    const { sim, conn } = await rig(cleanups, { faults: { responseDelayMs: 150 } }, { binds: 2 });
    const pending = Promise.all([conn.submit(gsmPart()), conn.submit(gsmPart())]);
    await waitFor(() => sim.submits.length === 2, 'both submits at the centre');
    await conn.stop();
    expect((await pending).map((r) => r.kind)).toEqual(['accepted', 'accepted']);
    await waitFor(() => sim.sessions === 0, 'the centre to see no session');
    expect(conn.status()).toMatchObject({ bindsUp: 0, inFlight: 0 });
    expect(await conn.submit(gsmPart())).toMatchObject({ kind: 'transient', providerCode: 'stopped' });
  });

  it('leaves no timer or socket behind', async () => {
    const count = (): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
      return counts;
    };
    const before = count();
    const local: (() => Promise<void>)[] = [];
    const { sim, conn } = await rig(local, { faults: { responseDelayMs: 20 } }, { binds: 3, enquireLinkIntervalMs: 100 });
    const receipts = collectReceipts(conn);
    await Promise.all(Array.from({ length: 10 }, () => conn.submit(gsmPart())));
    await waitFor(() => receipts.length === 10 && sim.counters.deliveriesAnswered === 10, 'every receipt in and answered');
    for (const cleanup of local.reverse()) await cleanup();
    expect(sim.sessions).toBe(0);
    // libuv closes handles on a later turn of the loop: wait for that, a leak never gets there.
    const kinds = ['Timeout', 'TCPSocketWrap', 'TCPServerWrap', 'TCPWRAP'];
    const released = () => kinds.every((kind) => (count()[kind] ?? 0) <= (before[kind] ?? 0));
    await waitFor(released, 'every timer and socket released', 5_000).catch(() => undefined);
    const after = count();
    for (const kind of kinds) expect(after[kind] ?? 0).toBeLessThanOrEqual(before[kind] ?? 0);
  });
});
