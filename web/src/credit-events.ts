import { useEffect, useState } from 'react';
import { get } from './api';
import type { Credit } from './types';

/** Sent on `window` after anything that changes the balance (a send, a top-up, a plan): the header reads it again. */
export const CREDIT_CHANGED = 'herald:credit-changed';

export function creditChanged(): void {
  window.dispatchEvent(new Event(CREDIT_CHANGED));
}

/** The account's credit, read again whenever it changes and when any of `deps` does; null until read or when unreadable. */
export function useCredit(deps: unknown[] = []): Credit | null {
  const [credit, setCredit] = useState<Credit | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const load = () => get<Credit>('/v1/credit', controller.signal).then(setCredit, () => undefined);
    void load();
    window.addEventListener(CREDIT_CHANGED, load);
    return () => {
      controller.abort();
      window.removeEventListener(CREDIT_CHANGED, load);
    };
    // The caller's deps decide when to read again, as a page change does for the header.
  }, deps);
  return credit;
}
