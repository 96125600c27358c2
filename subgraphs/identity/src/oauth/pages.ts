import { scopeDescriptions, type Scope } from '@kabinet/auth';
import { defaultLocale, locales, type Locale, type Translations } from '@kabinet/errors';
import { html, joinHtml as join, page, statusRegion, type Html } from '@kabinet/http/html';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** The page's language from Accept-Language among ours; English without one, like the API. */
export function pageLocale(acceptsLanguages: (...languages: string[]) => string | false): Locale {
  const accepted = acceptsLanguages(...locales);
  return accepted && (locales as readonly string[]).includes(accepted) ? (accepted as Locale) : defaultLocale;
}

/**
 * Nothing but our stylesheet loads, nothing runs, and the page cannot be framed. Forms may post
 * only here, and the redirects that follow them may lead only to the app's own redirect URI
 * (`formTargets`): browsers apply form-action to those redirects too.
 */
export function pageSecurityHeaders(formTargets: string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'${formTargets.map((target) => ` ${target}`).join('')}; base-uri 'none'; frame-ancestors 'none'`,
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/** How a redirect URI is named in a CSP source list: its origin, or its scheme for an app's custom one. */
export function cspSourceOf(redirectUri: string | undefined): string[] {
  const url = redirectUri ? URL.parse(redirectUri) : null;
  if (!url) return [];
  return [url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol];
}

const text = {
  loginTitle: { en: 'Log in to Kabinet', uk: 'Вхід до Кабінету', ru: 'Вход в Кабинет' },
  loginIntro: (app: string): Translations => ({
    en: `${app} asks for access to your Kabinet. Log in to see what it asks for; your password stays with Kabinet.`,
    uk: `${app} просить доступ до вашого Кабінету. Увійдіть, щоб побачити, про що саме йдеться; ваш пароль лишається в Кабінеті.`,
    ru: `${app} просит доступ к вашему Кабинету. Войдите, чтобы увидеть, о чём именно идёт речь; ваш пароль остаётся в Кабинете.`,
  }),
  email: { en: 'Email', uk: 'Адреса пошти', ru: 'Адрес почты' },
  password: { en: 'Password', uk: 'Пароль', ru: 'Пароль' },
  logIn: { en: 'Log in', uk: 'Увійти', ru: 'Войти' },
  consentTitle: (app: string): Translations => ({
    en: `Allow ${app} access?`,
    uk: `Дозволити доступ застосунку ${app}?`,
    ru: `Разрешить доступ приложению ${app}?`,
  }),
  consentIntro: (app: string, email: string): Translations => ({
    en: `${app} asks to act for you (${email}) in Kabinet. It will be able to:`,
    uk: `${app} просить діяти від вашого імені (${email}) у Кабінеті. Він зможе:`,
    ru: `${app} просит действовать от вашего имени (${email}) в Кабинете. Он сможет:`,
  }),
  consentNote: {
    en: 'Nothing else: not your password, not your profile. You can revoke this access at any time in Kabinet.',
    uk: 'Нічого більше: ні вашого пароля, ні профілю. Ви можете скасувати цей доступ будь-коли в Кабінеті.',
    ru: 'Ничего больше: ни вашего пароля, ни профиля. Вы можете отозвать этот доступ в любой момент в Кабинете.',
  },
  allow: { en: 'Allow', uk: 'Дозволити', ru: 'Разрешить' },
  refuse: { en: 'Refuse', uk: 'Відмовити', ru: 'Отказать' },
  errorTitle: { en: 'This request cannot go on', uk: 'Цей запит не може тривати далі', ru: 'Этот запрос не может продолжаться' },
  errorIntro: {
    en: 'The app that sent you here asked for something Kabinet cannot give. Go back to the app and try again; if it happens again, tell the app’s makers what is below.',
    uk: 'Застосунок, що надіслав вас сюди, попросив те, чого Кабінет дати не може. Поверніться до застосунку й спробуйте ще раз; якщо це повториться, перекажіть його розробникам те, що нижче.',
    ru: 'Приложение, которое отправило вас сюда, попросило то, чего Кабинет дать не может. Вернитесь в приложение и попробуйте ещё раз; если это повторится, передайте его разработчикам то, что ниже.',
  },
  expired: {
    en: 'This sign-in has expired or was already completed. Go back to the app and start again.',
    uk: 'Цей вхід уже завершено або минув його час. Поверніться до застосунку й почніть знову.',
    ru: 'Этот вход уже завершён или истекло его время. Вернитесь в приложение и начните снова.',
  },
  customersOnly: {
    en: 'Only customer logins can allow apps access. Log in with your customer account.',
    uk: 'Дозволяти доступ застосункам можуть лише входи клієнтів. Увійдіть як клієнт.',
    ru: 'Разрешать доступ приложениям могут только входы клиентов. Войдите как клиент.',
  },
} satisfies Record<string, Translations | ((...args: string[]) => Translations)>;

export const oauthTexts = text;

const layout = (locale: Locale, title: string, main: Html): string => page({ language: locale, title, main });

export function loginPage(locale: Locale, options: { action: string; appName: string; email?: string; error?: string }): string {
  const main = html`<p>${text.loginIntro(options.appName)[locale]}</p>
${options.error ? statusRegion(options.error) : undefined}
<form method="post" action="${options.action}">
<div class="field"><label for="email">${text.email[locale]}</label>
<input id="email" name="email" type="email" autocomplete="username" spellcheck="false" required value="${options.email ?? ''}"></div>
<div class="field"><label for="password">${text.password[locale]}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></div>
<button type="submit">${text.logIn[locale]}</button>
</form>`;
  return layout(locale, text.loginTitle[locale], main);
}

export function consentPage(locale: Locale, options: { action: string; appName: string; email: string; scopes: Scope[] }): string {
  const items = join(options.scopes.map((scope) => html`<li>${scopeDescriptions[scope][locale]}</li>`));
  const main = html`<p>${text.consentIntro(options.appName, options.email)[locale]}</p>
<ul id="scopes">
${items}
</ul>
<p class="hint">${text.consentNote[locale]}</p>
<form method="post" action="${options.action}">
<button type="submit" name="decision" value="allow">${text.allow[locale]}</button>
<button type="submit" name="decision" value="refuse" class="secondary">${text.refuse[locale]}</button>
</form>`;
  return layout(locale, text.consentTitle(options.appName)[locale], main);
}

export function messagePage(locale: Locale, message: string, details?: Record<string, string>): string {
  const list = details
    ? html`<dl>${join(Object.entries(details).map(([key, value]) => html`<dt>${key}</dt><dd><code>${value}</code></dd>`))}</dl>`
    : undefined;
  return layout(locale, text.errorTitle[locale], html`${statusRegion(message)}${list}`);
}

/** oidc-provider's own error page (an unknown client, a redirect URI not registered): ours, in the customer's language. */
export function renderErrorPage(ctx: KoaContextWithOIDC, out: Record<string, string | undefined>): void {
  const locale = pageLocale((...languages) => ctx.acceptsLanguages(...languages));
  const details = Object.fromEntries(
    Object.entries(out).filter((entry): entry is [string, string] => ['error', 'error_description'].includes(entry[0]) && typeof entry[1] === 'string'),
  );
  ctx.set(pageSecurityHeaders());
  ctx.type = 'html';
  ctx.body = messagePage(locale, text.errorIntro[locale], details);
}
