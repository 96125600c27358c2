import { createHmac, KeyObject } from 'node:crypto';
import { scopes as kabinetScopes, type TokenKeys } from '@kabinet/auth';
import type { Config, Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { notFoundBody } from '@kabinet/http';
import { eq } from 'drizzle-orm';
import type { Configuration, KoaContextWithOIDC, default as Provider } from 'oidc-provider';
import { users } from '../db/schema';
import { drizzleAdapter } from './adapter';
import { loadOidcProvider } from './oidc';
import { renderErrorPage } from './pages';

/** Where the authorization server lives on the public (gateway) address. */
export const oauthPath = '/oauth';
/** The one resource Kabinet's tokens are for: every delegated access token is a JWT for it. */
export const kabinetResource = 'urn:kabinet:api';
/** The audience `verifyAccessToken` expects. */
const audience = 'kabinet';

export interface OAuthProviderOptions {
  db: Database;
  config: Config;
  tokenKeys: TokenKeys;
  gatewaySecret: string;
  logger: Logger;
  /** The public URL (PUBLIC_URL, else the gateway's address), from configuration, never from a request. */
  publicUrl: string;
}

/** oidc-provider signs its cookies with a key derived from the gateway secret for this purpose only. */
const cookieKey = (masterSecret: string) => createHmac('sha256', masterSecret).update('kabinet-oauth-cookies').digest('base64url');

/** A login that may still hold delegated access: an active, confirmed customer. */
export async function activeCustomer(db: Database, userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  return user && !user.deactivatedAt && user.emailConfirmedAt && user.role === 'CUSTOMER' ? user : null;
}

/**
 * OAuth 2.1 for registered apps: authorization code with PKCE (S256) only, exact redirect URIs,
 * scopes within what each client may ask, JWT access tokens for Kabinet signed with identity's
 * key and verified like a first-party token (`sid` = the grant), rotating refresh tokens.
 */
export async function createOAuthProvider({ db, config, tokenKeys, gatewaySecret, logger, publicUrl }: OAuthProviderOptions): Promise<Provider> {
  if (!tokenKeys.privateKey) throw new Error('identity needs the token signing key');
  const { default: OidcProvider, errors } = await loadOidcProvider();
  const issuer = `${publicUrl}${oauthPath}`;
  const signingJwk = { ...KeyObject.from(tokenKeys.privateKey).export({ format: 'jwk' }), alg: 'ES256', use: 'sig' };
  const ttl = { access: config.auth.accessTokenTtlSeconds, refresh: config.auth.refreshTokenTtlSeconds };

  const configuration: Configuration = {
    adapter: drizzleAdapter(db),
    jwks: { keys: [signingJwk] },
    // OAuth for Kabinet's API, not OpenID Connect: Kabinet's scopes are offered, and an app gets its
    // refresh token by its grant type, not by offline_access. oidc-provider adds openid back (its
    // default claims name it, and its flows need them); no client may ask for it.
    scopes: [...kabinetScopes],
    // Partner apps are public clients (PKCE): discovery offers them no client secret to authenticate with.
    clientAuthMethods: ['none'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'ES256',
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      // An app gives back only its own tokens; a refresh token given back ends its whole grant (see PARTNERS.md §2).
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => kabinetResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => {
          if (resource !== kabinetResource) throw new errors.InvalidTarget();
          return {
            scope: client.scope ?? '',
            audience,
            accessTokenTTL: ttl.access,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) =>
      // The grant is the delegated "session": revoking it ends the token like a logout ends a first-party one.
      token.kind === 'AccessToken' ? { role: 'CUSTOMER', sid: token.grantId } : undefined,
    formats: {
      customizers: {
        // Kabinet's services verify one issuer for every token identity signs (JWT_ISSUER), whatever the public URL.
        jwt: (_ctx, _token, jwt) => {
          jwt.payload.iss = tokenKeys.issuer;
        },
      },
    },
    findAccount: async (_ctx, sub) => {
      // A deactivated login (or one no longer a customer) refreshes nothing.
      const user = await activeCustomer(db, sub);
      return user ? { accountId: user.id, claims: () => ({ sub: user.id }) } : undefined;
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    expiresWithSession: () => false,
    ttl: {
      AccessToken: ttl.access,
      AuthorizationCode: 60,
      RefreshToken: ttl.refresh,
      Grant: ttl.refresh,
      Interaction: 15 * 60,
      Session: 60 * 60,
    },
    interactions: { url: (_ctx, interaction) => `${issuer}/interaction/${interaction.uid}` },
    cookies: {
      names: { session: 'kabinet_oauth_session', interaction: 'kabinet_oauth_interaction', resume: 'kabinet_oauth_resume' },
      long: { httpOnly: true, sameSite: 'lax', path: oauthPath, signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
      keys: [cookieKey(gatewaySecret)],
    },
    // Browsers may call the token endpoint only from a public client's own redirect origins.
    clientBasedCORS: (_ctx, origin, client) =>
      client.clientAuthMethod === 'none' && (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    renderError: (ctx, out) => renderErrorPage(ctx, { ...out }),
  };

  const provider = new OidcProvider(issuer, configuration);
  // Host and scheme come from the public URL (set on every request by `oauthRoutes`), never from the caller.
  provider.proxy = true;
  // A grant oidc-provider ends (a partner revoking its refresh token, a spent token used again) is
  // ended in our record by the adapter's `destroy`, awaited before it answers: a failure there is a
  // server_error, logged here, never a grant left half alive.
  // A path it has no endpoint at is a typed JSON 404 like every other of Kabinet's, where koa
  // would answer "Not Found" as plain text.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body == null) {
      ctx.body = notFoundBody;
      ctx.status = 404;
    }
  });
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => logger.error({ err: error }, 'authorization server error'));
  return provider;
}
