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
 * Cyrillic capitals that look like Latin ones: a code read off a screen and typed on a Ukrainian
 * keyboard comes out as КВ7М2Q9D4ХКТ.
 */
const latinOf: Record<string, string> = { А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: 'I', К: 'K', М: 'M', О: 'O', Р: 'P', Т: 'T', Х: 'X', У: 'Y' };
/** Crockford's reading of the letters the alphabet leaves out: O is zero, I and L are one. */
const digitOf: Record<string, string> = { O: '0', I: '1', L: '1' };

/**
 * The reference in a payment's purpose as a bank or a person wrote it: any case, Cyrillic
 * lookalikes, O for zero, a hyphen or space after `KB`; null when it carries none (or more than
 * one different, which names no one item).
 */
export function transferReferenceIn(purpose: string): string | null {
  // The Cyrillic capitals of `latinOf`, escaped: bundles are ASCII.
  const latin = purpose.toUpperCase().replace(/[\u0410\u0412\u0421\u0415\u041D\u0406\u041A\u041C\u041E\u0420\u0422\u0425\u0423]/g, (letter) => latinOf[letter]!);
  const found = new Set<string>();
  for (const match of latin.matchAll(/(?<![0-9A-Z])KB[-\s]?([0-9A-Z]{10})(?![0-9A-Z])/g)) {
    const code = match[1]!.replace(/[OIL]/g, (letter) => digitOf[letter]!);
    if (/^[0-9A-HJKMNP-TV-Z]{10}$/.test(code)) found.add(`KB${code}`);
  }
  return found.size === 1 ? [...found][0]! : null;
}
