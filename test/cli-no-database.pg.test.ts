import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildHerald, herald } from './helpers/process.js';

// `herald outbox` run from the wrong folder once started a new embedded server
// there and answered "the outbox is empty" from a database it had just made.
let dataDir: string;
const emptyName = `herald_empty_${randomBytes(6).toString('hex')}`;
const adminQuery = async (text: string) => {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
};

beforeAll(async () => {
  await buildHerald();
  dataDir = await mkdtemp(join(tmpdir(), 'herald-nodb-'));
  await adminQuery(`create database ${emptyName}`);
}, 120_000);
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await adminQuery(`drop database if exists ${emptyName} with (force)`);
});

describe('an operator command with no Herald database where it looks', () => {
  it('refuses, names the folder, exits non-zero and creates nothing', async () => {
    const res = await herald(['outbox'], { HERALD_DATA_DIR: dataDir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`herald: no Herald database in ${dataDir}`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stdout).not.toContain('the outbox is empty');
    expect(await readdir(dataDir)).toEqual([]);
  }, 120_000);

  it('refuses a DATABASE_URL whose database has no Herald tables, and leaves it empty', async () => {
    const url = new URL(inject('pgAdminUrl'));
    url.pathname = `/${emptyName}`;
    const res = await herald(['outbox'], { DATABASE_URL: url.toString() });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('has no Herald tables');
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const tables = await client.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
      expect(tables.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  }, 120_000);
});
