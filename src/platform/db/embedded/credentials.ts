import { randomBytes } from 'node:crypto';
import { chmod, chown, readFile, writeFile } from 'node:fs/promises';
import { errorCode, type Paths } from './common.js';
import type { OsUser } from './os-user.js';

/** The superuser password, from the first line of `postgres.secret`. */
export async function readSecret(paths: Paths): Promise<string> {
  let text: string;
  try {
    text = await readFile(paths.secret, 'utf8');
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
    throw new Error(
      `The PostgreSQL cluster in ${paths.cluster} exists but its password file ${paths.secret} is missing; restore it, or move the cluster away to start afresh`,
    );
  }
  const password = text.split('\n')[0]?.trim();
  if (!password) throw new Error(`The PostgreSQL password file ${paths.secret} is empty`);
  return password;
}

/** Reuses the password file or creates it; initdb reads it, so `postgres` must own it when we are root. */
export async function ensureSecret(paths: Paths, runAs: OsUser | undefined): Promise<string> {
  try {
    await writeFile(paths.secret, randomBytes(24).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
  }
  await chmod(paths.secret, 0o600);
  if (runAs) await chown(paths.secret, runAs.uid, runAs.gid);
  return readSecret(paths);
}
