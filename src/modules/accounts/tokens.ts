import { newSecret, sha256 } from '../../platform/ids.js';

/** API keys read `hrld_<43 chars>`: 256 random bits behind a prefix that secret scanners and people recognise. */
export const API_KEY_PREFIX = 'hrld_';

export function newApiKeySecret(): { token: string; hash: Buffer; prefix: string } {
  const token = API_KEY_PREFIX + newSecret(32);
  return { token, hash: sha256(token), prefix: token.slice(0, API_KEY_PREFIX.length + 6) };
}

export function newOpaqueToken(): { token: string; hash: Buffer } {
  const token = newSecret(32);
  return { token, hash: sha256(token) };
}

export const hashToken = sha256;
