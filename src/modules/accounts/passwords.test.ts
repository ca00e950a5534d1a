import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';

describe('password policy', () => {
  it('asks for length, not composition', () => {
    expect(() => checkPasswordPolicy('horse battery')).not.toThrow();
    expect(() => checkPasswordPolicy('ééééééé')).toThrow(/at least 8/);
    expect(() => checkPasswordPolicy('x'.repeat(257))).toThrow(/at most 256/);
  });

  it('refuses the most common passwords', () => {
    for (const p of ['password', 'iloveyou', '12345678', 'Password1', 'QWERTYUIOP']) {
      expect(() => checkPasswordPolicy(p), p).toThrow(/most common/);
    }
  });

  it('hashes with Argon2id at or above the floor and verifies', async () => {
    const hash = await hashPassword('horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword(hash, 'horse battery staple')).toEqual({ ok: true, rehash: false });
    expect((await verifyPassword(hash, 'horse battery stapler')).ok).toBe(false);
    expect((await verifyPassword(null, 'anything')).ok).toBe(false);
  });

  it('asks for a rehash of a hash made with weaker parameters', async () => {
    const argon2 = (await import('argon2')).default;
    const weak = await argon2.hash('horse battery staple', { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    expect(await verifyPassword(weak, 'horse battery staple')).toEqual({ ok: true, rehash: true });
  });
});
