import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { textOf, until, useSmscHarness } from './smsc-test-client.js';

// Every simulator and client a test opens is closed after it, pass or fail.
const { start, client, bound, defer } = useSmscHarness();

/** Two parts of a long message with an 8-bit concatenation reference. */
function part(sequence: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, sequence]), Buffer.from(text)]);
}

describe('bind', () => {
  it('accepts the three bind modes with the right credentials', async () => {
    const sim = await start({ systemId: 'herald', password: 'secret' });
    for (const mode of ['transceiver', 'transmitter', 'receiver'] as const) {
      const c = await client(sim);
      const resp = await c.bind(mode);
      expect(resp.command).toBe(`bind_${mode}_resp`);
      expect(resp.command_status).toBe(0);
      expect(resp.system_id).toBe('HERALD-SMSC-SIM');
    }
    expect(sim.sessions).toBe(3);
    expect(sim.counters.binds).toBe(3);
  });

  it('refuses a wrong password with 0x0E and a wrong system_id with 0x0F', async () => {
    const sim = await start({ systemId: 'herald', password: 'secret' });
    const c = await client(sim);
    expect((await c.bind('transceiver', 'herald', 'nope')).command_status).toBe(0x0e);
    expect((await c.bind('transceiver', 'someone', 'secret')).command_status).toBe(0x0f);
    expect(sim.sessions).toBe(0);
  });

  it('refuses a second bind on the same connection and a submit before any bind', async () => {
    const sim = await start();
    const c = await client(sim);
    expect((await c.submit()).command_status).toBe(0x04);
    await c.bind();
    expect((await c.bind()).command_status).toBe(0x05);
    const receiver = await bound(sim, 'receiver');
    expect((await receiver.submit()).command_status).toBe(0x04);
  });

  it('answers unbind, then closes the connection', async () => {
    const sim = await start();
    const c = await bound(sim);
    expect((await c.call('unbind')).command).toBe('unbind_resp');
    await c.closed;
    expect(sim.sessions).toBe(0);
  });
});

describe('submit and receipt', () => {
  it('answers with an id, then sends a DELIVRD receipt carrying it, addresses swapped', async () => {
    const sim = await start();
    const c = await bound(sim);
    const resp = await c.submit({ short_message: Buffer.from('Your code is 1234') });
    expect(resp.command_status).toBe(0);
    const id = resp.message_id as string;
    expect(id).toMatch(/^[0-9A-F]{8}$/);

    const [receipt] = await c.waitFor('deliver_sm');
    expect(receipt?.esm_class).toBe(0x04);
    expect(receipt?.source_addr).toBe('447911123456');
    expect(receipt?.destination_addr).toBe('Herald');
    expect(receipt?.receipted_message_id).toBe(id);
    expect(receipt?.message_state).toBe(2);
    expect(textOf(receipt!)).toMatch(
      new RegExp(`^id:${id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:Your code is 1234$`),
    );

    const [submit] = sim.submits;
    expect(submit).toMatchObject({ destination: '447911123456', source: 'Herald', dataCoding: 0, messageId: id, outcome: 'accepted', text: 'Your code is 1234' });
    expect(submit?.shortMessage.equals(Buffer.from('Your code is 1234'))).toBe(true);
  });

  it('sends no receipt when none is asked for', async () => {
    const sim = await start();
    const c = await bound(sim);
    await c.submit({ registered_delivery: 0 });
    // Receipts leave in submit order (one delay for all): once the marker's is in, none is owed before it.
    const marker = await c.submit();
    const [receipt] = await c.waitFor('deliver_sm', 1, 10_000);
    expect(receipt?.receipted_message_id).toBe(marker.message_id);
    expect(c.ofCommand('deliver_sm')).toHaveLength(1);
  });

  it('gives each part of a long message its own id and receipt', async () => {
    const sim = await start();
    const c = await bound(sim);
    const first = await c.submit({ esm_class: 0x40, short_message: part(1, 'first half ') });
    const second = await c.submit({ esm_class: 0x40, short_message: part(2, 'second half') });
    expect(first.message_id).not.toBe(second.message_id);

    const receipts = await c.waitFor('deliver_sm', 2);
    expect(receipts.map((r) => r.receipted_message_id).sort()).toEqual([first.message_id, second.message_id].sort());
    expect(sim.submits.map((s) => s.udh?.concat)).toEqual([
      { reference: 0x2a, referenceBits: 8, total: 2, sequence: 1 },
      { reference: 0x2a, referenceBits: 8, total: 2, sequence: 2 },
    ]);
    expect(sim.submits[0]?.shortMessage.equals(part(1, 'first half '))).toBe(true);
    expect(sim.submits[1]?.text).toBe('second half');
  });

  it('keeps the bytes of a UCS-2 message and decodes its text', async () => {
    const sim = await start();
    const c = await bound(sim);
    const bytes = Buffer.from('Привет 👋', 'utf16le').swap16();
    await c.submit({ data_coding: 0x08, short_message: bytes });
    expect(sim.submits[0]?.shortMessage.equals(bytes)).toBe(true);
    expect(sim.submits[0]?.text).toBe('Привет 👋');
  });

  it('keeps receipts for a transmitter until a receiver binds', async () => {
    // The receipt is due before the submit is answered, so it is surely waiting once the answer is in.
    const sim = await start({ faults: { receiptBeforeResponse: true } });
    const tx = await bound(sim, 'transmitter');
    const resp = await tx.submit();
    expect(sim.counters.receiptsSent).toBe(0);
    const rx = await bound(sim, 'receiver');
    const [receipt] = await rx.waitFor('deliver_sm');
    expect(receipt?.receipted_message_id).toBe(resp.message_id);
  });
});

