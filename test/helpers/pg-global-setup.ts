import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase, migrateToLatest } from '../../src/platform/db/index.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/platform/db/embedded/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

/**
 * Starts one PostgreSQL for the run (or uses TEST_DATABASE_URL), migrates a
 * template database once; each test file then clones it (see test-db.ts).
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedPostgres | undefined;
  let dir: string | undefined;
  let adminUrl: string;
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    dir = await mkdtemp(join(tmpdir(), 'herald-test-'));
    await chmod(dir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: dir });
    adminUrl = embedded.url('postgres');
  }
  const template = `herald_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  const handle = openDatabase(url.toString(), { poolSize: 2 });
  await migrateToLatest(handle.db);
  await handle.close();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);

  return async () => {
    await admin.query(`drop database if exists ${template} with (force)`);
    await admin.end();
    await embedded?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
}
