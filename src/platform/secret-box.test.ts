import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSealed, openSecret, sealSecret, secretKeyMaterial, useSecretKey } from './secret-box.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-secret-box-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the secret box', () => {
  it('makes the key file once, owner-only, and reads the same key after', () => {
    const first = secretKeyMaterial(undefined, join(dir, 'data'));
    expect(first.source).toBe('new file');
    expect(statSync(first.path!).mode & 0o777).toBe(0o600);
    expect(secretKeyMaterial(undefined, join(dir, 'data'))).toEqual({ ...first, source: 'file' });
    expect(secretKeyMaterial('x'.repeat(32), join(dir, 'data')).source).toBe('config');
  });

  it('seals with AES-256-GCM, opens what it sealed, refuses a tampered value or another key', () => {
    useSecretKey('one key of thirty-two characters at least');
    const sealed = sealSecret('whsec_abc');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('abc');
    expect(sealSecret('whsec_abc')).not.toBe(sealed);
    expect(openSecret(sealed)).toBe('whsec_abc');
    expect(openSecret('whsec_plain_from_before')).toBe('whsec_plain_from_before');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => openSecret(tampered)).toThrow(/HERALD_SECRET_KEY/);
    useSecretKey('another key of thirty-two characters at least');
    expect(() => openSecret(sealed)).toThrow(/HERALD_SECRET_KEY/);
    expect(() => useSecretKey('short')).toThrow(/32/);
  });
});
