import { describe, expect, it } from 'vitest';
import { forwardEmail, oneLine } from './forward-email.js';

describe('forwardEmail', () => {
  it('keeps a hostile sender on one line of the subject', () => {
    const email = forwardEmail({ from: '+32 \r\nBcc: x@y', to: '+3225550100', text: 'hi\r\nBcc: z@w', receivedAt: new Date(0), incomplete: false });
    expect(email.subject).toBe('SMS from +32 Bcc: x@y');
    expect(email.text).toBe('From: +32 Bcc: x@y\nTo: +3225550100\nReceived: 1970-01-01T00:00:00.000Z\n\nhi\r\nBcc: z@w');
  });

  it('writes in the language of the one it goes to', () => {
    const email = forwardEmail({ from: '+32475000001', to: '+3225550100', text: 'Ja', receivedAt: new Date(0), incomplete: true }, 'de');
    expect(email.subject).toBe('SMS von +32475000001');
    expect(email.text).toBe('Von: +32475000001\nAn: +3225550100\nEmpfangen: 1970-01-01T00:00:00.000Z\nEinige Teile dieser Nachricht sind nie angekommen.\n\nJa');
  });

  it.each(['a\u2028b', 'a\u0085b', 'a\0b', 'a\tb', 'a\u2029b'])('turns %j into one line', (value) => {
    expect(oneLine(value)).toBe('a b');
  });

  it('shortens long values and names an empty one', () => {
    expect(oneLine('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(oneLine('\r\n')).toBe('(unknown)');
  });
});
