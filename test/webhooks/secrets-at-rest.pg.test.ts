import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/platform/db/index.js';
import { sealStoredSecrets } from '../../src/modules/webhooks/index.js';
import { useSecretKey } from '../../src/platform/secret-box.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';

const TEST_KEY = 'a test key for webhook secrets at rest, 32+ chars';

// Webhook secrets are stored encrypted (AES-256-GCM, key from config or the data directory), never in plain text.
describe('webhook secrets at rest', () => {
  let t: TestApp;
  let owner: TestUser;
  const stored = async () => (await sql<{ secret: string }>`select e->>'secret' as secret from (
      select secrets from webhook_endpoints union all select secrets from webhook_account_secrets) s, jsonb_array_elements(s.secrets) e`.execute(t.db)).rows.map((r) => r.secret);
  const callbackSecret = async () => json(await t.app.inject({ method: 'GET', url: '/v1/webhooks/callback-secret', ...owner.caller })).secret as string;

  beforeAll(async () => {
    t = await createTestApp({ outboundPolicy: { allowHosts: ['127.0.0.1'] } } as Parameters<typeof createTestApp>[0]);
    owner = await createOwner(t.app, t.db, 'Secrets Co');
  });
  afterAll(async () => {
    useSecretKey(TEST_KEY);
    await t?.close();
  });

  it('keeps endpoint and callback secrets encrypted, and shows them in plain to whoever may', async () => {
    const made = await t.app.inject({ method: 'POST', url: '/v1/webhooks', ...owner.caller, payload: { url: 'http://127.0.0.1:9/hook', events: ['message.delivered'] } });
    expect(made.statusCode).toBe(201);
    const endpointSecret = json(made).secret as string;
    const rotated = json(await t.app.inject({ method: 'POST', url: `/v1/webhooks/${json(made).id}/rotate-secret`, ...owner.caller }));
    expect(rotated.secret).toMatch(/^whsec_/);
    const callback = await callbackSecret();
    const rows = await stored();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(row).toMatch(/^enc:v1:/);
      for (const plain of [endpointSecret, rotated.secret as string, callback]) expect(row).not.toContain(plain.replace(/^whsec_/, ''));
    }
    expect(await callbackSecret()).toBe(callback);
  });

  it('encrypts secrets stored in plain text before, keeping their value', async () => {
    const callback = await callbackSecret();
    await sql`update webhook_account_secrets set secrets = jsonb_build_array(jsonb_build_object('secret', ${callback}::text, 'created_at', now(), 'expires_at', null))`.execute(t.db);
    expect(await stored()).toContain(callback);
    expect(await sealStoredSecrets(t.db)).toBeGreaterThanOrEqual(1);
    expect((await stored()).every((s) => s.startsWith('enc:v1:'))).toBe(true);
    expect(await callbackSecret()).toBe(callback);
    expect(await sealStoredSecrets(t.db)).toBe(0);
  });

  it('refuses to start with a key that does not open the stored secrets', async () => {
    useSecretKey('another key that is also 32 characters or more');
    await expect(sealStoredSecrets(t.db)).rejects.toThrow(/HERALD_SECRET_KEY/);
    useSecretKey(TEST_KEY);
    await expect(sealStoredSecrets(t.db)).resolves.toBe(0);
  });
});
