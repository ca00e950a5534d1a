import { describe, expect, it } from 'vitest';
import { parseSmscSimulatorArgs } from './cli.js';
import { mergeFaults, DEFAULT_FAULTS, ShareGate } from './faults.js';
import { formatReceiptId, parseMessageId, receiptSample, receiptText } from './receipt.js';
import { startSmscSimulator } from './simulator.js';
import { SmscTestClient, until } from './smsc-test-client.js';
import { decodeText, encodeText } from './text-codec.js';
import { FramingError, parseUdh, PduFramer } from './wire.js';

function pdu(commandId: number, sequence: number, body: number[] = []): Buffer {
  const frame = Buffer.alloc(16 + body.length);
  frame.writeUInt32BE(frame.length, 0);
  frame.writeUInt32BE(commandId, 4);
  frame.writeUInt32BE(sequence, 12);
  Buffer.from(body).copy(frame, 16);
  return frame;
}

describe('PduFramer', () => {
  it('cuts frames split across chunks and several in one chunk', () => {
    const framer = new PduFramer();
    const a = pdu(0x15, 1);
    const b = pdu(0x15, 2, [1, 2, 3]);
    const stream = Buffer.concat([a, b, a]);
    framer.push(stream.subarray(0, 10));
    expect(framer.next()).toBeNull();
    framer.push(stream.subarray(10, 40));
    expect(framer.next()?.equals(a)).toBe(true);
    expect(framer.next()?.equals(b)).toBe(true);
    expect(framer.next()).toBeNull();
    framer.push(stream.subarray(40));
    expect(framer.next()?.equals(a)).toBe(true);
  });

  it('refuses impossible lengths', () => {
    for (const length of [5, 15, 100_000]) {
      const framer = new PduFramer();
      const head = Buffer.alloc(4);
      head.writeUInt32BE(length);
      framer.push(head);
      expect(() => framer.next()).toThrow(FramingError);
    }
  });
});

describe('parseUdh', () => {
  it('reads 8-bit and 16-bit concatenation references', () => {
    expect(parseUdh(Buffer.from([5, 0x00, 0x03, 0x2a, 3, 2, 0x41]))?.concat).toEqual({ reference: 0x2a, referenceBits: 8, total: 3, sequence: 2 });
    const udh = parseUdh(Buffer.from([6, 0x08, 0x04, 0x12, 0x34, 2, 1, 0x41]));
    expect(udh?.concat).toEqual({ reference: 0x1234, referenceBits: 16, total: 2, sequence: 1 });
    expect(udh?.raw).toHaveLength(7);
  });

  it('returns null for a header longer than the message', () => {
    expect(parseUdh(Buffer.from([9, 0x00, 0x03, 1]))).toBeNull();
    expect(parseUdh(Buffer.from([3, 0x00, 0x03, 1]))).toBeNull();
  });
});

describe('ShareGate', () => {
  it('fires on every 1/share-th event', () => {
    const gate = new ShareGate();
    const hits = Array.from({ length: 30 }, (_, i) => (gate.hit(0.1) ? i + 1 : 0)).filter(Boolean);
    expect(hits).toEqual([10, 20, 30]);
    expect(Array.from({ length: 4 }, () => gate.hit(0))).toEqual([false, false, false, false]);
  });

  it('is validated through mergeFaults', () => {
    expect(() => mergeFaults(DEFAULT_FAULTS, { errorShare: -0.1 })).toThrow(RangeError);
    expect(() => mergeFaults(DEFAULT_FAULTS, { disconnectAfterSubmits: 0 })).toThrow(RangeError);
    expect(mergeFaults(DEFAULT_FAULTS, { throttleShare: 0.5 }).throttleShare).toBe(0.5);
  });
});

