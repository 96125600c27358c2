import { gatewaySecretHeader, subgraphSecret } from '@kabinet/auth';
import type { SubgraphName } from '@kabinet/config';
import express, { type Router } from 'express';
import { forwardPost, type ForwardingOptions } from './forward';

/** Payment providers whose server callbacks the gateway takes (`server_url`). */
const callbackProviders = ['liqpay'];

/**
 * POST /callbacks/<provider>: a payment provider's server callback, passed as posted (the exact
 * bytes: the signature is over them) to the payments subgraph's internal route, which verifies
 * it. Not part of the GraphQL API: nothing here reads or needs a session. A provider retries a
 * callback not answered 200, so a payments outage loses nothing.
 */
export function providerCallbackProxy(options: ForwardingOptions): Router {
  const router = express.Router();
  router.post('/:provider', express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const provider = req.params.provider;
    if (!callbackProviders.includes(provider)) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    await forwardPost(req, res, new URL(`/internal/providers/${provider}/callback`, options.subgraphUrls.payments), {
      service: 'payments',
      timeoutMs: options.timeoutMs,
      headers: { [gatewaySecretHeader]: subgraphSecret(options.gatewaySecret, 'payments') },
      logger: options.logger,
      what: `a ${provider} callback`,
    });
  });
  return router;
}

const registryUtilities: SubgraphName[] = ['electricity', 'heat'];

/**
 * POST /operator/payment-registries/<utility>?source=<bank>: an operator's upload of a bank's
 * daily payment registry (CSV), passed with the operator's Authorization to the utility that
 * imports it for the operator's supplier. A staff file upload, not a GraphQL operation.
 * `timeoutMs` is REGISTRY_UPLOAD_TIMEOUT_MS, not the GraphQL budget: a full registry (20,000
 * rows) posts for tens of seconds in its one transaction, and a 504 at the GraphQL budget would
 * tell the operator it failed when it went through.
 */
export function registryUploadProxy(options: ForwardingOptions): Router {
  const router = express.Router();
  router.post('/:utility', express.raw({ type: () => true, limit: '4mb' }), async (req, res) => {
    const utility = req.params.utility as SubgraphName;
    if (!registryUtilities.includes(utility)) {
      res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    const target = new URL('/internal/registries', options.subgraphUrls[utility]);
    if (typeof req.query.source === 'string') target.searchParams.set('source', req.query.source);
    await forwardPost(req, res, target, {
      service: utility,
      timeoutMs: options.timeoutMs,
      headers: {
        [gatewaySecretHeader]: subgraphSecret(options.gatewaySecret, utility),
        ...(req.get('authorization') ? { authorization: req.get('authorization')! } : {}),
      },
      logger: options.logger,
      what: 'a payment registry',
    });
  });
  return router;
}
