import { AsyncLocalStorage } from 'node:async_hooks';

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

const requestLocale = new AsyncLocalStorage<Locale>();

/** Runs `work` (a request's handling) with `locale` as the language of every message it makes. */
export function withLocale<T>(locale: Locale, work: () => T): T {
  return requestLocale.run(locale, work);
}

/** The language of the request being handled, or the default outside one. */
export function currentLocale(): Locale {
  return requestLocale.getStore() ?? defaultLocale;
}

/** The text in the request's language. */
export function localize(text: Translations): string {
  return text[currentLocale()];
}

/** Words more than one service uses. */
export const commonMessages = {
  invalidEmail: { en: 'Enter a valid email address', uk: 'Введіть правильну адресу пошти', ru: 'Введите правильный адрес почты' },
  phoneFormat: {
    en: 'Enter the phone in international format, e.g. +380501234567',
    uk: 'Введіть телефон у міжнародному форматі, напр. +380501234567',
    ru: 'Введите телефон в международном формате, напр. +380501234567',
  },
} satisfies Record<string, Translations>;

/** Builds a text in every language from one function of the language. */
export function translated(text: (locale: Locale) => string): Translations {
  return { en: text('en'), uk: text('uk'), ru: text('ru') };
}
