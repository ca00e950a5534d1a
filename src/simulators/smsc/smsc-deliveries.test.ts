import { describe, expect, it } from 'vitest';
import { runSmscSimulatorCli } from './index.js';
import { SmscTestClient, textOf, until, useSmscHarness } from './smsc-test-client.js';

// Mobile-originated messages, explicit receipts, redelivery, the CLI and a
// throughput smoke test. Every simulator and client is closed after each test.
const { start, bound, defer } = useSmscHarness();

describe('sendMo', () => {
  it('delivers a GSM text as deliver_sm with esm_class 0 and data_coding 0', async () => {
    const sim = await start();
    const c = await bound(sim, 'receiver');
    expect(await sim.sendMo({ from: '+447911123456', to: '60000', text: 'STOP please' })).toBe(0);
    const [mo] = c.ofCommand('deliver_sm');
    expect(mo).toMatchObject({ esm_class: 0, data_coding: 0, source_addr: '447911123456', source_addr_ton: 1, destination_addr: '60000' });
    expect(textOf(mo!)).toBe('STOP please');
    expect(sim.counters.mosSent).toBe(1);
  });

  it('switches to UCS-2 for text outside GSM 7-bit', async () => {
    const sim = await start();
    const c = await bound(sim);
    await sim.sendMo({ from: '+447911123456', to: 'Herald', text: 'Да 👍' });
    const [mo] = c.ofCommand('deliver_sm');
    expect(mo?.data_coding).toBe(0x08);
    expect(textOf(mo!)).toBe('Да 👍');
  });

  it('resolves with the status the ESME answered, and sends again after an error', async () => {
    const sim = await start({ deliverRetryDelayMs: 20 });
    const c = await bound(sim);
    c.deliverStatus = 0x64;
    expect(await sim.sendMo({ from: '+447911123456', to: 'Herald', text: 'yes' })).toBe(0x64);
    c.deliverStatus = 0;
    const [first, second] = await c.waitFor('deliver_sm', 2);
    expect(textOf(second!)).toBe(textOf(first!));
    // A copy is scheduled again as its answer comes in: with both answered, one resend in all means no third copy.
    await until(() => sim.counters.deliveriesAnswered === 2, 'both copies answered');
    expect(sim.counters).toMatchObject({ deliveriesRefused: 1, deliveriesResent: 1 });
    expect(c.ofCommand('deliver_sm')).toHaveLength(2);
  });

  it('rejects when no receiver is bound, or when the answer never comes', async () => {
    const sim = await start({ deliverTimeoutMs: 100, deliverAttempts: 1 });
    await expect(sim.sendMo({ from: '+447911123456', to: 'Herald', text: 'hi' })).rejects.toThrow(/no bound receiver/);
    await bound(sim, 'transmitter');
    await expect(sim.sendMo({ from: '+447911123456', to: 'Herald', text: 'hi' })).rejects.toThrow(/no bound receiver/);
    const c = await bound(sim, 'receiver');
    c.deliverStatus = null;
    await expect(sim.sendMo({ from: '+447911123456', to: 'Herald', text: 'hi' })).rejects.toThrow(/timed out/);
  });

  it('rejects what is still waiting when the simulator closes', async () => {
    const sim = await start();
    const c = await bound(sim);
    c.deliverStatus = null;
    const pending = sim.sendMo({ from: '+447911123456', to: 'Herald', text: 'hi' });
    await c.waitFor('deliver_sm');
    const rejected = expect(pending).rejects.toThrow(/closed/);
    await sim.close();
    await rejected;
    await c.closed;
  });
});

describe('sendReceipt', () => {
  it('sends a late receipt for a known id, with the id written as asked', async () => {
    const sim = await start({ firstMessageId: 0xabc });
    const c = await bound(sim);
    const resp = await c.submit({ registered_delivery: 0, short_message: Buffer.from('Late one') });
    expect(resp.message_id).toBe('00000ABC');
    expect(await sim.sendReceipt({ messageId: '00000ABC', stat: 'EXPIRED', idFormat: 'decimal' })).toBe(0);
    const [receipt] = c.ofCommand('deliver_sm');
    expect(textOf(receipt!)).toMatch(/^id:2748 sub:001 dlvrd:000 .* stat:EXPIRED err:001 text:Late one$/);
    expect(receipt).toMatchObject({ receipted_message_id: '00000ABC', message_state: 3, source_addr: '447911123456', destination_addr: 'Herald' });
  });

  it('sends a receipt for an id it never issued (orphan tests)', async () => {
    const sim = await start();
    const c = await bound(sim);
    await sim.sendReceipt({ messageId: 'FF', stat: 'DELIVRD', idFormat: 'padded', from: '+447911123456', to: 'Herald', err: '000' });
    const [receipt] = c.ofCommand('deliver_sm');
    expect(textOf(receipt!)).toMatch(/^id:00000000000000FF .*stat:DELIVRD err:000 text:$/);
    expect(receipt).toMatchObject({ receipted_message_id: 'FF', source_addr: '447911123456', destination_addr: 'Herald' });
  });
});

describe('cli', () => {
  it('starts on the asked port and says where it listens', async () => {
    const lines: string[] = [];
    const sim = await runSmscSimulatorCli(['--port', '0', '--host=127.0.0.1', '--system-id', 'cli', '--password', 'pw', '--receipt-delay-ms', '5'], {
      log: (line) => lines.push(line),
      handleSignals: false,
    });
    if (!sim) throw new Error('no simulator');
    defer(() => sim.close());
    expect(lines).toEqual([`SMSC simulator listening on 127.0.0.1:${sim.port}`]);
    const c = await SmscTestClient.connect(sim.port);
    defer(() => c.close());
    expect((await c.bind('transceiver', 'cli', 'wrong')).command_status).toBe(0x0e);
    expect((await c.bind('transceiver', 'cli', 'pw')).command_status).toBe(0);
  });

  it('refuses unknown flags and bad numbers', async () => {
    const io = { log: () => {}, handleSignals: false };
    await expect(runSmscSimulatorCli(['--nope'], io)).rejects.toThrow(/unknown option --nope/);
    await expect(runSmscSimulatorCli(['--port', 'x'], io)).rejects.toThrow(/--port wants a whole number/);
    await expect(runSmscSimulatorCli(['--port'], io)).rejects.toThrow(/needs a value/);
    expect(await runSmscSimulatorCli(['--help'], io)).toBeNull();
  });
});

describe('throughput', () => {
  it('takes 4,000 pipelined submits over two sessions, with a receipt each', async () => {
    const sim = await start({ keepSubmits: false, receiptDelayMs: 1 });
    const sessions = [await bound(sim), await bound(sim)];
    const perSession = 2000;
    const answers = await Promise.all(
      sessions.map((c) => Promise.all(Array.from({ length: perSession }, () => c.submit()))),
    );
    const ids = new Set(answers.flat().map((r) => r.message_id));
    expect(ids.size).toBe(2 * perSession);
    await Promise.all(sessions.map((c) => c.waitFor('deliver_sm', perSession, 20_000)));
    expect(sim.submits).toHaveLength(0);
    expect(sim.counters).toMatchObject({ submits: 4000, accepted: 4000, receiptsSent: 4000 });
  }, 30_000);
});
