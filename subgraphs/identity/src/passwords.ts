import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2's Algorithm is an ambient const enum; 2 is Argon2id.
const argon2id = 2;
import { DomainError } from '@kabinet/errors';
import { messages } from './messages';

/** Why `password` is too weak, or `null` when it is acceptable. */
export function passwordWeakness(password: string, email: string): string | null {
  if (password.length < 10) return 'too short';
  if (password.length > 128) return 'too long';
  if (!/\p{L}/u.test(password)) return 'no letter';
  if (!/[^\p{L}]/u.test(password)) return 'only letters';
  const localPart = email.split('@')[0]?.toLowerCase() ?? '';
  // Short local parts ("ivan", "demo") are common words; only longer ones identify the user.
  if (localPart.length >= 5 && password.toLowerCase().includes(localPart)) return 'contains the email name';
  return null;
}

export function assertStrongPassword(password: string, email: string): void {
  const weakness = passwordWeakness(password, email);
  if (weakness) throw new DomainError('WEAK_PASSWORD', messages.weakPassword(weakness), { field: 'password' });
}

export const hashPassword = (password: string) => hash(password, { algorithm: argon2id });

export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Verified against when no user matches, so that unknown emails take as long as wrong passwords. */
export const decoyHash = await hashPassword('kabinet-decoy-password-1');
