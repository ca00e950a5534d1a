import type { SenderChoice } from './types';

type T = (key: string, options?: Record<string, unknown>) => string;

/**
 * The installation's default number (listed first, not repliable, no sender
 * id of the account): recipients do not know it, so messages from it should be
 * signed, like those from the shared pool.
 */
export const isInstallationNumber = (c: SenderChoice) => c.kind === 'dedicated' && !c.repliable && c.id === null;

export function senderLabel(t: T, c: SenderChoice): string {
  return isInstallationNumber(c) ? t('senders.kind.installation', { value: c.value }) : t(`senders.kind.${c.kind}`, { value: c.value });
}

/**
 * Whether to hint to sign the message: the pool, or any number that is not
 * repliable and not a name or one's own mobile (the installation's number). A
 * sender not in the list at all is hinted at when it is a number.
 */
export function shouldSign(chosen: SenderChoice | undefined, sender: string): boolean {
  if (!chosen) return /^\+?\d{3,}$/.test(sender.replace(/\s/g, ''));
  return chosen.kind === 'pool' || (!chosen.repliable && chosen.kind === 'dedicated');
}
