import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './index.js';
import { isAlive, processInfo, signal } from './processes.js';

const projectRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const modulePath = fileURLToPath(new URL('./index.ts', import.meta.url));
const TIMEOUT = 60_000;

// Every test registers its directories and handles; afterEach stops whatever is
// still running (by handle, then by the pid in postmaster.pid) and removes them.
const dirs: string[] = [];
const handles: EmbeddedPostgres[] = [];
const extraPids: number[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-embedded-'));
  await chmod(dir, 0o755); // the postgres OS user must traverse it when we are root
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<EmbeddedPostgres> {
  const handle = await startEmbeddedPostgres({ dataDir });
  handles.push(handle);
  return handle;
}

afterEach(async () => {
  for (const handle of handles.splice(0)) await handle.stop().catch(() => undefined);
  for (const pid of extraPids.splice(0)) signal(pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) {
    const pid = await postmasterPid(dir).catch(() => undefined);
    if (pid !== undefined && (await isAlive(pid))) {
      process.kill(pid, 'SIGINT');
      await until(async () => !(await isAlive(pid)), 20_000);
    }
    await rm(dir, { recursive: true, force: true });
  }
});

async function postmasterPid(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  return Number(text.split('\n')[0]);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  it(
    'starts on an empty directory, creates databases idempotently and stops',
    async () => {
      const dir = await tempDir();
      const server = await start(dir);

      expect(server.owned).toBe(true);
      expect(server.port).not.toBe(5432);
      expect(server.url('herald')).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${server.port}/herald$`));
      expect(await query(server.url('postgres'), 'select 1 as one')).toEqual([{ one: 1 }]);
      expect((await stat(join(dir, 'postgres.secret'))).mode & 0o777).toBe(0o600);

      await server.ensureDatabase('x');
      await server.ensureDatabase('x');
      expect(await query(server.url('x'), 'select current_database() as db')).toEqual([{ db: 'x' }]);
      // Racing creators of one database all succeed.
      await Promise.all([1, 2, 3, 4].map(() => server.ensureDatabase('y')));
      expect(await query(server.url('postgres'), "select count(*)::int as n from pg_database where datname = 'y'")).toEqual([{ n: 1 }]);

      const pid = await postmasterPid(dir);
      await server.stop();
      await server.stop(); // idempotent
      expect(await accepts(server.port)).toBe(false);
      expect(await isAlive(pid)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'keeps data across a restart on the same directory',
    async () => {
      const dir = await tempDir();
      const first = await start(dir);
      await first.ensureDatabase('app');
      await query(first.url('app'), 'create table notes (body text not null)');
      await query(first.url('app'), 'insert into notes values ($1)', ['kept']);
      await first.stop();

      const second = await start(dir);
      expect(second.owned).toBe(true);
      await second.ensureDatabase('app');
      expect(await query(second.url('app'), 'select body from notes')).toEqual([{ body: 'kept' }]);
      await second.stop();
      expect(await accepts(second.port)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'adopts a server orphaned by kill -9 of its Node parent and stops it',
    async () => {
      const dir = await tempDir();
      const script = join(dir, 'child.ts');
      await writeFile(
        script,
        [
          `import { startEmbeddedPostgres } from ${JSON.stringify(modulePath)};`,
          `const server = await startEmbeddedPostgres({ dataDir: process.argv[2]! });`,
          `console.log(JSON.stringify({ url: server.url('postgres'), port: server.port, owned: server.owned }));`,
          `setInterval(() => undefined, 60_000);`,
        ].join('\n'),
      );
      // vite-node runs the TypeScript module as is (Node 20 cannot strip types).
      const child = spawn(process.execPath, [join(projectRoot, 'node_modules/vite-node/vite-node.mjs'), script, dir], {
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      extraPids.push(child.pid!);
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const reported = await new Promise<{ url: string; port: number; owned: boolean }>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const line = stdout.split('\n').find((l) => l.startsWith('{'));
          if (line) resolve(JSON.parse(line) as { url: string; port: number; owned: boolean });
        });
        child.once('exit', (code) => reject(new Error(`child exited (${code}): ${stderr}`)));
      });
      expect(reported.owned).toBe(true);
      await query(reported.url, 'create table survivors (n int)');
      await query(reported.url, 'insert into survivors values (42)');

      const orphan = await postmasterPid(dir);
      expect((await processInfo(orphan))?.ppid).toBe(child.pid);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      await until(async () => (await processInfo(orphan))?.ppid !== child.pid, 5_000);
      expect(await isAlive(orphan)).toBe(true);

      const adopted = await start(dir);
      expect(adopted.owned).toBe(true);
      expect(adopted.port).toBe(reported.port);
      expect(await query(adopted.url('postgres'), 'select n from survivors')).toEqual([{ n: 42 }]);

      await adopted.stop();
      expect(await isAlive(orphan)).toBe(false);
      expect(await accepts(adopted.port)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'lets a second handle share a running server without owning it',
    async () => {
      const dir = await tempDir();
      const first = await start(dir);
      const second = await start(dir);

      expect(first.owned).toBe(true);
      expect(second.owned).toBe(false);
      expect(second.port).toBe(first.port);
      expect(second.url('postgres')).toBe(first.url('postgres'));
      await second.ensureDatabase('shared');

      await second.stop();
      expect(await query(first.url('shared'), 'select 1 as one')).toEqual([{ one: 1 }]);

      await first.stop();
      expect(await accepts(first.port)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'recovers after the postmaster itself was killed (stale postmaster.pid)',
    async () => {
      const dir = await tempDir();
      const first = await start(dir);
      await query(first.url('postgres'), 'create table crash (n int)');
      await query(first.url('postgres'), 'insert into crash values (7)');
      const pid = await postmasterPid(dir);
      process.kill(pid, 'SIGKILL');
      await until(async () => !(await isAlive(pid)), 10_000);
      await first.stop(); // its server is already gone: returns without hanging

      const second = await start(dir);
      expect(second.owned).toBe(true);
      expect(await query(second.url('postgres'), 'select n from crash')).toEqual([{ n: 7 }]);
      await second.stop();
    },
    TIMEOUT,
  );

  it(
    'ignores a postmaster.pid whose pid now belongs to another process',
    async () => {
      const dir = await tempDir();
      const first = await start(dir);
      await first.stop();

      // A live process of the postgres user with the recorded pid would make
      // PostgreSQL itself refuse to start ("lock file already exists").
      const asRoot = process.getuid?.() === 0;
      const ids = asRoot ? postgresIds() : {};
      const squatter = spawn('sleep', ['60'], { ...ids, stdio: 'ignore' });
      extraPids.push(squatter.pid!);
      await writeFile(
        join(dir, 'postgres', 'postmaster.pid'),
        `${squatter.pid}\n${join(dir, 'postgres')}\n0\n${first.port}\n\n127.0.0.1\n0 0\nready\n`,
      );

      const second = await start(dir);
      expect(second.owned).toBe(true);
      expect(await query(second.url('postgres'), 'select 1 as one')).toEqual([{ one: 1 }]);
      expect(await isAlive(squatter.pid!)).toBe(true);
      await second.stop();
    },
    TIMEOUT,
  );
});

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}
