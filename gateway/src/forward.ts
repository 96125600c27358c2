import type { Logger, SubgraphName } from '@kabinet/config';
import { requestedLocale } from '@kabinet/http';
import type { Request, Response } from 'express';
import { isTimeout, serviceMessages } from './subgraph-source';

/** What every route forwarded to a subgraph is given by the gateway. */
export interface ForwardingOptions {
  subgraphUrls: Record<SubgraphName, string>;
  gatewaySecret: string;
  logger: Logger;
  /** SUBGRAPH_TIMEOUT_MS: the whole answer, body included, must come within it. */
  timeoutMs: number;
}

export interface ForwardOptions {
  /** The subgraph the request goes to: named to the client when it fails. */
  service: SubgraphName;
  timeoutMs: number;
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
      signal: AbortSignal.timeout(options.timeoutMs),
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
    unavailable(req, res, options.service, error);
  }
}

/**
 * The subgraph behind a forwarded route failed: as a GraphQL call's SERVICE_UNAVAILABLE, naming the
 * service and why, in the request's language; 504 when it was too slow, else 502.
 */
export function unavailable(req: Request, res: Response, service: SubgraphName, error: unknown): void {
  // AbortSignal.timeout's abort is a DOMException named TimeoutError; undici's own limits have codes.
  const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError' || isTimeout(error);
  const reason = timedOut ? 'TIMEOUT' : 'UNREACHABLE';
  const message = serviceMessages(service)[reason][requestedLocale(req)];
  res.status(timedOut ? 504 : 502).json({ errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: service, reason } }] });
}

/** Posts a request's raw body on to a subgraph's internal route and answers with what it said. */
export async function forwardPost(
  req: Request,
  res: Response,
  target: URL,
  options: Pick<ForwardOptions, 'service' | 'timeoutMs' | 'headers' | 'logger' | 'what'>,
): Promise<void> {
  if (!req.get('content-type')) req.headers['content-type'] = 'application/octet-stream';
  if (!res.get('content-type')) res.type('application/json');
  await forward(req, res, target, { ...options, requestHeaders: ['content-type'], responseHeaders: ['content-type'] });
}
