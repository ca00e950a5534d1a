import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Secrets Herald must be able to read back (webhook signing secrets), kept
 * encrypted at rest with AES-256-GCM under a key that is NOT in the database:
 * a dump or a backup of it alone reveals none. Sealed values read
 * `enc:v1:<base64url of iv | tag | ciphertext>`; anything else is a value
 * from before encryption, read as it is until `sealStoredSecrets` rewrites it.
 */
const PREFIX = 'enc:v1:';
const KEY_FILE = 'secret.key';
let key: Buffer | null = null;

/** Sets the key for this process from `material` (HERALD_SECRET_KEY or the key file: at least 32 characters). */
export function useSecretKey(material: string): void {
  if (material.length < 32) throw new Error('HERALD_SECRET_KEY must be at least 32 characters');
  key = Buffer.from(hkdfSync('sha256', material, 'herald', 'secret-box v1', 32));
}

/**
 * The key material: HERALD_SECRET_KEY when set, else the key file in the data
 * directory, made (random, owner-only) on first start. Every process sharing
 * one database needs the same key: on several hosts, set HERALD_SECRET_KEY.
 */
export function secretKeyMaterial(configured: string | undefined, dataDir: string): { material: string; source: 'config' | 'file' | 'new file'; path?: string } {
  if (configured) return { material: configured, source: 'config' };
  const path = join(resolve(dataDir), KEY_FILE);
  try {
    return keyFile(path, dataDir);
  } catch (error) {
    throw new Error(`cannot keep the secret key in ${path} (${(error as Error).message}): set HERALD_SECRET_KEY (32+ characters) instead`);
  }
}

function keyFile(path: string, dataDir: string): { material: string; source: 'file' | 'new file'; path: string } {
  try {
    return { material: readFileSync(path, 'utf8').trim(), source: 'file', path };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  mkdirSync(resolve(dataDir), { recursive: true });
  try {
    // wx: of two processes starting at once, one writes and the other reads it.
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    return { material: readFileSync(path, 'utf8').trim(), source: 'new file', path };
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    return { material: readFileSync(path, 'utf8').trim(), source: 'file', path };
  }
}

function current(): Buffer {
  if (!key) throw new Error('no secret key set (useSecretKey): Herald sets it at start from HERALD_SECRET_KEY or the data directory');
  return key;
}

export const isSealed = (stored: string): boolean => stored.startsWith(PREFIX);

export function sealSecret(plain: string): string {
  if (isSealed(plain)) return plain;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', current(), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The plain secret; throws when the key is not the one it was sealed with. */
export function openSecret(stored: string): string {
  if (!isSealed(stored)) return stored;
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', current(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('a stored secret does not open with this key: HERALD_SECRET_KEY (or the data directory\'s secret.key) is not the one it was sealed with');
  }
}
