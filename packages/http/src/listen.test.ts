import express, { type RequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonErrorHandler, listen } from './index';

describe("a service's /graphql, served past the app's router", () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });

  async function serve() {
    const app = express();
    app.set('trust proxy', 1);
    app.get('/elsewhere', (_req, res) => void res.json({ from: 'app' }));
    app.get('/graphql/sub', (_req, res) => void res.json({ from: 'app' }));
    const errors: unknown[] = [];
    const answerErrors = jsonErrorHandler((error) => errors.push(error));
    app.use(answerErrors);
    const { httpServer, port, graphql } = await listen(app, 0, '127.0.0.1');
    stops.push(() => new Promise((resolve) => httpServer.close(() => resolve())));
    const send = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, init);
      const text = await response.text();
      return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    };
    return { mount: (handlers: RequestHandler[]) => graphql.mount(handlers, answerErrors), send, errors };
  }

  it("is the app's until its handlers are mounted, then theirs in turn, with Express's request and response", async () => {
    const { mount, send } = await serve();
    expect((await send('/graphql', { method: 'POST' })).status).toBe(404);

    const seen: string[] = [];
    mount([
      (req, _res, next) => {
        seen.push(`first ${req.method} ${req.url}`);
        next();
      },
      (req, res) => void res.status(201).json({ caller: req.get('x-caller'), ip: req.ip, query: req.query }),
    ]);
    const answer = await send('/graphql?who=me', { method: 'POST', headers: { 'x-caller': 'C', 'x-forwarded-for': '203.0.113.7' } });
    expect(answer).toEqual({ status: 201, body: { caller: 'C', ip: '203.0.113.7', query: { who: 'me' } } });
    expect((await send('/graphql')).status).toBe(201);
    expect((await send('/graphql/?who=me', { method: 'POST' })).status).toBe(201);
    expect(seen).toEqual(['first POST /graphql?who=me', 'first GET /graphql', 'first POST /graphql/?who=me']);
    // Any other path, below /graphql too, is the app's.
    expect(await send('/elsewhere')).toEqual({ status: 200, body: { from: 'app' } });
    expect(await send('/graphql/sub')).toEqual({ status: 200, body: { from: 'app' } });
  });

  it("gives a handler's error, thrown, passed on or rejected, to the error handler; what the last passes on, to the app", async () => {
    const { mount, send, errors } = await serve();
    const failWith = (how: string): RequestHandler => (req, _res, next) => {
      if (req.get('x-fail') !== how) return next();
      const error = Object.assign(new Error(`failed: ${how}`), { status: 400 });
      if (how === 'throw') throw error;
      if (how === 'next') return next(error);
      return Promise.reject(error) as unknown as void;
    };
    mount([failWith('throw'), failWith('next'), failWith('reject')]);
    for (const how of ['throw', 'next', 'reject']) {
      expect(await send('/graphql', { headers: { 'x-fail': how } })).toEqual({
        status: 400,
        body: { errors: [{ message: `failed: ${how}`, extensions: { code: 'BAD_REQUEST' } }] },
      });
    }
    expect((await send('/graphql')).status).toBe(404);
    // Client errors are the client's: nothing logged as a failure of ours.
    expect(errors).toEqual([]);
  });
});
