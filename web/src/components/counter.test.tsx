import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { preview } from '../test-kit';
import { MessageCounter } from './counter';

describe('MessageCounter', () => {
  it('shows characters, parts, encoding and the cost for the recipients', () => {
    render(<MessageCounter text="Hello" preview={preview({ characters: 5, units: 5 })} recipients={3} />);
    expect(screen.getByTestId('count-characters').textContent).toBe('5 characters');
    expect(screen.getByTestId('count-parts').textContent).toBe('1 part (at most 10)');
    expect(screen.getByTestId('count-encoding').textContent).toBe('Standard characters (GSM)');
    expect(screen.getByTestId('count-cost').textContent).toBe('Cost 0.05 per recipient, 0.15 in all');
    expect(document.querySelector('mark')).toBeNull();
  });

  it('marks the characters that force Unicode', () => {
    const text = 'Café ✓ ok';
    render(<MessageCounter text={text} preview={preview({ encoding: 'ucs2', characters: 9, parts: 1, units_per_part: 70, non_gsm_characters: ['✓'] })} recipients={1} />);
    expect(screen.getByTestId('count-encoding').textContent).toBe('Unicode');
    const marks = [...document.querySelectorAll('mark')].map((m) => m.textContent);
    expect(marks).toEqual(['✓']);
    expect(screen.getByLabelText('Your message with the Unicode characters marked').textContent).toBe(text);
  });

  it('says what is wrong with the text', () => {
    render(<MessageCounter text="" preview={preview({ problem: { code: 'empty', reason: 'Text is empty' } })} recipients={0} />);
    expect(screen.getByRole('alert').textContent).toBe('The message is empty.');
  });
});
