import { badInput, commonMessages } from '@kabinet/errors';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Where a number typed without its country code is read: Ukraine first ("067 123 45 67"), then
 * Russia ("8 914 123 45 67"), whose Kamchatka supplier Kabinet serves. A number with its `+` code
 * is read as written, from any country.
 */
const nationalReadings: readonly CountryCode[] = ['UA', 'RU'];

/**
 * A phone number as a person types it (spaces, brackets, dashes, with or without the country
 * code), kept as E.164 ("+380671234567"); null when none was given. One the numbering plans do not
 * have is refused (BAD_USER_INPUT on `field`).
 */
export function phoneInput(raw: string | null | undefined, field = 'phone'): string | null {
  if (!raw?.trim()) return null;
  // No number is 40 characters long, however it is spaced: longer text is not read at all.
  if (raw.length <= 40) {
    for (const country of nationalReadings) {
      const parsed = parsePhoneNumberFromString(raw, country);
      if (parsed?.isValid()) return parsed.number;
    }
  }
  throw badInput(commonMessages.phoneFormat, { field });
}
