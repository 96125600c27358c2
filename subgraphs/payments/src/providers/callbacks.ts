import type { Logger } from '@kabinet/config';
import { requireGateway } from '@kabinet/subgraph';
import express, { type Router } from 'express';
import type { Checkouts, NoticeResult } from '../checkout/service';
import type { PaymentProviders } from './provider';

/**
 * POST /internal/providers/:provider/callback: a provider's server callback, forwarded by the
 * gateway from its public `/callbacks/:provider` (subgraphs answer only the gateway). The
 * signature over the exact posted data is the callback's whole authority.
 */
/** What a callback is refused for: it is no news of any checkout of ours as it stands. */
const refused = new Set<NoticeResult>(['unknown-order', 'mismatch']);

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
      // Answered with what became of it. A genuine message for no order of ours, or for another
      // amount than its order's, is refused (400) having changed nothing: kept once for an operator
      // and logged, so the provider's repeats of it add nothing. A stale one is acknowledged (200)
      // and left to reconciliation. Only a failure of ours (500) asks for the retry.
      const result = await options.checkouts.applyNotice(provider.name, notice, 'callback');
      res.status(refused.has(result) ? 400 : 200).json({ status: result });
    } catch (error) {
      options.logger.error({ err: error, provider: provider.name, orderId: notice.orderId }, 'provider callback failed; the provider will retry');
      res.status(500).json({ error: 'internal error' });
    }
  });
  return router;
}
