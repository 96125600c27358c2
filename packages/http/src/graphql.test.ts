import { ApolloServer } from '@apollo/server';
import { DomainError, errorsInRequestLanguage, maskSubgraphError, type Locale } from '@kabinet/errors';
import { jsonErrorHandler, listen } from './index';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { graphqlHttpHandler } from './graphql';

const limit = 1024;
const server = new ApolloServer<{ caller: string; locale: Locale }>({
  typeDefs: 'type Query { hello(name: String): String, refusal: String }',
  resolvers: {
    Query: {
      hello: (_parent, args: { name?: string }, context) => `${{ en: 'Hello', uk: 'Привіт', ru: 'Привет' }[context.locale]}, ${args.name ?? context.caller}`,
      refusal: () => {
        throw new DomainError('FORBIDDEN', { en: 'Not yours', uk: 'Не ваше', ru: 'Не ваше' });
      },
    },
  },
  includeStacktraceInErrorResponses: false,
  formatError: maskSubgraphError(() => {}),
  plugins: [errorsInRequestLanguage()],
});
await server.start();
const app = express();
const handlerErrors: unknown[] = [];
const { httpServer, port, graphql } = await listen(app, 0, '127.0.0.1');
graphql.mount(
  [
    graphqlHttpHandler(server, {
      context: async ({ req, locale }) => {
        if (req.get('x-caller') === 'nobody') throw new DomainError('UNAUTHENTICATED', { en: 'Log in', uk: 'Увійдіть', ru: 'Войдите' });
        return { caller: req.get('x-caller') ?? 'stranger', locale };
      },
      bodyLimitBytes: limit,
    }),
  ],
  jsonErrorHandler((error) => handlerErrors.push(error)),
);
const url = `http://127.0.0.1:${port}/graphql`;
afterAll(async () => {
  await server.stop();
  await new Promise((resolve) => httpServer.close(resolve));
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (response) => ({
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] },
  }));

describe('the subgraph\'s /graphql', () => {
  it('answers a GraphQL request with the context it builds, in the language asked for', async () => {
    expect(await post(JSON.stringify({ query: '{ hello }' }), { 'x-caller': 'gateway' })).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { data: { hello: 'Hello, gateway' } },
    });
    const ukrainian = await post(JSON.stringify({ query: 'query ($name: String) { hello(name: $name) refusal }', variables: { name: 'Олена' } }), {
      'accept-language': 'uk-UA,uk;q=0.9',
    });
    expect(ukrainian.body.data).toEqual({ hello: 'Привіт, Олена', refusal: null });
    expect(ukrainian.body.errors?.map((error) => [error.message, error.extensions.code])).toEqual([['Не ваше', 'FORBIDDEN']]);
    // Refused while its context is made, before any operation runs: in the language asked for too.
    const refused = await post(JSON.stringify({ query: '{ hello }' }), { 'x-caller': 'nobody', 'accept-language': 'ru' });
    expect(refused.body.errors?.map((error) => [error.message, error.extensions.code])).toEqual([['Войдите', 'UNAUTHENTICATED']]);
  });

  it('refuses bodies that are not JSON, too large or of another type, with a typed error, and keeps serving', async () => {
    expect(await post('{ not json')).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } });
    expect(await post(JSON.stringify({ query: `{ hello(name: "${'x'.repeat(limit)}") }` }))).toMatchObject({
      status: 413,
      body: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
    });
    expect(await post('query=%7Bhello%7D', { 'content-type': 'application/x-www-form-urlencoded' })).toMatchObject({
      status: 415,
      body: { errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] },
    });
    expect(await post(JSON.stringify({ query: '{ hello }' }), { 'content-type': 'application/json; charset=latin1' })).toMatchObject({ status: 415 });
    expect((await post(JSON.stringify({ query: '{ hello }' }))).body).toEqual({ data: { hello: 'Hello, stranger' } });
    expect(handlerErrors).toEqual([]);
  });

  it('refuses a body larger than it says, once it has read past the limit, on a connection that stays usable', async () => {
    // Sent in chunks without a length: the limit is found while reading.
    const chunks = [JSON.stringify({ query: '{ hello }', padding: 'x'.repeat(limit) })];
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunk));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await post(JSON.stringify({ query: '{ hello }' }))).status).toBe(200);
  });
});
