import { describe, expect, it } from 'vitest';
import type { AppError } from '../../platform/errors.js';
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

  it('refuses blank, control characters and repetitive passwords, saying why', () => {
    const reasonOf = (p: string) => {
      try {
        checkPasswordPolicy(p);
        return null;
      } catch (error) {
        return { code: (error as AppError).code, reason: (error as AppError).reason };
      }
    };
    expect(reasonOf(' '.repeat(12))).toEqual({ code: 'weak_password', reason: 'blank' });
    expect(reasonOf('\u3000'.repeat(10))).toEqual({ code: 'weak_password', reason: 'blank' });
    expect(reasonOf('\u0001'.repeat(10))).toEqual({ code: 'weak_password', reason: 'control_characters' });
    expect(reasonOf('horse\nbattery')).toEqual({ code: 'weak_password', reason: 'control_characters' });
    expect(reasonOf('horse\u0085battery')).toEqual({ code: 'weak_password', reason: 'control_characters' });
    for (const p of ['abababab', 'aaaaaaaaaaaa', 'abcabcabcabc', 'ABABabab', 'xyzwxyzwxyzw', '11112222']) {
      expect(reasonOf(p), p).toMatchObject({ code: 'weak_password' });
    }
    expect(reasonOf('password')).toEqual({ code: 'weak_password', reason: 'common' });
    expect(reasonOf('short')).toEqual({ code: 'weak_password', reason: 'too_short' });
    for (const p of ['horse battery', 'correct horse battery staple', 'a brand new passphrase', 'Zw9!kd3$']) {
      expect(reasonOf(p), p).toBeNull();
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
