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
  for (const country of nationalReadings) {
    const parsed = raw.length <= 40 ? parsePhoneNumberFromString(raw, country) : undefined;
    if (parsed?.isValid()) return parsed.number;
  }
  throw badInput(commonMessages.phoneFormat, { field });
}