describe('faults', () => {
  it('throttles every submit at throttleShare 1, every other one at 0.5', async () => {
    const sim = await start({ faults: { throttleShare: 1 } });
    const c = await bound(sim);
    expect((await c.submit()).command_status).toBe(0x58);
    sim.setFaults({ throttleShare: 0.5 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await c.submit()).command_status);
    expect(statuses).toEqual([0, 0x58, 0, 0x58]);
    expect(sim.counters.throttled).toBe(3);
  });

  it('answers errorShare with errorStatus and sends no receipt', async () => {
    const sim = await start({ faults: { errorShare: 1, errorStatus: 0x0b } });
    const c = await bound(sim);
    const resp = await c.submit();
    expect(resp.command_status).toBe(0x0b);
    expect(resp.message_id).toBeUndefined();
    sim.setFaults({ errorShare: 0 });
    const marker = await c.submit();
    const [receipt] = await c.waitFor('deliver_sm', 1, 10_000);
    expect(receipt?.receipted_message_id).toBe(marker.message_id);
    expect(c.ofCommand('deliver_sm')).toHaveLength(1);
    expect(sim.submits[0]).toMatchObject({ outcome: 'error', commandStatus: 0x0b, messageId: null });
  });

  it('never answers a dropped submit', async () => {
    const sim = await start({ faults: { dropResponseShare: 1 } });
    const c = await bound(sim);
    const outcome = await c.request('submit_sm', { destination_addr: '447911123456', short_message: Buffer.from('x') }, 300);
    expect(outcome).toBe('timeout');
    expect(sim.submits[0]?.outcome).toBe('dropped');
  });

  it('sends the receipt before the submit_sm_resp when asked', async () => {
    const sim = await start({ faults: { receiptBeforeResponse: true } });
    const c = await bound(sim);
    const resp = await c.submit();
    await c.waitFor('deliver_sm');
    const order = c.received.map((p) => p.command).filter((cmd) => cmd === 'deliver_sm' || cmd === 'submit_sm_resp');
    expect(order).toEqual(['deliver_sm', 'submit_sm_resp']);
    expect(c.ofCommand('deliver_sm')[0]?.receipted_message_id).toBe(resp.message_id);
  });

  it('sends every receipt twice with duplicateReceipts', async () => {
    const sim = await start({ faults: { duplicateReceipts: true } });
    const c = await bound(sim);
    const resp = await c.submit();
    const receipts = await c.waitFor('deliver_sm', 2);
    expect(receipts.map((r) => r.receipted_message_id)).toEqual([resp.message_id, resp.message_id]);
    expect(receipts[0]?.sequence_number).not.toBe(receipts[1]?.sequence_number);
  });

  it('reports the configured final state', async () => {
    const sim = await start({ faults: { receiptStat: 'UNDELIV' } });
    const c = await bound(sim);
    await c.submit();
    const [receipt] = await c.waitFor('deliver_sm');
    expect(textOf(receipt!)).toContain('dlvrd:000');
    expect(textOf(receipt!)).toContain('stat:UNDELIV err:001');
    expect(receipt?.message_state).toBe(5);
  });

  it('writes the receipt id in decimal for a hex submit id, and the other way round', async () => {
    const hexSim = await start({ messageIdFormat: 'hex', firstMessageId: 0x1234abcd, faults: { receiptIdFormat: 'decimal' } });
    const a = await bound(hexSim);
    expect((await a.submit()).message_id).toBe('1234ABCD');
    const [hexReceipt] = await a.waitFor('deliver_sm');
    expect(textOf(hexReceipt!)).toMatch(/^id:305441741 /);
    expect(hexReceipt?.receipted_message_id).toBe('1234ABCD');

    const decSim = await start({ messageIdFormat: 'decimal', firstMessageId: 305441741, faults: { receiptIdFormat: 'hex' } });
    const b = await bound(decSim);
    expect((await b.submit()).message_id).toBe('305441741');
    const [decReceipt] = await b.waitFor('deliver_sm');
    expect(textOf(decReceipt!)).toMatch(/^id:1234ABCD /);

    decSim.setFaults({ receiptIdFormat: 'padded' });
    await b.submit();
    const padded = (await b.waitFor('deliver_sm', 2))[1];
    expect(textOf(padded!)).toMatch(/^id:0000000305441742 /);
  });

  it('drops the connection on the N-th submit without answering it, then behaves', async () => {
    const sim = await start({ faults: { disconnectAfterSubmits: 2 } });
    const c = await bound(sim);
    expect((await c.submit()).command_status).toBe(0);
    expect(await c.request('submit_sm', { destination_addr: '447911123456', short_message: Buffer.from('x') })).toBe('closed');
    expect(sim.submits.map((s) => s.outcome)).toEqual(['accepted', 'disconnected']);
    expect(sim.faults.disconnectAfterSubmits).toBeNull();
    const again = await bound(sim);
    expect((await again.submit()).command_status).toBe(0);
  });

  it('leaves enquire_link unanswered with ignoreEnquireLink', async () => {
    const sim = await start();
    const c = await bound(sim);
    const answered = await c.request('enquire_link', {}, 1000);
    expect(typeof answered === 'object' && answered.command).toBe('enquire_link_resp');
    sim.setFaults({ ignoreEnquireLink: true });
    expect(await c.request('enquire_link', {}, 300)).toBe('timeout');
  });

  it('refuses shares outside 0..1', async () => {
    const sim = await start();
    expect(() => sim.setFaults({ throttleShare: 2 })).toThrow(RangeError);
  });
});

