import type { Logger } from '@kabinet/config';
import { requireGateway } from '@kabinet/subgraph';
import express, { type Router } from 'express';
import type { Checkouts } from '../checkout/service';
import type { PaymentProviders } from './provider';

/**
 * POST /internal/providers/:provider/callback: a provider's server callback, forwarded by the
 * gateway from its public `/callbacks/:provider` (subgraphs answer only the gateway). The
 * signature over the exact posted data is the callback's whole authority.
 */
export function providerCallbacksRouter(options: { providers: PaymentProviders; checkouts: Checkouts; gatewaySecret: string; logger: Logger }): Router {
  const router = express.Router();
  router.use(requireGateway(options.gatewaySecret));
  router.post('/:provider/callback', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const provider = [...options.providers.values()].find((candidate) => candidate.name.toLowerCase() === req.params.provider);
    if (!provider) {
      res.status(404).json({ error: 'no such provider' });
      return;
    }
    const notice = provider.verifyCallback((req.body ?? {}) as Record<string, unknown>);
    if (!notice) {
      options.logger.warn({ provider: provider.name, clientIp: req.get('x-forwarded-for') }, 'provider callback with a bad signature refused');
      res.status(400).json({ error: 'bad signature' });
      return;
    }
    try {
      const result = await options.checkouts.applyNotice(provider.name, notice, 'callback');
      // The provider retries what is not answered 2xx: only news we will never take is refused.
      // A stale callback is refused with 200 (`{ status: 'stale' }`): every retry would carry the
      // same old signed time, so retrying could never succeed; reconciliation settles the checkout.
      if (result === 'unknown-order' || result === 'mismatch') {
        res.status(400).json({ error: result });
        return;
      }
      res.json({ status: result });
    } catch (error) {
      options.logger.error({ err: error, provider: provider.name, orderId: notice.orderId }, 'provider callback failed; the provider will retry');
      res.status(500).json({ error: 'internal error' });
    }
  });
  return router;
}
