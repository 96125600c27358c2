import type { SignedLinks } from '@kabinet/auth';
import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import express, { type Router } from 'express';
import { loadReceipt } from './document';
import { renderReceiptPdf } from './pdf';

/**
 * GET /files/receipts/:checkoutId.pdf?token=…, reached through the gateway: the signed token is
 * the whole authorization (it names one checkout and expires), as for bills.
 */
export function receiptFilesRouter(options: { db: Database; links: SignedLinks; now: () => Date; logger: Logger }): Router {
  const router = express.Router();
  router.get('/receipts/:file', async (req, res) => {
    const checkoutId = /^([0-9a-f-]{36})\.pdf$/i.exec(req.params.file)?.[1];
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!checkoutId || (await options.links.verify(token, options.now())) !== checkoutId) {
      res.status(403).json({ errors: [{ message: 'This link is not valid or has expired; ask for the receipt again', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    try {
      const receipt = await loadReceipt(options.db, checkoutId);
      if (!receipt) {
        res.status(404).json({ errors: [{ message: 'This checkout has no receipt (it was not paid)', extensions: { code: 'NOT_FOUND' } }] });
        return;
      }
      const pdf = await renderReceiptPdf(receipt);
      res
        .status(200)
        .set('content-type', 'application/pdf')
        .set('content-disposition', `inline; filename="kabinet-receipt-${checkoutId.slice(0, 8)}.pdf"`)
        .set('cache-control', 'private, no-store')
        .send(pdf);
    } catch (error) {
      options.logger.error({ err: error, checkoutId }, 'receipt rendering failed');
      res.status(500).json({ errors: [{ message: 'The receipt could not be made; try again', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  });
  return router;
}
