import { clientIpHeader, gatewaySecretHeader, subgraphSecret } from '@kabinet/auth';
import express, { type Router } from 'express';
import { forward, type ForwardingOptions } from './forward';

/** What a browser or an app sends the authorization server: form posts, cookies, client credentials, language. */
const passedRequestHeaders = ['content-type', 'cookie', 'accept', 'accept-language', 'authorization', 'origin', 'user-agent', 'dpop'];

/**
 * /oauth/* is identity's OAuth 2.1 authorization server (discovery, /auth, /token, the login and
 * consent pages), passed through as it is: every method, the query, the raw body, cookies both
 * ways, redirects with their Location and status. The gateway adds its secret and the client's
 * address (for identity's login lockouts), and no authority of its own.
 */
export function oauthProxy(options: ForwardingOptions): Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const target = new URL(options.subgraphUrls.identity);
    target.pathname = `/oauth${req.path}`;
    // `..` (plain or encoded) is resolved by URL: the secret must never reach anything but identity's /oauth.
    if (!target.pathname.startsWith('/oauth/')) {
      res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    target.search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    await forward(req, res, target, {
      service: 'identity',
      timeoutMs: options.timeoutMs,
      headers: {
        [gatewaySecretHeader]: subgraphSecret(options.gatewaySecret, 'identity'),
        [clientIpHeader]: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      },
      logger: options.logger,
      what: 'an OAuth request',
      requestHeaders: passedRequestHeaders,
      responseHeaders: 'all',
    });
  });
  return router;
}
