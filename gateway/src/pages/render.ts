import { Html, html, page, statusRegion } from '@kabinet/http/html';
import { texts, type ActionText, type Language, type LanguageText, type PageText } from './text';

/** A mutation of the web app's manifest, as the page sends it (by id) and reads its answer. */
export interface PageOperation {
  /** The manifest id (sha256 of the body): sent as `extensions.persistedQuery.sha256Hash`. */
  id: string;
  name: string;
  /** The mutation's root field, under which the answer comes. */
  field: string;
}

/** What the page's script acts on: which operation to send and what to say. */
export interface ClientConfig {
  action: 'confirmEmail' | 'resetPassword' | 'requestPasswordReset' | 'confirmEReceipts';
  operation: PageOperation;
  text: ActionText;
}

export interface PageLayout {
  language: Language;
  /** The same page in the other language. */
  switchHref: string;
}

function layout({ language, switchHref }: PageLayout, title: string, main: Html, client?: ClientConfig): string {
  const other: Language = language === 'uk' ? 'en' : 'uk';
  // A data block, not a script: the page's CSP allows no inline script. `<` is escaped so the JSON cannot close the element.
  const config = client ? new Html(`<script type="application/json" id="page-config">${JSON.stringify(client).replace(/</g, '\\u003c')}</script>`) : undefined;
  return page({
    language,
    title,
    main,
    head: client ? new Html('<script type="module" src="/pages/mailed-link.js"></script>') : undefined,
    nav: html`<nav aria-label="${texts[language].languageNav}"><a class="language" href="${switchHref}" lang="${other}" hreflang="${other}">${texts[other].name}</a></nav>`,
    end: config,
  });
}

/** A page that can only explain: what went wrong (a broken link, a utility without e-receipts), or, as `info`, what happens next. */
export function messagePage(page: PageLayout, title: string, message: string, tone: 'error' | 'info' = 'error'): string {
  return layout(page, title, statusRegion(message, tone));
}

/** A page whose button sends the link's token (or typed input) to the API; the form stays hidden until the script runs. */
export function actionPage(
  page: PageLayout,
  text: LanguageText,
  pageText: PageText,
  client: Omit<ClientConfig, 'text'>,
  extras: { fields?: Html; nextStep?: { href: string; label: string } } = {},
): string {
  const nextStep = extras.nextStep && html`<p id="next-step" hidden><a href="${extras.nextStep.href}">${extras.nextStep.label}</a></p>`;
  const main = html`<p>${pageText.intro}</p>
<noscript><p class="status" data-tone="error">${text.noScript}</p></noscript>
<form id="action-form" method="post" novalidate hidden>
${extras.fields}
<button type="submit">${pageText.button}</button>
</form>
${statusRegion()}
${nextStep}`;
  return layout(page, pageText.title, main, { ...client, text: pageText.action });
}

export const passwordFields = (text: LanguageText) => html`<p id="password-rule" class="hint">${text.resetPassword.rule}</p>
<div class="field"><label for="new-password">${text.resetPassword.newPassword}</label>
<input id="new-password" name="new-password" type="password" autocomplete="new-password" required aria-describedby="password-rule"></div>
<div class="field"><label for="repeat-password">${text.resetPassword.repeatPassword}</label>
<input id="repeat-password" name="repeat-password" type="password" autocomplete="new-password" required></div>`;

export const emailField = (text: LanguageText) => html`<div class="field"><label for="email">${text.requestReset.email}</label>
<input id="email" name="email" type="email" autocomplete="email" spellcheck="false" required></div>`;
