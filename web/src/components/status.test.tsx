import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import i18n from '../i18n';
import { StatusChip } from './status';

describe('StatusChip', () => {
  it('says a failure in plain words, with the network\'s code when it is not one of ours', () => {
    expect(render(<StatusChip status="delivered" />).container.textContent).toBe('Delivered');
    expect(render(<StatusChip status="expired" errorCode="validity" />).container.textContent).toBe('Expired — the network could not deliver it in time');
    expect(render(<StatusChip status="failed" errorCode="0x0000000B" />).container.textContent).toBe('Failed — the network refused it (code 0x0000000B)');
  });

  it('speaks the user\'s language', async () => {
    await i18n.changeLanguage('de');
    try {
      expect(render(<StatusChip status="failed" errorCode="no_route" />).container.textContent).toBe('Fehlgeschlagen — keine SMS-Zentrale bedient diese Nummer');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
