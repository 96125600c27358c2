import type { IncomingMessage } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from '@apollo/server';
import { tellLocale, type Locale } from '@kabinet/errors';
import { requestedLocale } from './index';
import type { Request, RequestHandler, Response } from 'express';

/** An HTTP error jsonErrorHandler answers with its status (as body-parser's are). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const jsonType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * The request's JSON body: 415 unless it says it is JSON in UTF-8 (uncompressed), 413 over `limit`
 * bytes (what is left of it is drained, not read), 400 when it does not parse.
 */
function jsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type === undefined || !jsonType.test(type)) return Promise.reject(new HttpError(415, 'Send the request as application/json in UTF-8'));
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return Promise.reject(new HttpError(415, 'Send the request uncompressed'));
  if (Number(req.headers['content-length']) > limit) return Promise.reject(new HttpError(413, 'Request body too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      done();
      // Still flowing: the rest is read and dropped, so the connection stays usable for the answer.
      reject(new HttpError(413, 'Request body too large'));
    };
    const onEnd = () => {
      done();
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'The request body is not JSON'));
      }
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(new HttpError(400, 'The request ended before its body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Apollo Server at `/graphql` (the gateway's, and each subgraph's for the gateway's calls), in the
 * language each request asks for (`context.locale`; the server needs the errorsInRequestLanguage
 * plugin): what `express.json()`, a middleware setting the language and `expressMiddleware` did,
 * without what no GraphQL request needs (body-parser's general media-type and charset handling,
 * Express's `res.send` with its ETag and freshness checks), which cost the gateway and the
 * subgraphs several per cent of their CPU. Failures go to the app's error handler.
 */
export function graphqlHttpHandler<TContext extends BaseContext & { locale: Locale }>(
  server: ApolloServer<TContext>,
  options: { context: ContextFunction<[{ req: Request; res: Response; locale: Locale }], TContext>; bodyLimitBytes: number },
): RequestHandler {
  return async (req, res, next) => {
    try {
      const body = req.method === 'POST' ? await jsonBody(req, options.bodyLimitBytes) : undefined;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const queryAt = req.url.indexOf('?');
      const locale = requestedLocale(req);
      const response = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: queryAt < 0 ? '' : req.url.slice(queryAt), body },
        // The context carries the language for the operation's errors (errorsInRequestLanguage); one
        // raised while making it is told here.
        context: async () => {
          try {
            return await options.context({ req, res, locale });
          } catch (error) {
            tellLocale(error, locale);
            throw error;
          }
        },
      });
      res.statusCode = response.status ?? 200;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      next(error);
    }
  };
}
