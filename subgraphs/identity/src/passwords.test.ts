import { describe, expect, it } from 'vitest';
import { messages } from './messages';
import { hashPassword, passwordMatches, passwordWeakness } from './passwords';
import { hashSecretToken, newSecretToken, normalizeEmail } from './secrets';

describe('password rule', () => {
  it.each([
    ['short1!', 'too short'],
    ['x'.repeat(129) + '1', 'too long'],
    ['1234567890!', 'no letter'],
    ['onlyletterspassword', 'only letters'],
    ['olena-2026-secret', 'contains the email name'],
  ])('refuses %s (%s)', (password, why) => {
    expect(passwordWeakness(password, 'olena@example.com')).toBe(why);
  });

  it('tells a passphrase over the limit that it is too long, not too simple', () => {
    expect(messages.weakPassword('too long').uk).toMatch(/^Пароль задовгий\. Використайте від 10 до 128 символів/);
    expect(messages.weakPassword('too long').en).not.toContain('weak');
    expect(messages.weakPassword('too short').en).toMatch(/^Password is too weak \(too short\)/);
  });

  it('accepts the demo password and Cyrillic passphrases', () => {
    expect(passwordWeakness('kabinet-demo-2026', 'demo@kabinet.dev')).toBeNull();
    expect(passwordWeakness('Київ-весна-2026', 'olena@example.com')).toBeNull();
  });

  it('hashes with argon2id and verifies', async () => {
    const hashed = await hashPassword('correct horse 1');
    expect(hashed).toMatch(/^\$argon2id\$/);
    expect(await passwordMatches(hashed, 'correct horse 1')).toBe(true);
    expect(await passwordMatches(hashed, 'correct horse 2')).toBe(false);
  });
});

describe('secret tokens', () => {
  it('are random and stored only as their hash', () => {
    const a = newSecretToken();
    const b = newSecretToken();
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashSecretToken(a.token));
    expect(a.hash).not.toContain(a.token);
  });

  it('normalises emails', () => {
    expect(normalizeEmail('  Olena@Example.COM ')).toBe('olena@example.com');
  });
});
