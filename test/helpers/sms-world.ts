import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorPool } from '../../src/connector-pool.js';
import * as ledger from '../../src/modules/ledger/index.js';
import * as messages from '../../src/modules/messages/index.js';
import * as routing from '../../src/modules/routing/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { startSmscSimulator, type SmscSimulator } from '../../src/simulators/smsc/index.js';
import type { TestApp } from './app.js';

/** A simulator over TCP and this process's connector pool pointed at it, as a worker has them. */
export async function startSmsWorld(t: TestApp, options: { receiptDelayMs?: number; connector?: Record<string, unknown> } = {}) {
  const simulator: SmscSimulator = await startSmscSimulator({ port: 0, receiptDelayMs: options.receiptDelayMs ?? 5 });
  await routing.ensureDefaultConnector(t.db, {
    id: 'sim',
    provider: 'sms-smpp',
    config: { host: '127.0.0.1', port: simulator.port, systemId: 'herald', password: 'pw', binds: 1, window: 50, ratePerSecond: 0, responseTimeoutMs: 2000, ...options.connector },
  });
  const pool = new ConnectorPool(t.db, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  await pool.refresh();
  return {
    simulator,
    pool,
    /** Runs dispatch rounds until `done` holds (or fails after `ms`). */
    async pump(done: () => Promise<boolean>, ms = 20_000) {
      const until = Date.now() + ms;
      while (!(await done())) {
        if (Date.now() > until) {
          const parts = await t.db.selectFrom('message_parts' as never).select(['id', 'status', 'submits', 'unknowns', 'error_code', 'provider_message_id'] as never).execute();
          const parked = await t.db.selectFrom('sms_receipts_parked' as never).selectAll().execute();
          throw new Error(`timed out pumping the send queue: ${JSON.stringify({ parts, parked, connectors: pool.route('+32').map((c) => c.status()), sim: simulator.counters })}`);
        }
        const n = await messages.dispatchDueParts(t.db, pool);
        await messages.reconcileParkedReceipts(t.db);
        await messages.chargeParts(t.db);
        if (n === 0) await sleep(20);
      }
      await messages.chargeParts(t.db);
    },
    async close() {
      await pool.stop();
      await simulator.close();
    },
  };
}

export async function fund(t: TestApp, accountId: string, amountMinor: bigint, monthlyQuota = 0) {
  if (amountMinor > 0n) await ledger.topUp(t.db, { walletAccountId: accountId, amountMinor, note: 'test', createdBy: null } as ledger.TopUpInput);
  if (monthlyQuota > 0) await ledger.setPlan(t.db, accountId, { monthlyQuota });
}

export async function statusOf(t: TestApp, accountId: string, id: string): Promise<string> {
  return (await messages.getMessage(t.db, accountId, id)).message.status;
}
