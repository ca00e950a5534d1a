// Webhooks end to end: an endpoint added in Settings receives a signed
// delivery for a message, its secret is rotated (and the secret shown once is
// the one that signs), the delivery opens to its attempts, an event is sent
// again, and the callback secret is shown. Runs inside web.e2e.test.ts.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { moves, type Driver } from './driver.js';

interface Received { headers: IncomingHttpHeaders; body: string }

/** Whether one of the header's signatures is the Standard Webhooks signature under `secret`. */
function signedWith(r: Received, secret: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`).digest('base64');
  return String(r.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

export function webhookSteps(d: Driver): void {
  const { shot, go, callApi, sendFromUi } = moves(d);
  const received: Received[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('adds a webhook, rotates its secret, and the secret shown once signs the deliveries', async () => {
    await go('/settings/webhooks');
    await d.page.getByLabel('URL').fill(url);
    await d.page.getByRole('button', { name: 'Add webhook' }).click();
    const first = await d.page.locator('.secret code').textContent();
    expect(first).toMatch(/^whsec_/);
    const endpoint = d.page.getByTestId('webhook').filter({ hasText: url });
    await endpoint.getByRole('button', { name: /^New secret for / }).click();
    await d.page.locator('.secret', { hasText: 'New signing secret' }).waitFor();
    const rotated = await d.page.locator('.secret code').textContent();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(first);

    await sendFromUi(['+32475300004'], 'Your appointment is confirmed');
    await expect.poll(() => received.filter((r) => r.body.includes('"message.delivered"')).length, { timeout: 30_000 }).toBe(1);
    const delivered = received.find((r) => r.body.includes('"message.delivered"'))!;
    expect(signedWith(delivered, rotated!)).toBe(true);
    expect(signedWith(delivered, first!)).toBe(true); // still signing for a day after the rotation
    // The receiver has the request a moment before Herald logs the attempt.
    const hooks = (await callApi('GET', '/v1/webhooks')).body as { data: { id: string }[] };
    await expect.poll(async () => {
      const log = (await callApi('GET', `/v1/webhooks/${hooks.data[0]!.id}/deliveries`)).body as { data: { status: string }[] };
      return log.data.every((x) => x.status === 'succeeded');
    }, { timeout: 15_000 }).toBe(true);
  });

  it('opens a delivery to its attempts and sends an event again', async () => {
    await go('/settings/webhooks');
    await d.page.getByTestId('webhook').getByRole('button', { name: /^Delivery log of / }).click();
    const log = d.page.getByTestId('delivery-log');
    const row = log.locator('tr', { hasText: 'Message delivered' });
    await row.getByRole('button', { name: /Show the attempt/ }).click();
    const attempts = d.page.getByTestId('attempt-log');
    await attempts.waitFor();
    await expect(attempts.locator('tbody tr').first().textContent()).resolves.toMatch(/200.*ms.*\{"received":true\}/);

    const before = received.length;
    const events = d.page.getByTestId('event-log');
    await events.locator('tr', { hasText: 'Message delivered' }).first().getByRole('button', { name: 'Send again' }).click();
    await d.page.getByText('Message delivered sent again to 1 receiver.').waitFor();
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(before + 1);
    const again = received.at(-1)!;
    const original = received.find((r) => r.body.includes('"message.delivered"'))!;
    expect(again.headers['webhook-id']).toBe(original.headers['webhook-id']);

    const callback = d.page.getByRole('region', { name: 'Callback secret' });
    await callback.getByRole('button', { name: 'Show secret' }).click();
    await expect(callback.getByTestId('callback-secret').textContent()).resolves.toMatch(/whsec_/);
    await shot('settings-webhooks-log');
  });
}
