import { fileURLToPath } from 'node:url';
import type { Request, RequestHandler, Response, Router } from 'express';
import express from 'express';
import type { PersistedQueryManifest } from '@kabinet/clients';
import { otherLanguageHref, pageLanguage } from './language';
import { actionPage, emailField, messagePage, passwordFields, type PageLayout, type PageOperation } from './render';
import { texts, utilities, type LanguageText, type Utility } from './text';

export interface MailedLinkPagesOptions {
  /**
   * The web app's persisted query manifest: the pages send its operations by id, so they work
   * wherever the app does (FIRST_PARTY_OPERATIONS=safelist in production). A utility's e-receipt
   * page works only if the manifest has its confirmation.
   */
  manifest: PersistedQueryManifest;
}

/**
 * The token travels in the address: nothing may take it elsewhere (no referrer, no cache, no
 * other origin, no framing), and only our own files may run on the page.
 */
const securityHeaders: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const secured: RequestHandler = (_req, res, next) => {
  res.set(securityHeaders);
  next();
};

const assetsDirectory = fileURLToPath(new URL('./assets', import.meta.url));

const queryToken = (req: Request) => (typeof req.query.token === 'string' && req.query.token !== '' ? req.query.token : null);

const capitalized = (utility: Utility) => `${utility[0]!.toUpperCase()}${utility.slice(1)}`;

/** A manifest operation by name: the id the page sends and the root field its answer is under. */
function pageOperation(manifest: PersistedQueryManifest, name: string): PageOperation | undefined {
  const operation = manifest.operations.find((candidate) => candidate.name === name);
  if (!operation) return undefined;
  const field = /^mutation\s+\w+[^{]*\{\s*(\w+)/.exec(operation.body)?.[1];
  if (!field) throw new Error(`manifest operation ${name} is not a mutation of one field`);
  return { id: operation.id, name, field };
}

function requiredOperation(manifest: PersistedQueryManifest, name: string): PageOperation {
  const operation = pageOperation(manifest, name);
  if (!operation) throw new Error(`the web app's manifest has no operation ${name}: the mailed-link pages send it`);
  return operation;
}

function sendPage(req: Request, res: Response, status: number, render: (page: PageLayout, text: LanguageText) => string) {
  const language = pageLanguage(req);
  res.status(status).vary('Accept-Language').set('Content-Language', language).type('html');
  res.send(render({ language, switchHref: otherLanguageHref(req, language) }, texts[language]));
}

/**
 * The pages behind the links Kabinet mails (APP_URL/confirm-email, /reset-password,
 * /e-receipts/confirm) and where a payment provider sends the payer back (/payments/return), until a web app serves them. Each completes its action in the browser
 * through the public GraphQL API, sending the web app's own manifest operations by id.
 */
export function mailedLinkPages({ manifest }: MailedLinkPagesOptions): Router {
  const confirmEmail = requiredOperation(manifest, 'ConfirmEmail');
  const resetPassword = requiredOperation(manifest, 'ResetPassword');
  const requestPasswordReset = requiredOperation(manifest, 'RequestPasswordReset');
  const confirmEReceipts = Object.fromEntries(
    utilities.map((utility) => [utility, pageOperation(manifest, `Confirm${capitalized(utility)}EReceipts`)]),
  ) as Record<Utility, PageOperation | undefined>;
  const router = express.Router();

  router.use('/pages', secured, express.static(assetsDirectory, { index: false, cacheControl: false, redirect: false }));

  router.get('/confirm-email', secured, (req, res) => {
    if (!queryToken(req)) return sendPage(req, res, 400, (page, text) => messagePage(page, text.confirmEmail.title, text.brokenLink));
    sendPage(req, res, 200, (page, text) => actionPage(page, text, text.confirmEmail, { action: 'confirmEmail', operation: confirmEmail }));
  });

  // Without a token it is where a reset starts: identity's mails send people there too.
  router.get('/reset-password', secured, (req, res) => {
    if (!queryToken(req)) {
      return sendPage(req, res, 200, (page, text) =>
        actionPage(page, text, text.requestReset, { action: 'requestPasswordReset', operation: requestPasswordReset }, { fields: emailField(text) }),
      );
    }
    sendPage(req, res, 200, (page, text) =>
      actionPage(page, text, text.resetPassword, { action: 'resetPassword', operation: resetPassword }, {
        fields: passwordFields(text),
        nextStep: { href: `/reset-password?lang=${page.language}`, label: text.resetPassword.requestAgain },
      }),
    );
  });

  router.get('/e-receipts/confirm', secured, (req, res) => {
    const utility = utilities.find((known) => known === req.query.utility);
    if (!utility || !queryToken(req)) {
      return sendPage(req, res, 400, (page, text) => messagePage(page, text.eReceipts.title, text.brokenLink));
    }
    const operation = confirmEReceipts[utility];
    if (!operation) {
      return sendPage(req, res, 404, (page, text) => messagePage(page, text.eReceipts.title, text.eReceipts.unavailable(utility)));
    }
    sendPage(req, res, 200, (page, text) => actionPage(page, text, text.eReceipts.page(utility), { action: 'confirmEReceipts', operation }));
  });

  // No token and no action: the provider's redirect lands here whether the card was charged or
  // declined, and the page cannot tell which, so it says neither; the app shows the result.
  router.get('/payments/return', secured, (req, res) => {
    sendPage(req, res, 200, (page, text) => messagePage(page, text.paymentReturn.title, text.paymentReturn.message, 'info'));
  });

  return router;
}
