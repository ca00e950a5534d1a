import type { Executor } from '../../platform/db/index.js';
import { openSecret } from '../../platform/secret-box.js';
import { findOneSealedSecret, findPlainSecretRows, rewriteSecrets } from './endpoints.repository.js';

/**
 * Run at start: stops with a clear error when the configured key does not
 * open the secrets already stored (a changed or lost HERALD_SECRET_KEY would
 * otherwise break every signature quietly), then encrypts the secrets stored
 * in plain text before encryption at rest. Returns how many rows it sealed.
 */
export async function sealStoredSecrets(db: Executor): Promise<number> {
  const sample = await findOneSealedSecret(db);
  if (sample !== null) openSecret(sample);
  let sealed = 0;
  for (const table of ['webhook_endpoints', 'webhook_account_secrets'] as const) {
    for (;;) {
      const n = await db.transaction().execute(async (tx) => {
        const rows = await findPlainSecretRows(tx, table, 500);
        for (const row of rows) await rewriteSecrets(tx, table, row.key, row.secrets);
        return rows.length;
      });
      sealed += n;
      if (n < 500) break;
    }
  }
  return sealed;
}
