/** Sent on `window` after anything that changes the balance (a send, a top-up, a plan): the header reads it again. */
export const CREDIT_CHANGED = 'herald:credit-changed';

export function creditChanged(): void {
  window.dispatchEvent(new Event(CREDIT_CHANGED));
}
