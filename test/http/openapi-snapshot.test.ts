import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { buildApp } from '../../src/http/app.js';
import { openDatabase } from '../../src/platform/db/index.js';

// The web tests check their fake answers against this copy of the spec
// (web/src/openapi-check.ts); they run in happy-dom and cannot start the server.
const SNAPSHOT = '../../web/src/openapi.snapshot.json';

describe('the OpenAPI snapshot the web tests check their fakes against', () => {
  it('is the spec the app serves now (refresh it with `npm run openapi:snapshot`)', async () => {
    // The app only builds its routes here: a pool that is never used connects nowhere.
    const database = openDatabase('postgres://herald@127.0.0.1:1/unused');
    const app = await buildApp({
      db: database.db, publicUrl: 'http://herald.test', sessionHours: 24, secureCookies: false,
      defaultSender: 'Herald', logLevel: 'silent', metrics: new Registry(), version: 'snapshot',
    });
    try {
      await app.ready();
      await expect(`${JSON.stringify(app.swagger(), null, 2)}\n`).toMatchFileSnapshot(
        SNAPSHOT,
        'web/src/openapi.snapshot.json is stale: run `npm run openapi:snapshot` and commit it',
      );
    } finally {
      await app.close();
      await database.close();
    }
  }, 60_000); // Building the whole app takes seconds on a busy machine.
});
