import type { SignedLinks } from '@kabinet/auth';
import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { asc, eq } from 'drizzle-orm';
import express, { type Router } from 'express';
import { paymentItems, payments } from '../../db/schema';
import { bankTransferName } from './provider';
import { renderTransferPage } from './page';

/**
 * Headers of a page whose address carries its token: nothing may take it elsewhere (no referrer,
 * no cache, no framing) and nothing runs on it. The gateway passes them on.
 */
const pageHeaders: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'private, no-store',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

/**
 * GET /files/transfers/:checkoutId?token=…, reached through the gateway: a bank-transfer
 * checkout's details page. The signed token is the whole authorization (it names one checkout and
 * expires), as for receipts.
 */
export function transferPageRouter(options: { db: Database; links: SignedLinks; now: () => Date; logger: Logger }): Router {
  const router = express.Router();
  router.get('/transfers/:checkoutId', async (req, res) => {
    const checkoutId = req.params.checkoutId;
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if ((await options.links.verify(token, options.now())) !== checkoutId) {
      res.status(403).json({ errors: [{ message: 'This link is not valid or has expired; open the payment again in Kabinet', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    try {
      const [checkout] = await options.db.select().from(payments).where(eq(payments.id, checkoutId));
      if (!checkout || checkout.provider !== bankTransferName || !checkout.paymentUrl) {
        res.status(404).json({ errors: [{ message: 'This payment has no transfer details', extensions: { code: 'NOT_FOUND' } }] });
        return;
      }
      const items = await options.db.select().from(paymentItems).where(eq(paymentItems.paymentId, checkoutId)).orderBy(asc(paymentItems.position));
      res.status(200).set(pageHeaders).send(await renderTransferPage(checkout, items));
    } catch (error) {
      options.logger.error({ err: error, checkoutId }, 'transfer page rendering failed');
      res.status(500).json({ errors: [{ message: 'The page could not be made; try again', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  });
  return router;
}
