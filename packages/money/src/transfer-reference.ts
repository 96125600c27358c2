import { randomBytes } from 'node:crypto';

/*
 * A bank transfer's reference: how a payment made in a household's banking app, days later on a
 * supplier's bank registry, is known again as one item of a Kabinet checkout. Payments makes it and
 * prints it in the transfer's purpose; the utility finds it in the purpose column of the registry.
 * `KB` and ten characters of Crockford's base32 (50 random bits): short enough to survive a bank
 * cutting the purpose, and without the letters I, L, O and U that people and banks' OCR misread.
 */

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new reference, e.g. `KB7M2Q9D4XKT`. */
export function newTransferReference(): string {
  const bytes = randomBytes(10);
  let text = 'KB';
  for (const byte of bytes) text += alphabet[byte & 31];
  return text;
}

/**
 * The reference in a payment's purpose as a bank wrote it: any case, with a hyphen or space after
 * `KB`; null when it carries none (or more than one different, which names no one item).
 */
export function transferReferenceIn(purpose: string): string | null {
  const found = new Set<string>();
  for (const match of purpose.matchAll(/(?<![0-9A-Z])KB[-\s]?([0-9A-HJKMNP-TV-Z]{10})(?![0-9A-Z])/gi)) found.add(`KB${match[1]!.toUpperCase()}`);
  return found.size === 1 ? [...found][0]! : null;
}
