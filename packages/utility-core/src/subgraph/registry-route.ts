import type { SessionRevocations, TokenKeys } from '@kabinet/auth';
import { viewerFromAuthorization } from '@kabinet/auth';
import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { DomainError } from '@kabinet/errors';
import { formatMinor } from '@kabinet/money';
import { inArray } from 'drizzle-orm';
import express, { type Response, type Router } from 'express';
import { readRegistry, RegistryFileError } from '../registry/file';
import { importRegistry } from '../registry/import';
import { findRegistrySource, registrySources } from '../registry/sources';
import type { UtilityTables } from '../tables';

const refuse = (res: Response, status: number, code: string, message: string) => res.status(status).json({ errors: [{ message, extensions: { code } }] });

/**
 * POST /internal/registries?source=<bank>: an operator uploads a bank's (or the post office's)
 * daily payment registry for their own supplier, through the gateway's
 * `/operator/payment-registries/<utility>`. Not a GraphQL operation: a file upload by staff.
 * The operator's access token is the authority; the supplier is the token's, never the file's.
 * Rows that pay a Kabinet checkout's item by bank transfer are told to payments through the outbox.
 */
export function registryRouter(options: {
  db: Database;
  tables: UtilityTables;
  /** The utility's name, in what it tells payments. */
  utility: string;
  tokenKeys: TokenKeys;
  sessions: SessionRevocations;
  now: () => Date;
  logger: Logger;
  /** Delivers the transfers an import published, once its transaction has committed. */
  relay: { nudge(): void };
}): Router {
  const router = express.Router();
  router.post('/', express.text({ type: () => true, limit: '4mb' }), async (req, res) => {
    try {
      const viewer = await viewerFromAuthorization(options.tokenKeys, req.get('authorization'), options.sessions);
      if (!viewer) return void refuse(res, 401, 'UNAUTHENTICATED', 'Log in as an operator of the supplier');
      if (viewer.role !== 'OPERATOR' || !viewer.supplierIds?.length) return void refuse(res, 403, 'FORBIDDEN', 'Only a supplier’s operators upload its payment registries');
      // The operator's supplier in this utility (an organisation may supply several utilities).
      const [supplier] = await options.db.select().from(options.tables.suppliers).where(inArray(options.tables.suppliers.id, [...viewer.supplierIds])).limit(1);
      if (!supplier) return void refuse(res, 403, 'FORBIDDEN', 'Your supplier is not served by this utility');
      const source = typeof req.query.source === 'string' ? findRegistrySource(req.query.source) : null;
      if (!source) {
        const known = registrySources.map(({ names }) => names[0]).join(', ');
        return void refuse(res, 400, 'UNKNOWN_REGISTRY_SOURCE', `Name the bank the registry comes from: ?source=<bank>, one of ${known}`);
      }

      if (source.currency !== supplier.currency) {
        return void refuse(res, 400, 'REGISTRY_SOURCE_CURRENCY', `${source.name} takes payments in ${source.currency}, and ${supplier.name} bills in ${supplier.currency}: its registry cannot hold this supplier's payments`);
      }

      const text = typeof req.body === 'string' ? req.body : '';
      const { rows, problems } = readRegistry(text);
      const report = await options.db.transaction((tx) =>
        importRegistry(tx, options.tables, { utility: options.utility, supplierId: supplier.id, timeZone: supplier.timeZone, source, rows, problems }, options.now()),
      );
      if (report.transfers) options.relay.nudge();
      options.logger.info(
        { supplier: supplier.code, source: source.code, rows: report.rows, posted: report.posted, alreadyPosted: report.alreadyPosted, transfers: report.transfers, unmatched: report.unmatched.length },
        'payment registry imported',
      );
      const currency = report.currency ?? supplier.currency;
      res.json({
        source: report.source,
        rows: report.rows,
        posted: report.posted,
        alreadyPosted: report.alreadyPosted,
        postedAmount: { amount: formatMinor(report.postedMinor, currency), currency },
        transfers: report.transfers,
        unmatched: report.unmatched.map(({ amountMinor, ...row }) => ({ ...row, amount: formatMinor(amountMinor, currency) })),
        invalid: report.invalid,
      });
    } catch (error) {
      if (error instanceof RegistryFileError) return void refuse(res, 400, 'REGISTRY_UNREADABLE', error.message);
      if (error instanceof DomainError) return void refuse(res, 401, String(error.extensions.code), error.message);
      options.logger.error({ err: error }, 'payment registry import failed');
      refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'The registry could not be imported; nothing was posted. Try again');
    }
  });
  return router;
}
