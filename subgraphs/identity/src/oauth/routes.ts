import { clientIpHeader, isScope, subgraphSecret, type Scope } from '@kabinet/auth';
import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { DomainError } from '@kabinet/errors';
import { stringProblem } from '@kabinet/input';
import { requireGateway } from '@kabinet/subgraph';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { IdentityService } from '../services/identity';
import { recordGrant } from './grants';
import { loadOidcProvider } from './oidc';
import { cspSourceOf, consentPage, loginPage, messagePage, oauthTexts, pageLocale, pageSecurityHeaders } from './pages';
import { activeCustomer, createOAuthProvider, kabinetResource, oauthPath, type OAuthProviderOptions } from './provider';

export interface OAuthRoutesOptions extends Omit<OAuthProviderOptions, 'publicUrl'> {
  identity: IdentityService;
  /** Known once the gateway listens (tests use free ports): the provider is built on the first request. */
  publicUrl: () => string;
}

/** The interaction a page belongs to is over, or is another one: the customer gets the "expired" page. */
class InteractionGone extends Error {}

const requestedScopes = (scope: unknown): Scope[] => [...new Set(String(scope ?? '').split(' ').filter(isScope))];

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
interface ConsentPrompt {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/**
 * What allowing adds to the app's grant: oidc-provider's missing scopes, not the request's
 * `scope` (of which some may be allowed already). The consent page shows exactly these.
 */
const consentPromptOf = (details: Interaction) => details.prompt.details as ConsentPrompt;
const scopesAsked = (details: Interaction): Scope[] => requestedScopes((consentPromptOf(details).missingResourceScopes?.[kabinetResource] ?? []).join(' '));

/**
 * The authorization server under `/oauth`, reached only through the gateway (its secret), with
 * the login and consent pages it sends the customer to. Every URL it builds starts with the
 * public URL: the caller's Host and X-Forwarded-* headers are replaced before it reads them.
 */
export function oauthRoutes(app: Express, options: OAuthRoutesOptions): void {
  const { db, identity, logger } = options;
  let provider: Promise<Provider> | undefined;
  const providerNow = () =>
    (provider ??= createOAuthProvider({ ...options, publicUrl: options.publicUrl() }).catch((error: unknown) => {
      provider = undefined; // tried again by the next request
      throw error;
    }));

  const publicAddress: RequestHandler = (req, _res, next) => {
    const url = new URL(options.publicUrl());
    req.headers.host = url.host;
    req.headers['x-forwarded-host'] = url.host;
    req.headers['x-forwarded-proto'] = url.protocol.slice(0, -1);
    req.headers['x-forwarded-for'] = req.get(clientIpHeader) ?? req.socket.remoteAddress ?? '';
    next();
  };

  /**
   * Request parameters (the query; the forms of our own pages) are checked by the string rule of
   * every other input: a NUL byte reached PostgreSQL as a client id and failed as server_error.
   * oidc-provider parses its endpoints' bodies itself, so the adapter refuses such ids too.
   */
  const plainParameters: RequestHandler = (req, res, next) => {
    const form = typeof req.body === 'object' && req.body !== null && !Buffer.isBuffer(req.body) ? (req.body as Record<string, unknown>) : {};
    for (const [name, value] of [...Object.entries(req.query), ...Object.entries(form)]) {
      for (const text of [name, ...[value].flat()]) {
        if (typeof text !== 'string' || !stringProblem(text)) continue;
        res.status(400).set('Cache-Control', 'no-store').json({ error: 'invalid_request', error_description: `parameter ${JSON.stringify(name.slice(0, 40))} contains a control character or is too long` });
        return;
      }
    }
    next();
  };

  const router = express.Router();
  const urlencoded = express.urlencoded({ extended: false, limit: '16kb' });
  const form: RequestHandler[] = [urlencoded, plainParameters];

  function send(req: Request, res: Response, status: number, body: (locale: ReturnType<typeof pageLocale>) => string, formTargets?: string[]) {
    const locale = pageLocale((...languages) => req.acceptsLanguages(...languages));
    res.status(status).vary('Accept-Language').set('Content-Language', locale).set(pageSecurityHeaders(formTargets)).type('html').send(body(locale));
  }

  /** An interaction's page or step; an expired or finished one gets a page saying so. */
  const step =
    (handle: (req: Request, res: Response, oidc: Provider) => Promise<void>): RequestHandler =>
    async (req, res, next) => {
      try {
        await handle(req, res, await providerNow());
      } catch (error) {
        if (error instanceof InteractionGone || error instanceof (await loadOidcProvider()).errors.SessionNotFound) {
          send(req, res, 400, (locale) => messagePage(locale, oauthTexts.expired[locale]));
          return;
        }
        next(error);
      }
    };

  const actionOf = (uid: string, what: 'login' | 'consent') => `${oauthPath}/interaction/${uid}/${what}`;

  /** The interaction of the browser's cookie, which must be the one the address names. */
  async function interactionOf(req: Request, res: Response, oidc: Provider): Promise<Interaction> {
    const details = await oidc.interactionDetails(req, res);
    if (details.uid !== req.params.uid) throw new InteractionGone('another interaction');
    return details;
  }

  router.get(
    '/interaction/:uid',
    step(async (req, res, oidc) => {
      const details = await interactionOf(req, res, oidc);
      const client = await oidc.Client.find(String(details.params.client_id));
      const appName = client?.clientName ?? String(details.params.client_id);
      const targets = cspSourceOf(details.params.redirect_uri as string | undefined);
      if (details.prompt.name === 'login') {
        send(req, res, 200, (locale) => loginPage(locale, { action: actionOf(details.uid, 'login'), appName }), targets);
        return;
      }
      const user = details.session?.accountId ? await activeCustomer(db, details.session.accountId) : null;
      if (!user) throw new InteractionGone('the login is no longer active');
      send(
        req,
        res,
        200,
        (locale) => consentPage(locale, { action: actionOf(details.uid, 'consent'), appName, email: user.email, scopes: scopesAsked(details) }),
        targets,
      );
    }),
  );

  router.post(
    '/interaction/:uid/login',
    form,
    step(async (req, res, oidc) => {
      const details = await interactionOf(req, res, oidc);
      if (details.prompt.name !== 'login') throw new InteractionGone('not waiting for a login');
      const client = await oidc.Client.find(String(details.params.client_id));
      const appName = client?.clientName ?? String(details.params.client_id);
      const email = typeof req.body?.email === 'string' ? req.body.email : '';
      const password = typeof req.body?.password === 'string' ? req.body.password : '';
      const locale = pageLocale((...languages) => req.acceptsLanguages(...languages));
      const again = (status: number, error: string) =>
        send(req, res, status, (language) => loginPage(language, { action: actionOf(details.uid, 'login'), appName, email, error }), cspSourceOf(details.params.redirect_uri as string | undefined));
      let user;
      try {
        // The same checks and lockouts as the login mutation; its messages in the page's language.
        user = await identity.authenticate({ email, password }, req.get(clientIpHeader) ?? req.socket.remoteAddress ?? 'unknown');
      } catch (error) {
        if (error instanceof DomainError) {
          again(error.extensions.code === 'RATE_LIMITED' ? 429 : 400, error.translations[locale]);
          return;
        }
        throw error;
      }
      if (user.role !== 'CUSTOMER') {
        again(403, oauthTexts.customersOnly[locale]);
        return;
      }
      // Not remembered beyond the browser session: consenting is rare, and a shared computer keeps no login.
      await oidc.interactionFinished(req, res, { login: { accountId: user.id, remember: false } }, { mergeWithLastSubmission: false });
    }),
  );

  router.post(
    '/interaction/:uid/consent',
    form,
    step(async (req, res, oidc) => {
      const details = await interactionOf(req, res, oidc);
      if (details.prompt.name !== 'consent') throw new InteractionGone('not waiting for consent');
      if (req.body?.decision !== 'allow') {
        await oidc.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'The customer refused access' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const accountId = details.session?.accountId;
      const user = accountId ? await activeCustomer(db, accountId) : null;
      if (!user) throw new InteractionGone('the login is no longer active');
      const clientId = String(details.params.client_id);
      const existing = details.grantId ? await oidc.Grant.find(details.grantId) : undefined;
      const grant = existing ?? new oidc.Grant({ accountId: user.id, clientId });
      const { missingOIDCScope, missingOIDCClaims } = consentPromptOf(details);
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      // Exactly what the page showed: Kabinet's scopes for its one resource.
      const asked = scopesAsked(details);
      if (asked.length) grant.addResourceScope(kabinetResource, asked.join(' '));
      const grantId = await grant.save();
      await recordGrant(db, {
        grantId,
        userId: user.id,
        clientId,
        scopes: requestedScopes(grant.getResourceScopeEncountered(kabinetResource)),
        expiresAt: new Date(Date.now() + options.config.auth.refreshTokenTtlSeconds * 1000),
      });
      await oidc.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }),
  );

  // Everything else is oidc-provider's: discovery, /auth, /token, /jwks, /token/revocation.
  let handler: ReturnType<Provider['callback']> | undefined;
  router.use(async (req, res, next) => {
    try {
      handler ??= (await providerNow()).callback();
      handler(req, res);
    } catch (error) {
      logger.error({ err: error }, 'authorization server unavailable');
      next(error);
    }
  });

  app.use(oauthPath, requireGateway(subgraphSecret(options.gatewaySecret, 'identity')), publicAddress, plainParameters, router);
}
