import { describe, expect, it } from 'vitest';
import { optOutKeyword } from './opt-out.js';

describe('optOutKeyword', () => {
  it.each([
    ['STOP', 'stop'], [' stop! ', 'stop'], ['Unsubscribe.', 'stop'], ['STOPALL', 'stop'], ['quit', 'stop'], ['END', 'stop'],
    ['CANCEL', 'stop'], ['¡Stop!', 'stop'], ['\n stop \t', 'stop'], ['"STOP"', 'stop'], ['start', 'start'], ['UnStop!!', 'start'], ['START.', 'start'],
  ])('%j asks to %s', (text, action) => {
    expect(optOutKeyword(text)?.action).toBe(action);
  });

  it.each(["don't stop", 'stop it', 'STOP ALL', 'please stop', 'stopped', 'S T O P', '', '!!!', 'startup', 'the end'])('%j is not a keyword', (text) => {
    expect(optOutKeyword(text)).toBeNull();
  });
});
