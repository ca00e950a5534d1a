import * as accounts from '../../src/modules/accounts/index.js';
import { PUBLIC_URL, type TestApp } from './app.js';
import { activate, uniqueEmail } from './factories.js';

/**
 * An administrator of the installation's own (operator) account. Setup makes
 * that account only on an empty database, so a test that has others marks one.
 */
export async function setupOperator(t: TestApp) {
  const { account, link } = await accounts.createAccount(t.db, { name: 'Operator', ownerEmail: uniqueEmail('op') }, PUBLIC_URL);
  await t.db.updateTable('accounts').set({ is_operator: true }).where('id', '=', account.id).execute();
  return activate(t.app, link);
}