describe('connections', () => {
  it('disconnectAll closes every client', async () => {
    const sim = await start();
    const a = await bound(sim);
    const b = await bound(sim, 'transmitter');
    sim.disconnectAll();
    await Promise.all([a.closed, b.closed]);
    expect(a.isOpen || b.isOpen).toBe(false);
    await until(() => sim.sessions === 0, 'the centre to drop both sessions');
  });

  it('survives a corrupt PDU: nacks it, closes that connection, serves the next', async () => {
    const sim = await start();
    const raw = connect(sim.port, '127.0.0.1');
    raw.on('error', () => {});
    const chunks: Buffer[] = [];
    raw.on('data', (d: Buffer) => chunks.push(d));
    const closed = new Promise((resolve) => raw.once('close', resolve));
    defer(async () => void raw.destroy());
    raw.write(Buffer.from([0x00, 0x00, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef]));
    await closed;
    const nack = Buffer.concat(chunks);
    expect(nack.readUInt32BE(4)).toBe(0x80000000);
    expect(nack.readUInt32BE(8)).toBe(0x02);
    expect(sim.counters.corruptPdus).toBe(1);

    const c = await bound(sim);
    expect((await c.submit()).command_status).toBe(0);
  });

  it('answers a truncated submit_sm with 0x01 and keeps the connection', async () => {
    const sim = await start();
    const c = await bound(sim);
    const outcome = await c.request('submit_sm', { destination_addr: '447911123456', short_message: Buffer.from('hello') });
    expect(typeof outcome === 'object' && outcome.command_status).toBe(0);
    const raw = Buffer.from([0, 0, 0, 20, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 99, 0, 1, 1, 0x34]);
    c.session.socket.write(raw);
    const nack = (await c.waitFor('submit_sm_resp', 2))[1];
    expect(nack?.sequence_number).toBe(99);
    expect(nack?.command_status).toBe(0x01);
    expect((await c.submit()).command_status).toBe(0);
  });
});
