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
    // Not signed by the provider with our key (forged, or for another merchant): not its message,
    // so nothing genuine is ever retried against this 400.
    if (!notice) {
      options.logger.warn({ provider: provider.name, clientIp: req.get('x-forwarded-for') }, 'provider callback with a bad signature refused');
      res.status(400).json({ error: 'bad signature' });
      return;
    }
    try {
      // The provider retries what is not answered 2xx, and a retry of a genuine message is the
      // same message: whatever we will never take (stale, unknown order, another amount) is
      // answered 200 with what became of it, having changed nothing; the unmatched ones are kept
      // for an operator. Only a failure of ours (500) asks for the retry.
      const result = await options.checkouts.applyNotice(provider.name, notice, 'callback');
      res.json({ status: result });
    } catch (error) {
      options.logger.error({ err: error, provider: provider.name, orderId: notice.orderId }, 'provider callback failed; the provider will retry');
      res.status(500).json({ error: 'internal error' });
    }
  });
  return router;
}
