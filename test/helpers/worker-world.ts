// What the tests of real `herald worker` processes share: a built Herald, a
// fresh database whose default connector points at an SMS centre simulator in
// the test process, and an in-process API to send through.
import type { FastifyInstance } from 'fastify';
import type { RawBuilder } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import * as routing from '../../src/modules/routing/index.js';
import { startSmscSimulator, type SmscSimulator } from '../../src/simulators/smsc/index.js';
import { PUBLIC_URL } from './app.js';
import { buildHerald } from './process.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface WorkerWorld {
  database: TestDatabase;
  simulator: SmscSimulator;
  app: FastifyInstance;
  /** The `n` a counting query answers. */
  count(query: RawBuilder<{ n: string }>): Promise<number>;
}

/** Registers the suite's beforeAll/afterAll; the fields are set once beforeAll has run. */
export function useWorkerWorld(options: { receiptDelayMs: number; binds: number; window: number; responseTimeoutMs: number }): WorkerWorld {
  const world = {
    count: async (query: RawBuilder<{ n: string }>) => Number((await query.execute(world.database.db)).rows[0]!.n),
  } as WorkerWorld;
  beforeAll(async () => {
    await buildHerald();
    world.database = await createTestDatabase();
    world.simulator = await startSmscSimulator({ port: 0, receiptDelayMs: options.receiptDelayMs, keepSubmits: true, maxSubmits: 200_000 });
    await routing.ensureDefaultConnector(world.database.db, {
      id: 'sim',
      provider: 'sms-smpp',
      config: {
        host: '127.0.0.1', port: world.simulator.port, systemId: 'herald', password: 'pw', binds: options.binds, window: options.window,
        ratePerSecond: 0, responseTimeoutMs: options.responseTimeoutMs, reconnectBackoffMinMs: 100, reconnectBackoffMaxMs: 1_000,
      },
    });
    world.app = await buildApp({ db: world.database.db, publicUrl: PUBLIC_URL, sessionHours: 1, secureCookies: false, defaultSender: 'Herald', logLevel: 'silent', metrics: new Registry(), version: 'test' });
    await world.app.ready();
  }, 180_000);
  afterAll(async () => {
    await world.app?.close();
    await world.simulator?.close();
    await world.database?.drop();
  });
  return world;
}