describe('receipts', () => {
  it('writes ids in every representation', () => {
    expect(formatReceiptId(0x1234abcd, 'hex', 'same')).toBe('1234ABCD');
    expect(formatReceiptId(0x1234abcd, 'hex', 'decimal')).toBe('305441741');
    expect(formatReceiptId(305441741, 'decimal', 'hex')).toBe('1234ABCD');
    expect(formatReceiptId(0x1234abcd, 'hex', 'padded')).toBe('000000001234ABCD');
    expect(parseMessageId('1234abcd', 'hex')).toBe(0x1234abcd);
    expect(parseMessageId('12x', 'decimal')).toBeNull();
  });

  it('builds the standard text with UTC dates', () => {
    const text = receiptText({
      id: '42', stat: 'REJECTD', submitDate: new Date(Date.UTC(2024, 0, 2, 3, 4)), doneDate: new Date(Date.UTC(2024, 11, 31, 23, 59)), sample: 'hi',
    });
    expect(text).toBe('id:42 sub:001 dlvrd:000 submit date:2401020304 done date:2412312359 stat:REJECTD err:001 text:hi');
  });

  it('keeps only characters that read the same in ASCII and GSM in the sample', () => {
    expect(receiptSample('Café_{ok} and a long tail')).toBe('Caf???ok? and a long');
  });
});

describe('text codec', () => {
  it('decodes GSM 7-bit with escapes, Latin-1 and UCS-2', () => {
    expect(decodeText(Buffer.from([0x00, 0x1b, 0x65, 0x41]), 0)).toBe('@€A');
    expect(decodeText(Buffer.from('é', 'latin1'), 3)).toBe('é');
    expect(decodeText(Buffer.from([0xd8, 0x3d, 0xde, 0x00]), 8)).toBe('😀');
    expect(decodeText(Buffer.from([1, 2]), 4)).toBe('');
  });

  it('encodes GSM when it can, UCS-2 otherwise', () => {
    expect(encodeText('€1')).toEqual({ bytes: Buffer.from([0x1b, 0x65, 0x31]), dataCoding: 0 });
    expect(encodeText('ok 😀').dataCoding).toBe(8);
  });
});

describe('cli arguments', () => {
  it('defaults to port 2775', () => {
    expect(parseSmscSimulatorArgs([])).toEqual({ port: 2775 });
    expect(parseSmscSimulatorArgs(['--receipt-delay-ms=0', '--host', '0.0.0.0'])).toEqual({ port: 2775, receiptDelayMs: 0, host: '0.0.0.0' });
  });
});

describe('close', () => {
  it('leaves no server, socket or timer behind', async () => {
    // Track the timers created by the simulator's own files while it runs.
    const real = { setTimeout, clearTimeout, setInterval, clearInterval };
    const live = new Set<NodeJS.Timeout>();
    const ours = (): boolean => /simulators\/smsc\/(?!smsc-test-client)[\w-]+\.ts/.test(new Error().stack ?? '');
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      const timer: NodeJS.Timeout = real.setTimeout(() => {
        live.delete(timer);
        fn();
      }, ms);
      if (ours()) live.add(timer);
      return timer;
    }) as typeof setTimeout;
    globalThis.setInterval = ((fn: () => void, ms?: number) => {
      const timer = real.setInterval(fn, ms);
      if (ours()) live.add(timer);
      return timer;
    }) as typeof setInterval;
    globalThis.clearTimeout = ((timer: NodeJS.Timeout) => {
      live.delete(timer);
      real.clearTimeout(timer);
    }) as typeof clearTimeout;
    globalThis.clearInterval = ((timer: NodeJS.Timeout) => {
      live.delete(timer);
      real.clearInterval(timer);
    }) as typeof clearInterval;
    try {
      const sim = await startSmscSimulator({ receiptDelayMs: 60_000 });
      const c = await SmscTestClient.connect(sim.port);
      await c.bind();
      await c.submit(); // its receipt is due in a minute
      sim.setFaults({ responseDelayMs: 60_000 });
      void c.request('submit_sm', { destination_addr: '1', short_message: Buffer.from('x') }, 5000);
      await until(() => live.size >= 3, 'the receipt, the delayed answer and the sweeper scheduled');
      await sim.close();
      await c.closed;
      expect(live.size).toBe(0);
      // libuv closes handles on a later turn of the loop: wait for that (a leak never gets there), then say what is left.
      const open = (): string[] => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap');
      await until(() => open().length === 0, 'server and sockets closed', 5_000).catch(() => undefined);
      const resources = process.getActiveResourcesInfo();
      expect(resources).not.toContain('TCPServerWrap');
      expect(resources).not.toContain('TCPSocketWrap');
    } finally {
      Object.assign(globalThis, real);
    }
  });
});

describe('start', () => {
  it('rejects when the port is taken, leaving nothing running', async () => {
    const first = await startSmscSimulator();
    try {
      await expect(startSmscSimulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
