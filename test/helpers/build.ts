// One build of dist/ per `vitest run`. Several test files (cli.pg,
// worker-crash.pg, every e2e file) drive the built `herald` command; each
// building on its own ran tsc several times at once on a two-core machine.
// Now the first caller of a run builds under a lock, and the others wait for
// it and find the run's stamp. Each run still builds: the tests must drive the
// current code, never a dist left from older code.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const LOCK = join(DIST, '.test-build.lock');
const STAMP = join(DIST, '.test-build.json');
const LOCK_WAIT_MS = 10 * 60_000;
const run = promisify(execFile);

export interface BuildParts {
  /** The web app (vite) besides the server (tsc). */
  web: boolean;
}

interface Stamp {
  run: string;
  web: boolean;
}

/**
 * Builds what `parts` asks for unless this run (`runId`, from the global
 * set-up) already has; without a run id it builds every time.
 */
export async function buildOnce(runId: string | undefined, parts: BuildParts): Promise<void> {
  await withLock(LOCK, async () => {
    const stamp = await readStamp();
    const done = runId !== undefined && stamp?.run === runId;
    if (done && (stamp.web || !parts.web)) return;
    // The stamp goes first so that a build that fails half way is never taken as done.
    await rm(STAMP, { force: true });
    if (!done) await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
    if (parts.web) await buildWeb();
    if (runId !== undefined) await writeFile(STAMP, JSON.stringify({ run: runId, web: parts.web || (done && stamp.web) } satisfies Stamp));
  });
}

/**
 * Vite empties its output folder first: built beside dist/web and moved in
 * whole, so a Herald another run starts meanwhile never finds it half written.
 */
async function buildWeb(): Promise<void> {
  const next = join(DIST, 'web.next');
  const old = join(DIST, 'web.old');
  await rm(next, { recursive: true, force: true });
  await run(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'web/vite.config.ts'), '--outDir', next, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT });
  await rm(old, { recursive: true, force: true });
  await rename(join(DIST, 'web'), old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(next, join(DIST, 'web'));
  await rm(old, { recursive: true, force: true });
}

async function readStamp(): Promise<Stamp | null> {
  try {
    return JSON.parse(await readFile(STAMP, 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

/** mkdir is atomic: whoever creates the folder `lock` holds it; a lock whose process died is taken over. */
export async function withLock(lock: string, work: () => Promise<void>): Promise<void> {
  await mkdir(dirname(lock), { recursive: true });
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await abandoned(lock)) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > until) throw new Error(`the build lock ${lock} was held for ${LOCK_WAIT_MS / 60_000} minutes; remove it if no build is running`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    await writeFile(join(lock, 'pid'), String(process.pid));
    await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function abandoned(lock: string): Promise<boolean> {
  const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
  if (!pid) {
    // Taken but not yet signed: the holder is between its mkdir and its writeFile, unless that was long ago.
    const since = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    return since > 60_000;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
