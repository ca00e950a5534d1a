// The lock under which test runs build dist/ (test/helpers/build.ts): holders
// never overlap, and a lock left by a process that died is taken over.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withLock } from './helpers/build.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-lock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Gives the other holders many turns of the event loop to step in, if the lock let them. */
const yieldMany = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('the build lock', () => {
  it('lets one holder in at a time', async () => {
    const lock = join(dir, 'one-at-a-time', '.lock');
    const events: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((name) => withLock(lock, async () => {
      events.push(`${name} in`);
      await yieldMany();
      events.push(`${name} out`);
    })));
    expect(events).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) expect(events[i + 1]).toBe(events[i]!.replace(' in', ' out'));
  });

  it('takes over a lock whose process has exited', async () => {
    const lock = join(dir, 'abandoned', '.lock');
    const child = await promisify(execFile)(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await mkdir(lock, { recursive: true });
    await writeFile(join(lock, 'pid'), child.stdout);
    let ran = false;
    await withLock(lock, async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });
});
