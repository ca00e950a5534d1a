import { createHash, randomBytes, randomFillSync } from 'node:crypto';

/** Id kinds, so that an id says what it points at (`acct_…`, `usr_…`). */
export type IdPrefix = 'acct' | 'usr' | 'ses' | 'key' | 'mail' | 'req' | 'msg' | 'bat' | 'ctc' | 'lst' | 'imp'
  | 'sid' | 'inb' | 'fwd' | 'whe' | 'evt' | 'whd' | 'hld' | 'chg';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz';

// 256 is not a multiple of the alphabet's length: bytes from LIMIT up would
// make the first characters likelier than the rest, so they are skipped.
const LIMIT = 256 - (256 % ALPHABET.length);

/** One alphabet character for each byte below LIMIT; the others give nothing. */
export function encodeUnbiased(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) if (b < LIMIT) out += ALPHABET[b % ALPHABET.length];
  return out;
}

function randomChars(n: number): string {
  let out = '';
  while (out.length < n) out += encodeUnbiased(randomFromPool(n - out.length));
  return out;
}

/**
 * A time-ordered id: 48 bits of milliseconds then 80 random bits, so that ids
 * sort by creation in indexes and cursors, as ULIDs do.
 */
export function newId(prefix: IdPrefix): string {
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomChars(14)}`;
}

// One system call per ~250 ids instead of one each: imports and bulk sends make ids by the hundred thousand.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function randomFromPool(n: number): Uint8Array {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

/** A secret of `bytes` random bytes, URL-safe. 16 bytes = 128 bits. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
