import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';
import { parseSender } from '../senders/index.js';
import { SmsConfigSchema } from './config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(SmsConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

// The installation's default sender goes through parseSender at every send and
// senders listing: one it refuses must stop Herald at start, naming the setting.
describe('HERALD_SMS_DEFAULT_SENDER', () => {
  it.each(['Herald', 'Acme Sales', '+32475000100', 'pool'])('takes %s, which parseSender accepts', (value) => {
    expect(problems({ HERALD_SMS_DEFAULT_SENDER: value })).toEqual([]);
    expect(() => parseSender(value)).not.toThrow();
  });

  it.each(['Acme Sales!', 'AcmeBrussels', 'Café'])('refuses %s at start, naming the setting', (value) => {
    expect(problems({ HERALD_SMS_DEFAULT_SENDER: value })[0]).toMatch(/^HERALD_SMS_DEFAULT_SENDER: /);
    expect(() => parseSender(value)).toThrow();
  });
});
