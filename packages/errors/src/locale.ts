/**
 * The languages Kabinet answers in: Ukrainian and English, and Russian for the suppliers whose
 * customers read it. Codes never change with the language; messages do.
 */
export const locales = ['en', 'uk', 'ru'] as const;
export type Locale = (typeof locales)[number];

/** Without an Accept-Language (scripts, tools, Sandbox), the API speaks English. */
export const defaultLocale: Locale = 'en';

/** One text in every language we answer in. */
export type Translations = Record<Locale, string>;

/** True for a text in every language (a `Translations`), as errors' details may hold. */
export function isTranslations(value: unknown): value is Translations {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === locales.length && locales.every((locale) => typeof (value as Record<string, unknown>)[locale] === 'string');
}

/** Words more than one service uses. */
export const commonMessages = {
  invalidEmail: { en: 'Enter a valid email address', uk: 'Введіть правильну адресу пошти', ru: 'Введите правильный адрес почты' },
  phoneFormat: {
    en: 'Enter a phone number, e.g. 067 123 45 67, or with its country code, e.g. +380 67 123 45 67',
    uk: 'Введіть номер телефону, напр. 067 123 45 67, або з кодом країни, напр. +380 67 123 45 67',
    ru: 'Введите номер телефона, напр. 067 123 45 67, или с кодом страны, напр. +380 67 123 45 67',
  },
} satisfies Record<string, Translations>;

/** Builds a text in every language from one function of the language. */
export function translated(text: (locale: Locale) => string): Translations {
  return { en: text('en'), uk: text('uk'), ru: text('ru') };
}
