import { signedLinks, type SignedLinks } from '@kabinet/auth';
import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import express, { type Router } from 'express';
import type { UtilityTables } from '../tables';
import { loadBillDocument, type BillWording } from '../bills/bill-document';
import { renderBillPdf } from '../bills/pdf';

/** A PDF link lives this long: long enough to open it, short enough that a leaked link soon dies. */
export const billLinkTtlSeconds = 10 * 60;

export function billPdfLinks(masterSecret: string, utility: string): SignedLinks {
  return signedLinks(masterSecret, `${utility}-bill-pdf`, billLinkTtlSeconds);
}

/** The path under which the gateway serves a utility's files (it forwards `/files/<utility>/...` here). */
export const billPdfPath = (utility: string, billId: string, token: string) =>
  `/files/${utility}/bills/${billId}.pdf?token=${encodeURIComponent(token)}`;

/**
 * GET /files/bills/:billId.pdf?token=…, reached through the gateway: the signed token is the
 * whole authorization (it names one bill and expires), so a browser or a mail client opens it
 * without a session.
 */
export function billFilesRouter(options: {
  db: Database;
  tables: UtilityTables;
  links: SignedLinks;
  wording: BillWording;
  now: () => Date;
  logger: Logger;
}): Router {
  const router = express.Router();
  router.get('/bills/:file', async (req, res) => {
    const billId = /^([0-9a-f-]{36})\.pdf$/i.exec(req.params.file)?.[1];
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!billId || (await options.links.verify(token, options.now())) !== billId) {
      res.status(403).json({ errors: [{ message: 'This link is not valid or has expired; ask for the bill again', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    const document = await loadBillDocument(options.db, options.tables, { billId, wording: options.wording });
    if (!document) {
      res.status(404).json({ errors: [{ message: 'There is no such bill', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    const pdf = await renderBillPdf(document);
    const name = `bill-${document.account.number}-${document.period}.pdf`;
    // The plain `filename` is for clients that ignore `filename*` (RFC 6266): the same name with
    // what is not ASCII left out, so that two accounts' bills for a month never save as one file.
    const ascii = name.replace(/[^A-Za-z0-9._-]/g, '');
    res
      .status(200)
      .type('application/pdf')
      // filename* (RFC 5987): account numbers may be Cyrillic, and headers are ASCII.
      .set('Content-Disposition', `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .set('Cache-Control', 'private, no-store')
      .send(pdf);
  });
  return router;
}
