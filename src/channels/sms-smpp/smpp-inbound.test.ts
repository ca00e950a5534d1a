import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundSms } from '../channel.js';
import { smppProvider } from './index.js';
import { decodePdu, encodePdu, PduFramer, type Pdu } from './pdu.js';
import { FAST, gsmPart, recordingLogger, rig, waitFor } from './test-kit.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function collectInbound(conn: { onInbound(h: (s: InboundSms) => Promise<void>): void }): InboundSms[] {
  const got: InboundSms[] = [];
  conn.onInbound(async (sms) => {
    got.push(sms);
  });
  return got;
}

describe('inbound messages', () => {
  it('decodes GSM 7-bit and UCS-2 texts and answers 0 once the handler resolved', async () => {
    const { sim, conn } = await rig(cleanups);
    const got = collectInbound(conn);
    expect(await sim.sendMo({ from: '+447911123456', to: '+447700900123', text: 'Hi @ {home} costs €5_' })).toBe(0);
    expect(await sim.sendMo({ from: '+447911123456', to: '60123', text: 'Привет 😀' })).toBe(0);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({
      connectorId: 'conn_test', from: '+447911123456', to: '+447700900123', dataCoding: 0, concat: null,
      text: 'Hi @ {home} costs €5_',
    });
    expect(got[0]?.receivedAt).toBeInstanceOf(Date);
    expect(got[1]).toMatchObject({ to: '60123', dataCoding: 8, text: 'Привет 😀' });
  });

  it('reads the concatenation header of a two-part message (8- and 16-bit references)', async () => {
    const { sim, conn } = await rig(cleanups);
    const got = collectInbound(conn);
    const gsm = (s: string): Buffer => Buffer.from(s, 'latin1');
    for (const [seq, text] of [[1, 'First half, '], [2, 'second half']] as const) {
      const udh = Buffer.from([0x05, 0x00, 0x03, 0x7f, 0x02, seq]);
      await sim.sendMo({ from: '+447911123456', to: 'Herald', shortMessage: Buffer.concat([udh, gsm(text)]), esmClass: 0x40, dataCoding: 0 });
    }
    const udh16 = Buffer.from([0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x02]);
    const ucs2 = Buffer.from('ünï', 'utf16le').swap16();
    await sim.sendMo({ from: '+447911123456', to: 'Herald', shortMessage: Buffer.concat([udh16, ucs2]), esmClass: 0x40, dataCoding: 8 });
    expect(got.map((s) => [s.concat, s.text])).toEqual([
      [{ reference: 0x7f, referenceBits: 8, total: 2, sequence: 1 }, 'First half, '],
      [{ reference: 0x7f, referenceBits: 8, total: 2, sequence: 2 }, 'second half'],
      [{ reference: 0x1234, referenceBits: 16, total: 3, sequence: 2 }, 'ünï'],
    ]);
  });

  it('reads a long text sent in message_payload', async () => {
    const { sim, conn } = await rig(cleanups);
    const got = collectInbound(conn);
    const text = 'x'.repeat(300);
    expect(await sim.sendMo({ from: '+447911123456', to: 'Herald', text })).toBe(0);
    expect(got[0]?.text).toBe(text);
  });

  it('answers 0x64 when the handler rejects, and takes the copy sent again', async () => {
    const { sim, conn } = await rig(cleanups);
    let calls = 0;
    conn.onInbound(async () => {
      calls += 1;
      if (calls === 1) throw new Error('not persisted');
    });
    expect(await sim.sendMo({ from: '+447911123456', to: 'Herald', text: 'again' })).toBe(0x64);
    await waitFor(() => calls === 2, 'the message sent again');
    expect(sim.counters.mosSent).toBe(2);
  });
});

/** A scripted SMS centre for what the simulator will not do: corrupt frames, generic_nack. */
async function fakeCentre(onSubmit: (socket: Socket, pdu: Pdu, connection: number) => void): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    const connection = connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const framer = new PduFramer();
    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk);
      for (let frame = framer.next(); frame; frame = framer.next()) {
        const pdu = decodePdu(frame);
        if (pdu.command === 'bind_transceiver') {
          socket.write(encodePdu('bind_transceiver_resp', { sequence_number: pdu.sequence, system_id: 'FAKE' }));
        } else if (pdu.command === 'submit_sm') {
          onSubmit(socket, pdu, connection);
        } else if (pdu.command === 'unbind') {
          socket.end(encodePdu('unbind_resp', { sequence_number: pdu.sequence }));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, connections: () => connections };
}

async function connectTo(port: number) {
  const conn = smppProvider.create('conn_fake', { host: '127.0.0.1', port, systemId: 'herald', password: 'secret', ...FAST }, { logger: recordingLogger() });
  cleanups.push(() => conn.stop());
  await conn.start();
  return conn;
}

describe('protocol faults', () => {
  it('closes and reconnects after a corrupt PDU', async () => {
    const centre = await fakeCentre((socket, pdu, connection) => {
      if (connection === 1) socket.write(Buffer.from([0, 0, 0, 5, 1, 2, 3, 4]));
      else socket.write(encodePdu('submit_sm_resp', { sequence_number: pdu.sequence, message_id: 'ABC' }));
    });
    const conn = await connectTo(centre.port);
    expect(await conn.submit(gsmPart())).toEqual({ kind: 'unknown', providerCode: 'disconnected' });
    expect(conn.status().lastError).toMatch(/corrupt PDU/);
    expect(await conn.submit(gsmPart())).toEqual({ kind: 'accepted', providerMessageId: 'abc' });
    expect(centre.connections()).toBe(2);
  });

  it('fails the submit a generic_nack names, and resets the session on a generic_nack with sequence 0', async () => {
    let submits = 0;
    const centre = await fakeCentre((socket, pdu) => {
      submits += 1;
      if (submits === 1) socket.write(encodePdu('generic_nack', { sequence_number: pdu.sequence, command_status: 0x03 }));
      else if (submits === 2) socket.write(encodePdu('generic_nack', { sequence_number: 0, command_status: 0x02 }));
      else socket.write(encodePdu('submit_sm_resp', { sequence_number: pdu.sequence, message_id: '42' }));
    });
    const conn = await connectTo(centre.port);
    expect(await conn.submit(gsmPart())).toMatchObject({ kind: 'permanent', providerCode: '0x03' });
    expect(await conn.submit(gsmPart())).toEqual({ kind: 'unknown', providerCode: 'session-reset' });
    expect(await conn.submit(gsmPart())).toMatchObject({ kind: 'accepted' });
    expect(centre.connections()).toBe(2);
  });
});
