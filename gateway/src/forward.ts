import type { Logger } from '@kabinet/config';
import type { Request, Response } from 'express';

/**
 * Posts a request's raw body on to a subgraph's internal route and answers with what it said:
 * the gateway adds its secret (in `headers`) and no authority of its own.
 */
export async function forwardPost(req: Request, res: Response, target: URL, options: { headers: Record<string, string>; logger: Logger; what: string }): Promise<void> {
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': req.get('content-type') ?? 'application/octet-stream', ...options.headers },
      body: Buffer.isBuffer(req.body) ? req.body : '',
      signal: AbortSignal.timeout(30_000),
    });
    res.status(response.status).type(response.headers.get('content-type') ?? 'application/json').send(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    options.logger.error({ err: error, target: target.pathname }, `${options.what} could not be forwarded`);
    res.status(502).json({ errors: [{ message: 'The service behind this address is unavailable; try again', extensions: { code: 'BAD_GATEWAY' } }] });
  }
}
