import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { preview } from '../test-kit';
import { MessageCounter } from './counter';

describe('MessageCounter', () => {
  it('shows characters, parts, encoding and the cost for the recipients', () => {
    const { rerender } = render(<MessageCounter text="Hello" preview={preview({ characters: 5, units: 5 })} cost={null} />);
    expect(screen.getByTestId('count-cost').textContent).toBe('About €0.05 per recipient');
    rerender(<MessageCounter text="Hello" preview={preview({ characters: 5, units: 5 })} cost={{ total: 15, estimate: false }} />);
    expect(screen.getByTestId('count-characters').textContent).toBe('5 characters');
    expect(screen.getByTestId('count-parts').textContent).toBe('1 part (at most 10)');
    expect(screen.getByTestId('count-encoding').textContent).toBe('Standard characters (GSM)');
    expect(screen.getByTestId('count-cost').textContent).toBe('Cost €0.15');
    rerender(<MessageCounter text="Hello" preview={preview({ characters: 5, units: 5 })} cost={{ total: 1234567, estimate: true }} />);
    expect(screen.getByTestId('count-cost').textContent).toBe('Cost about €12,345.67');
    expect(document.querySelector('mark')).toBeNull();
  });

  it('marks the characters that force Unicode', () => {
    const text = 'Café ✓ ok';
    render(<MessageCounter text={text} preview={preview({ encoding: 'ucs2', characters: 9, parts: 1, units_per_part: 70, non_gsm_characters: ['✓'] })} cost={null} />);
    expect(screen.getByTestId('count-encoding').textContent).toBe('Unicode');
    const marks = [...document.querySelectorAll('mark')].map((m) => m.textContent);
    expect(marks).toEqual(['✓']);
    expect(screen.getByTestId('highlighted').textContent).toBe(text);
    expect(document.querySelector('.highlighted')!.textContent).toBe(`Your message with the Unicode characters marked: ${text}`);
    expect(document.querySelector('p[aria-label]')).toBeNull();
  });

  it('formats large counts for the locale, and announces only a change of parts or encoding', () => {
    const { rerender } = render(<MessageCounter text="x" preview={preview({ characters: 1234, parts: 1 })} cost={null} />);
    expect(screen.getByTestId('count-characters').textContent).toBe('1,234 characters');
    const announcer = screen.getByTestId('count-announcer');
    expect(announcer.getAttribute('role')).toBe('status');
    expect(announcer.textContent).toBe('');
    rerender(<MessageCounter text="xy" preview={preview({ characters: 1235, parts: 1 })} cost={null} />);
    expect(announcer.textContent).toBe('');
    rerender(<MessageCounter text="xyz" preview={preview({ characters: 1236, parts: 2 })} cost={null} />);
    expect(announcer.textContent).toBe('2 parts (at most 10), Standard characters (GSM)');
    rerender(<MessageCounter text="xyz✓" preview={preview({ encoding: 'ucs2', characters: 1237, parts: 2, non_gsm_characters: ['✓'] })} cost={null} />);
    expect(announcer.textContent).toBe('2 parts (at most 10), Unicode');
    // The counter itself is not a live region: it would be read at every keystroke.
    expect(document.querySelector('.counter')!.getAttribute('aria-live')).toBeNull();
  });

  it('says what is wrong with the text', () => {
    render(<MessageCounter text="" preview={preview({ problem: { code: 'empty', reason: 'Text is empty' } })} cost={null} />);
    expect(screen.getByRole('alert').textContent).toBe('The message is empty.');
  });
});
