import type { Request } from 'express';
import { languages, type Language } from './text';

const isLanguage = (value: unknown): value is Language => languages.includes(value as Language);

/** `?lang=` (the page's switch) first, then the browser's Accept-Language; Ukrainian by default. */
export function pageLanguage(req: Request): Language {
  if (isLanguage(req.query.lang)) return req.query.lang;
  const accepted = req.acceptsLanguages(...languages);
  return isLanguage(accepted) ? accepted : 'uk';
}

/** The same address (token and all) in the other language, relative so it stays on this page. */
export function otherLanguageHref(req: Request, language: Language): string {
  const query = new URL(req.originalUrl, 'http://page.invalid').searchParams;
  query.set('lang', language === 'uk' ? 'en' : 'uk');
  return `?${query}`;
}
