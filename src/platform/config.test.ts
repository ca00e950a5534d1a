import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, joinConfig, loadConfig, PlatformConfigSchema, publicUrl } from './config.js';

const schema = joinConfig(PlatformConfigSchema, Type.Object({ HERALD_EXTRA: Type.Boolean({ default: true }) }));

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config', () => {
  it('has a default for everything that works on one machine', () => {
    const config = loadConfig(schema, {});
    expect(config).toMatchObject({ HERALD_HOST: '127.0.0.1', HERALD_PORT: 8080, HERALD_DATA_DIR: './data', HERALD_EXTRA: true });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(publicUrl(config)).toBe('http://127.0.0.1:8080');
  });

  it('has one currency, EUR unless set, and refuses a code ISO 4217 does not list, naming the setting', () => {
    expect(loadConfig(schema, {}).HERALD_CURRENCY).toBe('EUR');
    expect(loadConfig(schema, { HERALD_CURRENCY: 'GBP' }).HERALD_CURRENCY).toBe('GBP');
    for (const bad of ['eur', 'EURO', 'ABC', '€']) expect(problems({ HERALD_CURRENCY: bad }).join('\n')).toMatch(/^HERALD_CURRENCY: .*ISO 4217/);
  });

  it('converts text from the environment', () => {
    const config = loadConfig(schema, { HERALD_PORT: '9090', HERALD_TRUST_PROXY: 'true', HERALD_EXTRA: 'false' });
    expect(config.HERALD_PORT).toBe(9090);
    expect(config.HERALD_TRUST_PROXY).toBe(true);
    expect(config.HERALD_EXTRA).toBe(false);
  });

  it('names the variable and the reason for a bad value', () => {
    const [port] = problems({ HERALD_PORT: '99999' });
    expect(port).toMatch(/^HERALD_PORT: .*65535.*got "99999"/);
    expect(problems({ HERALD_PORT: 'eighty' })[0]).toMatch(/^HERALD_PORT: /);
    expect(problems({ DATABASE_URL: 'mysql://x' })[0]).toMatch(/^DATABASE_URL: /);
    expect(problems({ HERALD_LOG_LEVEL: 'loud' })[0]).toMatch(/^HERALD_LOG_LEVEL: /);
  });

  it('refuses an unknown HERALD_ setting, so a typo does not pass silently', () => {
    expect(problems({ HERALD_PROT: '80' })).toEqual(['HERALD_PROT: unknown setting']);
    expect(problems({ PATH: '/bin', HOME: '/root' })).toEqual([]);
  });

  it('reads a JSON file, with the environment taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
    const file = join(dir, 'herald.json');
    writeFileSync(file, JSON.stringify({ HERALD_PORT: 7000, HERALD_HOST: '0.0.0.0' }));
    const config = loadConfig(schema, { HERALD_CONFIG_FILE: file, HERALD_PORT: '7001' });
    expect(config.HERALD_PORT).toBe(7001);
    expect(config.HERALD_HOST).toBe('0.0.0.0');
    expect(publicUrl(config)).toBe('http://127.0.0.1:7001');
    writeFileSync(file, '{not json');
    expect(problems({ HERALD_CONFIG_FILE: file })[0]).toMatch(/^HERALD_CONFIG_FILE: cannot read/);
  });
});
