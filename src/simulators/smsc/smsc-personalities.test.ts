import { describe, expect, it } from 'vitest';
import { useSmscHarness } from './smsc-test-client.js';

// One centre, a behaviour per destination: how the fault kit mixes faults in one send.
const { start, bound } = useSmscHarness();

describe('personalities', () => {
  it('treats each destination as its longest matching prefix says, ahead of the shares', async () => {
    const sim = await start({
      faults: {
        throttleShare: 1,
        personalities: { '44': 'throttled', '4470': 'healthy', '447011': 'generic_nack', '447022': 'silent', '447033': 'receipt_first' },
      },
    });
    const c = await bound(sim);
    const to = (n: string) => ({ destination_addr: n });
    expect((await c.submit(to('447000000001'))).command_status).toBe(0);
    expect((await c.submit(to('447900000001'))).command_status).toBe(0x58);
    expect((await c.submit(to('327000000001'))).command_status).toBe(0x58); // no personality: the share
    const nack = await c.submit(to('447011000001'));
    expect(nack).toMatchObject({ command: 'generic_nack', command_status: 0x02 });
    expect(await c.request('submit_sm', { destination_addr: '447022000001', short_message: Buffer.from('x') }, 300)).toBe('timeout');
    const early = await c.submit(to('447033000001'));
    const receipts = await c.waitFor('deliver_sm', 2);
    expect(receipts.map((r) => r.receipted_message_id)).toContain(early.message_id);
    const order = c.received.map((p) => (p.command === 'deliver_sm' ? `r:${String(p.receipted_message_id)}` : p.command === 'submit_sm_resp' ? `s:${String(p.message_id ?? '')}` : ''));
    expect(order.indexOf(`r:${String(early.message_id)}`)).toBeLessThan(order.indexOf(`s:${String(early.message_id)}`));
    expect(sim.submits.map((s) => s.outcome)).toEqual(['accepted', 'throttled', 'throttled', 'nacked', 'dropped', 'accepted']);
  });

  it('refuses a personality that is not one, or a key that is not a number prefix', async () => {
    const sim = await start();
    expect(() => sim.setFaults({ personalities: { '44': 'grumpy' as never } })).toThrow(RangeError);
    expect(() => sim.setFaults({ personalities: { '+44': 'silent' } })).toThrow(RangeError);
  });

  it('starts its ids again at 1 when its counter restarts, as a restarted centre does', async () => {
    const sim = await start({ firstMessageId: 0x500 });
    const c = await bound(sim);
    expect((await c.submit()).message_id).toBe('00000500');
    sim.restartMessageIds();
    expect((await c.submit()).message_id).toBe('00000001');
    expect((await c.submit()).message_id).toBe('00000002');
  });
});
