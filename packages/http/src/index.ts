import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultLocale, locales, type Locale } from '@kabinet/errors';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';

export interface RunningService {
  name: string;
  port: number;
  /** Base URL, e.g. `http://127.0.0.1:4001`. */
  url: string;
  stop(): Promise<void>;
}

/** Every server `listen` started, by port: lets tests observe connections. */
export const servers = new Map<number, Server>();

/**
 * How long an idle kept-alive connection stays open. Node's default (5 s) is shorter than the
 * idle time of the clients in front: the gateway's agent (30 s) and load balancers (60 s), which
 * would then send requests into sockets being closed (ECONNRESET). The server waits longest.
 */
export const keepAliveTimeoutMs = 65_000;

/** A service's `/graphql`, served once `mount`ed; before that, the app answers it (404). */
export interface GraphqlEndpoint {
  /** `handlers` in turn, each passing on with `next()`; what one passes to `next` as an error goes to `onError`. */
  mount(handlers: RequestHandler[], onError: ErrorRequestHandler): void;
}

/** `/graphql`, with a trailing slash too (as Express's router takes a path), and any query. */
const isGraphqlPath = (url: string | undefined) => url !== undefined && /^\/graphql\/?(\?|$)/.test(url);

/**
 * The server's request listener: `/graphql` straight to its handlers, everything else through the
 * Express app. Nearly every request a service answers is GraphQL, and Express's router walks its
 * routes and mounts for each one: a tenth of a millisecond per request with the caches cold, as
 * they are between requests when the services share a machine's cores. The request and response
 * get Express's methods (`req.get`, `req.ip`, `res.status().json()`) as the app gives them.
 */
function graphqlFirst(app: Express): { listener: (req: IncomingMessage, res: ServerResponse) => void; endpoint: GraphqlEndpoint } {
  let mounted: { handlers: RequestHandler[]; onError: ErrorRequestHandler } | undefined;
  const listener = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (!mounted || !isGraphqlPath(incoming.url)) return app(incoming, outgoing);
    const { handlers, onError } = mounted;
    // What Express's app.handle does before its router.
    const req = Object.setPrototypeOf(incoming, app.request) as Request;
    const res = Object.setPrototypeOf(outgoing, app.response) as Response;
    req.res = res;
    res.req = req;
    res.locals ??= Object.create(null);
    let at = 0;
    const next: NextFunction = (error?: unknown) => {
      if (error !== undefined && error !== 'route' && error !== 'router') return onError(error, req, res, () => {});
      const handler = handlers[at++];
      // Passed on by the last: the app answers, as for any path it has no route for.
      if (!handler) return app(req, res);
      try {
        // As Express 5 does: a handler's rejected promise is its error.
        const returned: unknown = handler(req, res, next);
        if (returned instanceof Promise) returned.catch(next);
      } catch (thrown) {
        next(thrown);
      }
    };
    next();
  };
  return { listener, endpoint: { mount: (handlers, onError) => void (mounted = { handlers, onError }) } };
}

/** Listens on `port` (0 picks a free one) and reports where it ended up, with the `/graphql` to mount. */
export async function listen(app: Express, port: number, host?: string): Promise<{ httpServer: Server; port: number; graphql: GraphqlEndpoint }> {
  const { listener, endpoint } = graphqlFirst(app);
  const httpServer = createServer({ keepAliveTimeout: keepAliveTimeoutMs, headersTimeout: keepAliveTimeoutMs + 1_000 }, listener);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const actualPort = (httpServer.address() as AddressInfo).port;
  servers.set(actualPort, httpServer);
  httpServer.once('close', () => servers.delete(actualPort));
  return { httpServer, port: actualPort, graphql: endpoint };
}

/**
 * `/healthz` (alive: the process answers) and `/readyz` (send it traffic): a service listens
 * before its GraphQL endpoint is mounted, so that draining can track every connection, and
 * starting Apollo Server (and the gateway's warming of query plans) takes seconds after that.
 * `/readyz` answers 503 until `ready()` is called, then asks `check` (e.g. a database ping).
 */
export function healthRoutes(app: Express, options: { check?: () => Promise<void>; onCheckFailed?: (error: unknown) => void } = {}): { ready(): void } {
  let serving = false;
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (!serving) {
      res.status(503).json({ status: 'starting' });
      return;
    }
    try {
      await options.check?.();
      res.json({ status: 'ready' });
    } catch (error) {
      options.onCheckFailed?.(error);
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return {
    ready() {
      serving = true;
    },
  };
}

const codesByStatus: Record<number, string> = {
  400: 'BAD_REQUEST',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * After every route of an app: a path it has none for is a typed 404 like any other refusal,
 * where express would answer "Cannot GET /path" in HTML.
 */
export const jsonNotFound: RequestHandler = (_req, res) => {
  res.status(404).json(notFoundBody);
};

/** The body of that 404, for servers that are not express apps (the authorization server's koa). */
export const notFoundBody = { errors: [{ message: 'There is nothing at this address', extensions: { code: 'NOT_FOUND' } }] };

/**
 * Last middleware of every app: express' default handler would answer with an HTML stack
 * trace (e.g. for a body over the size limit). Clients get a GraphQL-shaped typed error.
 */
export function jsonErrorHandler(log: (error: unknown) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const status = Number((error as { status?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode);
    const clientError = status >= 400 && status < 500;
    if (!clientError) log(error);
    res.status(clientError ? status : 500).json({
      errors: [
        clientError
          ? { message: (error as Error).message, extensions: { code: codesByStatus[status] ?? 'BAD_REQUEST' } }
          : { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ],
    });
  };
}

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. Listens with `on`, not `once`: Ctrl-C
 * reaches the process twice (from the terminal and relayed by pnpm/tsx), and a second
 * SIGINT without a listener would kill it mid-shutdown.
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

// Clients send a handful of different Accept-Language headers, each with every request: each is read once.
const localeOfHeader = new LRUCache<string, Locale>({ max: 1_000 });

/** The language a request asks for among ours (`Accept-Language`), or the default without one. */
export function requestedLocale(req: Request): Locale {
  const header = req.get('accept-language');
  if (!header) return defaultLocale;
  let locale = localeOfHeader.get(header);
  if (!locale) {
    locale = (req.acceptsLanguages(...locales) || defaultLocale) as Locale;
    localeOfHeader.set(header, locale);
  }
  return locale;
}
