import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gatewaySecretHeader, subgraphSecret } from '@kabinet/auth';
import type { SubgraphName } from '@kabinet/config';
import type { Router } from 'express';
import express from 'express';
import { unavailable, type ForwardingOptions } from './forward';

/** Subgraphs that serve files (bill and receipt PDFs, the bank-transfer page) behind signed links. */
const fileServers: SubgraphName[] = ['electricity', 'heat', 'payments'];
/** Headers of a file response passed on to the client: what it is, and how a browser must keep a page whose address holds a token. */
const passedHeaders = [
  'content-type',
  'content-disposition',
  'cache-control',
  'content-length',
  'content-security-policy',
  'referrer-policy',
  'x-frame-options',
  'x-content-type-options',
];

/**
 * GET /files/<subgraph>/... is fetched from that subgraph's /files/... with the gateway's
 * secret: clients download through the gateway's host, and subgraphs stay private. The
 * subgraph checks the signed token in the query; the gateway adds no authority of its own.
 */
export function fileProxy(options: ForwardingOptions): Router {
  const router = express.Router();
  router.get('/:subgraph/*path', async (req, res) => {
    const subgraph = req.params.subgraph as SubgraphName;
    if (!fileServers.includes(subgraph)) {
      res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    const segments = ([] as string[]).concat(req.params.path);
    const target = new URL(options.subgraphUrls[subgraph]);
    target.pathname = `/files/${segments.map(encodeURIComponent).join('/')}`;
    // `..` survives encoding and URL normalizes it away: the secret must never reach anything but /files.
    if (segments.some((segment) => segment === '.' || segment === '..' || segment === '') || !target.pathname.startsWith('/files/')) {
      res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    target.search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    try {
      const response = await fetch(target, {
        headers: { [gatewaySecretHeader]: subgraphSecret(options.gatewaySecret, subgraph) },
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      res.status(response.status);
      for (const name of passedHeaders) {
        const value = response.headers.get(name);
        if (value) res.set(name, value);
      }
      if (!response.body) {
        res.end();
        return;
      }
      // The deadline covers the body too: a file cut short ends the response (pipeline destroys it), it cannot throw here.
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res).catch((error: unknown) =>
        options.logger.warn({ err: error, subgraph }, 'file response cut short'),
      );
    } catch (error) {
      options.logger.error({ err: error, subgraph }, 'file request failed');
      unavailable(req, res, subgraph, error);
    }
  });
  return router;
}
