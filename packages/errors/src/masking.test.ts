import { ApolloServer } from '@apollo/server';
import { describe, expect, it, vi } from 'vitest';
import { DomainError, errorsInRequestLanguage, maskGatewayError, maskSubgraphError } from './index';

const typeDefs = `type Query { leaky: String, expected: String }`;
const resolvers = {
  Query: {
    leaky: () => {
      throw new Error('connect failed: db password=hunter2 at 10.0.0.7');
    },
    expected: () => {
      throw new DomainError(
        'READING_WINDOW_CLOSED',
        { en: 'The reading window is closed', uk: 'Період подання показань закрито', ru: 'Период подачи показаний закрыт' },
        { opensOn: '2026-12-01', expectedFormat: { en: '10 digits', uk: '10 цифр', ru: '10 цифр' } },
      );
    },
  },
};

async function run(formatError: ReturnType<typeof maskSubgraphError>, query: string, locale: 'en' | 'uk' | 'ru' = 'en') {
  const server = new ApolloServer<{ locale: typeof locale }>({ typeDefs, resolvers, formatError, includeStacktraceInErrorResponses: true, plugins: [errorsInRequestLanguage()] });
  const response = await server.executeOperation({ query }, { contextValue: { locale } });
  await server.stop();
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  return response.body.singleResult.errors ?? [];
}

describe.each([
  ['subgraph', maskSubgraphError],
  ['gateway', maskGatewayError],
])('%s error masking', (_where, mask) => {
  it('turns an unexpected error into a generic one and logs the original', async () => {
    const log = vi.fn();
    const [error] = await run(mask(log), '{ leaky }');
    expect(error).toEqual({ message: 'Internal server error', path: ['leaky'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(log).toHaveBeenCalledOnce();
    expect(String(log.mock.calls[0]![0])).toContain('hunter2');
  });

  it('passes an expected error with its code and details, without a stack trace', async () => {
    const log = vi.fn();
    const [error] = await run(mask(log), '{ expected }');
    expect(error?.message).toBe('The reading window is closed');
    expect(error?.extensions).toEqual({ code: 'READING_WINDOW_CLOSED', opensOn: '2026-12-01', expectedFormat: '10 digits' });
    expect(log).not.toHaveBeenCalled();
  });

  it('tells both in the language of the request, with the same code', async () => {
    const [expected] = await run(mask(vi.fn()), '{ expected }', 'uk');
    expect(expected).toMatchObject({ message: 'Період подання показань закрито', extensions: { code: 'READING_WINDOW_CLOSED', expectedFormat: '10 цифр' } });
    const [masked] = await run(mask(vi.fn()), '{ leaky }', 'ru');
    expect(masked).toMatchObject({ message: 'Внутренняя ошибка сервера', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('passes request errors such as validation failures', async () => {
    const [error] = await run(mask(vi.fn()), '{ nope }');
    expect(error?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
