// Webhooks end to end: an endpoint added in Settings receives a signed
// delivery for a message, its secret is rotated (and the secret shown once is
// the one that signs), a delivery opens to its attempts, an event is sent
// again, and the callback secret is shown. Each test has its own endpoint
// (its own path on the one receiver) and its own message.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moves } from './driver.js';
import { useHerald } from './fixture.js';
import { browserAvailable } from './harness.js';
import { sendDelivered, topUp } from './seed.js';

interface Received { path: string; headers: IncomingHttpHeaders; body: string }

/** Whether one of the header's signatures is the Standard Webhooks signature under `secret`. */
function signedWith(r: Received, secret: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`).digest('base64');
  return String(r.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

const run = browserAvailable() ? describe : describe.skip;

run('webhooks', () => {
  const suite = useHerald({ label: 'webhooks' });
  const { shot, go, sendFromUi } = moves(suite);
  const received: Received[] = [];
  let server: Server;
  let base: string;
  const deliveredTo = (path: string, number: string) => received.filter((r) => r.path === path && r.body.includes('"message.delivered"') && r.body.includes(number));

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    await topUp(suite.api, 5);
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('adds a webhook, rotates its secret, and the secret shown once signs the deliveries', async () => {
    const { page } = suite;
    const url = `${base}/hooks/added`;
    await go('/settings/webhooks');
    await page.getByLabel('URL').fill(url);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = page.locator('.secret code');
    await expect.poll(() => secret.textContent()).toMatch(/^whsec_/);
    const first = await secret.textContent();
    const endpoint = page.getByTestId('webhook').filter({ hasText: url });
    await endpoint.getByRole('button', { name: /^New secret for / }).click();
    await page.locator('.secret', { hasText: 'New signing secret' }).waitFor();
    await expect.poll(() => secret.textContent()).not.toBe(first);
    const rotated = await secret.textContent();
    expect(rotated).toMatch(/^whsec_/);

    await sendFromUi(['+32475300004'], 'Your appointment is confirmed');
    await expect.poll(() => deliveredTo('/hooks/added', '32475300004').length, { timeout: 60_000 }).toBe(1);
    const delivered = deliveredTo('/hooks/added', '32475300004')[0]!;
    expect(signedWith(delivered, rotated!)).toBe(true);
    expect(signedWith(delivered, first!)).toBe(true); // still signing for a day after the rotation
    // The receiver has the request a moment before Herald logs the attempt.
    const hooks = (await suite.api('GET', '/v1/webhooks')).body as { data: { id: string; url: string }[] };
    const id = hooks.data.find((h) => h.url === url)!.id;
    await expect.poll(async () => {
      const log = (await suite.api('GET', `/v1/webhooks/${id}/deliveries`)).body as { data: { status: string }[] };
      return log.data.length > 0 && log.data.every((x) => x.status === 'succeeded');
    }, { timeout: 30_000 }).toBe(true);
  });

  it('opens a delivery to its attempts and sends an event again', async () => {
    const { page } = suite;
    const url = `${base}/hooks/log`;
    const made = await suite.api('POST', '/v1/webhooks', { url, events: ['message.delivered'] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await sendDelivered(suite.api, ['+32475300005'], 'Your table is booked');
    await expect.poll(() => deliveredTo('/hooks/log', '32475300005').length, { timeout: 60_000 }).toBe(1);
    await go('/settings/webhooks');
    await page.getByTestId('webhook').filter({ hasText: url }).getByRole('button', { name: /^Delivery log of / }).click();
    const row = page.getByTestId('delivery-log').locator('tr', { hasText: 'Message delivered' });
    await row.first().getByRole('button', { name: /Show the attempt/ }).click();
    await expect.poll(() => page.getByTestId('attempt-log').locator('tbody tr').first().textContent()).toMatch(/200.*ms.*\{"received":true\}/);

    const before = received.filter((r) => r.path === '/hooks/log').length;
    const events = page.getByTestId('event-log');
    await events.locator('tr', { hasText: 'Message delivered' }).first().getByRole('button', { name: 'Send again' }).click();
    await page.getByText(/^Message delivered sent again to \d+ receivers?\.$/).waitFor();
    await expect.poll(() => received.filter((r) => r.path === '/hooks/log').length, { timeout: 60_000 }).toBe(before + 1);
    const again = received.filter((r) => r.path === '/hooks/log').at(-1)!;
    expect(again.headers['webhook-id']).toBe(deliveredTo('/hooks/log', '32475300005')[0]!.headers['webhook-id']);

    const callback = page.getByRole('region', { name: 'Callback secret' });
    await callback.getByRole('button', { name: 'Show secret' }).click();
    await expect.poll(() => callback.getByTestId('callback-secret').textContent()).toMatch(/whsec_/);
    await shot('settings-webhooks-log');
  });
});
