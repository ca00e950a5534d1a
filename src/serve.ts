import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { buildApp } from './http/app.js';
import * as accounts from './modules/accounts/index.js';
import { MailConfigSchema } from './modules/mail/index.js';
import { SmsConfigSchema, smppUrlToConfig } from './modules/messages/index.js';
import * as routing from './modules/routing/index.js';
import { WebhooksConfigSchema, outboundPolicyOf, sealStoredSecrets } from './modules/webhooks/index.js';
import { ConnectorPool } from './connector-pool.js';
import { startSmscSimulator, type SmscSimulator } from './simulators/smsc/index.js';
import type { Executor } from './platform/db/index.js';
import { joinConfig, loadConfig, PlatformConfigSchema, publicUrl } from './platform/config.js';
import { connectStorage, type Storage } from './platform/db/connect.js';
import { createLogger, type Logger } from './platform/logger.js';
import { secretKeyMaterial, useSecretKey } from './platform/secret-box.js';
import { startWorker, type Worker } from './worker.js';
import { Type } from '@sinclair/typebox';

export const ConfigSchema = joinConfig(
  PlatformConfigSchema,
  MailConfigSchema,
  SmsConfigSchema,
  WebhooksConfigSchema,
  Type.Object({ HERALD_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token /metrics asks for; unset = open' })) }),
);
export type Config = ReturnType<typeof loadConfig<typeof ConfigSchema>>;

export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

export interface Running {
  stop(): Promise<void>;
}

export async function openStorage(config: Config, logger: Logger, role: string, options: { mustExist?: boolean } = {}): Promise<Storage> {
  return connectStorage({
    ...options,
    databaseUrl: config.DATABASE_URL,
    dataDir: config.HERALD_DATA_DIR,
    poolSize: config.HERALD_DB_POOL_SIZE,
    connectTimeoutMs: config.HERALD_DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.HERALD_DB_STATEMENT_TIMEOUT_MS,
    logger,
    applicationName: `herald-${role}`,
  });
}

/** Runs the API, the workers or both in this process until `stop()`. */
export async function serve(config: Config, parts: { api: boolean; worker: boolean }, logger = createLogger(config.HERALD_LOG_LEVEL)): Promise<Running> {
  const role = parts.api && parts.worker ? 'start' : parts.api ? 'api' : 'worker';
  const key = secretKeyMaterial(config.HERALD_SECRET_KEY, config.HERALD_DATA_DIR);
  useSecretKey(key.material);
  if (key.source === 'new file') logger.info({ path: key.path }, 'made the key that encrypts webhook secrets; back it up with the database');
  if (key.source !== 'config' && config.DATABASE_URL) logger.warn({ path: key.path }, 'webhook secrets are encrypted with the key file in the data directory: set HERALD_SECRET_KEY when several hosts share the database');
  const storage = await openStorage(config, logger, role);
  const db = storage.handle.db;
  const url = publicUrl(config);
  let worker: Worker | undefined;
  let pool: ConnectorPool | undefined;
  let simulator: SmscSimulator | null = null;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    const sealed = await sealStoredSecrets(db);
    if (sealed > 0) logger.info({ rows: sealed }, 'webhook secrets stored in plain text are now encrypted');
    // The simulator starts before the API, so that the API of the same process
    // can have it play a customer's reply (the first-run "try the inbox").
    if (parts.worker) simulator = await setUpSmsConnectors(config, db, logger);
    if (parts.api) {
      app = await buildApp({
        currency: config.HERALD_CURRENCY,
        simulator,
        db,
        publicUrl: url,
        sessionHours: config.HERALD_SESSION_HOURS,
        secureCookies: url.startsWith('https://'),
        defaultSender: config.HERALD_SMS_DEFAULT_SENDER,
        outboundPolicy: outboundPolicyOf(config),
        logLevel: config.HERALD_LOG_LEVEL,
        bodyLimit: config.HERALD_BODY_LIMIT,
        trustProxy: config.HERALD_TRUST_PROXY,
        metrics: new Registry(),
        metricsToken: config.HERALD_METRICS_TOKEN,
        version: VERSION,
      });
      await app.listen({ host: config.HERALD_HOST, port: config.HERALD_PORT });
      const link = await accounts.issueSetupLink(db, url);
      if (link) printSetupLink(link);
    }
    if (parts.worker) {
      pool = new ConnectorPool(db, logger);
      await pool.refresh();
      worker = startWorker({ db, logger, mail: config, mailDomain: new URL(url).hostname, sms: pool, outboundPolicy: outboundPolicyOf(config), currency: config.HERALD_CURRENCY });
    }
  } catch (error) {
    await app?.close();
    await pool?.stop();
    await simulator?.close();
    await storage.close();
    throw error;
  }
  logger.info({ role, url: parts.api ? url : undefined, embedded: storage.embedded !== null }, 'Herald is running');
  return {
    async stop() {
      // Stop taking requests and let those under way finish, then stop the
      // background loops, then the pool and the embedded server.
      await app?.close();
      await worker?.stop();
      await pool?.stop();
      await simulator?.close();
      await storage.close();
    },
  };
}

function printSetupLink(link: string): void {
  const line = '-'.repeat(Math.min(100, link.length + 4));
  process.stdout.write(`\n${line}\n  Herald has no users yet. Open this one-time link to create the first owner:\n\n  ${link}\n\n  (valid 24 hours; restarting Herald prints a new one)\n${line}\n\n`);
}

/**
 * The connector named by HERALD_SMPP_URL, or on the embedded defaults an SMS
 * centre simulator in this process, so that a first `npm start` sends over
 * real SMPP somewhere.
 */
async function setUpSmsConnectors(config: Config, db: Executor, logger: Logger): Promise<SmscSimulator | null> {
  if (config.HERALD_SMPP_URL) {
    await routing.ensureDefaultConnector(db, { id: 'default', provider: 'sms-smpp', config: smppUrlToConfig(config.HERALD_SMPP_URL) });
  }
  const simulate = config.HERALD_SMSC_SIMULATOR === 'on' || (config.HERALD_SMSC_SIMULATOR === 'auto' && !config.DATABASE_URL && !config.HERALD_SMPP_URL);
  if (!simulate) return null;
  const simulator = await startSmscSimulator({ port: 0, keepSubmits: false, systemId: 'herald', password: 'simulate' });
  await routing.ensureDefaultConnector(db, {
    id: 'simulator',
    provider: 'sms-smpp',
    config: { host: '127.0.0.1', port: simulator.port, systemId: 'herald', password: 'simulate', binds: 2, window: 100, ratePerSecond: 0 },
  });
  logger.info({ port: simulator.port }, 'SMS centre simulator running; SMS go to it (set HERALD_SMPP_URL for a real one)');
  return simulator;
}
