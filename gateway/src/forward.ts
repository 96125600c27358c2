import type { Logger } from '@kabinet/config';
import type { Request, Response } from 'express';

export interface ForwardOptions {
  /** What the gateway adds (its secret for the subgraph); never taken from the client. */
  headers: Record<string, string>;
  logger: Logger;
  /** Named in the log when the subgraph cannot be reached. */
  what: string;
  /** The client's request headers passed on (lower-case names); none by default. */
  requestHeaders?: readonly string[];
  /** The subgraph's response headers passed back: `content-type` by default, every end-to-end header with `all`. */
  responseHeaders?: readonly string[] | 'all';
}

/** Headers that describe one connection or the encoding fetch already undid: never passed along. */
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'content-length', 'content-encoding']);

/**
 * Sends a request (method, query, raw body) on to a subgraph's route and answers with what it
 * said, redirects and cookies included: the gateway adds its secret (in `headers`) and no
 * authority of its own.
 */
export async function forward(req: Request, res: Response, target: URL, options: ForwardOptions): Promise<void> {
  const passed: Record<string, string> = {};
  for (const name of options.requestHeaders ?? []) {
    const value = req.get(name);
    if (value !== undefined) passed[name] = value;
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  try {
    const response = await fetch(target, {
      method: req.method,
      headers: { ...passed, ...options.headers },
      body: hasBody ? (Buffer.isBuffer(req.body) ? req.body : '') : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    res.status(response.status);
    const wanted = options.responseHeaders ?? ['content-type'];
    for (const [name, value] of response.headers) {
      if (name === 'set-cookie' || hopByHop.has(name) || (wanted !== 'all' && !wanted.includes(name))) continue;
      res.set(name, value);
    }
    if (wanted === 'all' || wanted.includes('set-cookie')) for (const cookie of response.headers.getSetCookie()) res.append('set-cookie', cookie);
    res.send(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    options.logger.error({ err: error, target: target.pathname }, `${options.what} could not be forwarded`);
    res.status(502).json({ errors: [{ message: 'The service behind this address is unavailable; try again', extensions: { code: 'BAD_GATEWAY' } }] });
  }
}

/** Posts a request's raw body on to a subgraph's internal route and answers with what it said. */
export async function forwardPost(req: Request, res: Response, target: URL, options: { headers: Record<string, string>; logger: Logger; what: string }): Promise<void> {
  if (!req.get('content-type')) req.headers['content-type'] = 'application/octet-stream';
  if (!res.get('content-type')) res.type('application/json');
  await forward(req, res, target, { ...options, requestHeaders: ['content-type'], responseHeaders: ['content-type'] });
}
