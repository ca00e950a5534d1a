import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { buildApp } from './http/app.js';
import * as accounts from './modules/accounts/index.js';
import { MailConfigSchema } from './modules/mail/index.js';
import { joinConfig, loadConfig, PlatformConfigSchema, publicUrl } from './platform/config.js';
import { connectStorage, type Storage } from './platform/db/connect.js';
import { createLogger, type Logger } from './platform/logger.js';
import { startWorker, type Worker } from './worker.js';
import { Type } from '@sinclair/typebox';

export const ConfigSchema = joinConfig(
  PlatformConfigSchema,
  MailConfigSchema,
  Type.Object({ HERALD_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token /metrics asks for; unset = open' })) }),
);
export type Config = ReturnType<typeof loadConfig<typeof ConfigSchema>>;

export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

export interface Running {
  stop(): Promise<void>;
}

export async function openStorage(config: Config, logger: Logger, role: string): Promise<Storage> {
  return connectStorage({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.HERALD_DATA_DIR,
    poolSize: config.HERALD_DB_POOL_SIZE,
    logger,
    applicationName: `herald-${role}`,
  });
}

/** Runs the API, the workers or both in this process until `stop()`. */
export async function serve(config: Config, parts: { api: boolean; worker: boolean }, logger = createLogger(config.HERALD_LOG_LEVEL)): Promise<Running> {
  const role = parts.api && parts.worker ? 'start' : parts.api ? 'api' : 'worker';
  const storage = await openStorage(config, logger, role);
  const db = storage.handle.db;
  const url = publicUrl(config);
  let worker: Worker | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    if (parts.api) {
      app = await buildApp({
        db,
        publicUrl: url,
        sessionHours: config.HERALD_SESSION_HOURS,
        secureCookies: url.startsWith('https://'),
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
      worker = startWorker({ db, logger, mail: config, mailDomain: new URL(url).hostname });
    }
  } catch (error) {
    await app?.close();
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
      await storage.close();
    },
  };
}

function printSetupLink(link: string): void {
  const line = '-'.repeat(Math.min(100, link.length + 4));
  process.stdout.write(`\n${line}\n  Herald has no users yet. Open this one-time link to create the first owner:\n\n  ${link}\n\n  (valid 24 hours; restarting Herald prints a new one)\n${line}\n\n`);
}
