import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { demoUsers } from '@kabinet/demo';
import { maskGatewayError } from '@kabinet/errors';
import {
  errorCodes,
  expectErrorCode,
  expectNoGraphQLErrors,
  graphqlRequest,
  loginAs,
  startTestStack,
  type GraphQLResponse,
  type TestStack,
} from '@kabinet/testing';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitRefusalCode, requestLimits } from './limits';

const dashboard = readFileSync(new URL('../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');

/** The deepest path a client has a reason to ask for (8 levels): a bill's lines. */
const billLines = `{ me { electricityAccounts { bills(first: 1) { edges { node { lines { amount { amount } } } } } } } }`;
/** Nine levels, one more than the deepest query: login > user > electricityAccounts > … > amount > amount. */
const tooDeep = `mutation { login(input: { email: "deep@kabinet.test", password: "p" }) {
  user { electricityAccounts { bills(first: 1) { edges { node { lines { amount { amount } } } } } } } } }`;
/** The payments history page. */
const paymentsPage = `{ me { payments(first: 10) { edges { cursor node { id status total { amount currency } createdAt
  items { utility accountId amount { amount currency } } } } pageInfo { hasNextPage endCursor } } } }`;
const hundredPayments = (alias: string) =>
  `${alias}: payments(first: 100) { edges { node { id status total { amount currency } createdAt items { utility accountId amount { amount currency } } } } }`;
/** One full page of 100 payments is fine; three in one request cost more than an operation may (MAX_OPERATION_COST). */
const expensive = `{ me { ${['a', 'b', 'c'].map(hundredPayments).join(' ')} } }`;

const aliases = (count: number) =>
  `mutation { ${Array.from({ length: count }, (_, i) => `a${i}: login(input: { email: "x${i}@kabinet.test", password: "p" }) { accessToken }`).join(' ')} }`;

/** Refused before execution with `code`, the limit's own message, and no number in it. */
function expectRefused(response: GraphQLResponse, message: string) {
  const error = expectErrorCode(response, limitRefusalCode);
  expect(response.status).toBe(400);
  expect(response.data ?? null).toBeNull();
  expect(response.errors!.map((candidate) => candidate.message)).toContain(message);
  for (const { message } of response.errors!) expect(message).not.toMatch(/\d/);
  return error;
}

/**
 * Refused before execution for its cost. Unlike the limits above, this one is no secret: the
 * message, `extensions` and `rateLimitInfo` tell the maximum, and the answer what the query costs.
 */
function expectTooExpensive(response: GraphQLResponse, maxOperationCost: number) {
  const error = expectErrorCode(response, limitRefusalCode);
  expect(response.status).toBe(400);
  expect(response.data ?? null).toBeNull();
  const cost = response.extensions?.cost;
  expect(cost.requested).toBeGreaterThan(maxOperationCost);
  expect(cost.charged).toBe(0);
  expect(error.message).toBe(`Query is too expensive: it costs ${cost.requested} points, an operation may cost at most ${maxOperationCost}.`);
  expect(error.extensions).toMatchObject({ cost: cost.requested, maxOperationCost });
  return error;
}

describe('request limits at the gateway (graphql-armor, and the per-operation cost maximum)', () => {
  let t: TestStack;
  let token: string;
  let maxOperationCost: number;
  beforeAll(async () => {
    t = await startTestStack();
    token = await loginAs(t, demoUsers.demo);
    maxOperationCost = expectNoGraphQLErrors(await t.gql('{ rateLimitInfo { maxOperationCost } }')).rateLimitInfo.maxOperationCost;
  });
  afterAll(() => t?.stop());

  it('lets the Dashboard operation through exactly as written, at a modest cost', async () => {
    const response = await t.gql(dashboard, { token });
    expect(response.extensions?.cost.requested).toBeLessThan(50);
    const { me } = expectNoGraphQLErrors(response);
    expect(me.email).toBe(demoUsers.demo.email);
    expect(me.payments.edges.length).toBeGreaterThan(0);
  });

  it('answers the full introspection query Sandbox sends in development', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const { __schema } = expectNoGraphQLErrors(await t.gql(query));
    expect(__schema.types.map((type: { name: string }) => type.name)).toContain('ElectricityAccount');
  });

  it('lets the payments history page and a bill\'s lines (depth 8) through', async () => {
    const { me } = expectNoGraphQLErrors(await t.gql(paymentsPage, { token }));
    expect(me.payments.edges[0].node.items[0].amount.amount).toMatch(/^\d+\.\d{2}$/);
    const bills = expectNoGraphQLErrors(await t.gql(billLines, { token })).me.electricityAccounts[0].bills;
    expect(bills.edges[0].node.lines[0].amount.amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('counts named fragments by the depth they reach, not extra', async () => {
    const withFragments = `{ me { electricityAccounts { bills(first: 1) { edges { node { ...BillLines } } } } } }
      fragment BillLines on Bill { lines { ...LineAmount } }
      fragment LineAmount on BillLine { amount { amount } }`;
    expectNoGraphQLErrors(await t.gql(withFragments, { token }));
  });

  it('refuses a query nested too deeply', async () => {
    expectRefused(await t.gql(tooDeep), 'Query is nested too deeply.');
  });

  it('refuses more than 15 aliases, so 16 login attempts cannot ride one request', async () => {
    expectRefused(await t.gql(aliases(16)), 'Query uses too many aliases.');
    // 15 pass the limits and run (mutations in order, stopping at the first failure).
    const allowed = await t.gql(aliases(15));
    expect(errorCodes(allowed)).toEqual(['INVALID_CREDENTIALS']);
  });

  it('refuses too many directives', async () => {
    const directives = Array.from({ length: 51 }, () => '@include(if: true)').join(' ');
    expectRefused(await t.gql(`{ __typename ${directives} }`), 'Query uses too many directives.');
  });

  it('refuses a document over the token limit', async () => {
    // Cheap (one level, scalars only) but over a thousand tokens.
    const long = `{ ${'__typename '.repeat(1001)}}`;
    expectRefused(await t.gql(long), 'Query is too long.');
  });

  it('refuses an operation costing more than the maximum rateLimitInfo tells, before it runs', async () => {
    expect(maxOperationCost).toBe(t.config.gateway.costs.maxOperationCost);
    expectNoGraphQLErrors(await t.gql(`{ me { ${hundredPayments('a')} } }`, { token }));
    expectTooExpensive(await t.gql(expensive, { token }), maxOperationCost);
    // `first` in a variable is priced as a literal one: no way around the maximum.
    const viaVariable = `query ($n: Int) { me { ${['a', 'b', 'c'].map(hundredPayments).join(' ').replaceAll('first: 100', 'first: $n')} } }`;
    expectTooExpensive(await t.gql(viaVariable, { token, variables: { n: 100 } }), maxOperationCost);
  });

  it('counts a fragment or an operation named __schema against depth and cost', async () => {
    // armor used to skip any node named `__schema`; only the introspection field is exempt now.
    const deepFragment = `mutation { login(input: { email: "deep@kabinet.test", password: "p" }) { ...__schema } }
      fragment __schema on AuthPayload { user { electricityAccounts { bills(first: 1) { edges { node { lines { amount { amount } } } } } } } }`;
    expectRefused(await t.gql(deepFragment), 'Query is nested too deeply.');
    expectRefused(await t.gql(tooDeep.replace('mutation', 'mutation __schema')), 'Query is nested too deeply.');

    const costlyFragment = `query { me { ...__schema } }
      fragment __schema on User { ${['a', 'b', 'c'].map(hundredPayments).join(' ')} }`;
    expectTooExpensive(await t.gql(costlyFragment, { token }), maxOperationCost);
    expectTooExpensive(await t.gql(`query __schema ${expensive}`, { token }), maxOperationCost);
  });

  it('suggests no field, argument or type names in errors', async () => {
    const responses = [
      await t.gql(`{ me { emial } }`, { token }),
      await t.gql(`{ me { payments(frist: 5) { edges { cursor } } } }`, { token }),
      await t.gql(`query ($email: Strin) { me { email } }`, { token }),
    ];
    for (const response of responses) {
      expectErrorCode(response, 'GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(response.errors)).not.toMatch(/did you mean/i);
    }
  });
});

describe('request limits and unexpected errors', () => {
  // armor's own hook turned any unexpected error into GRAPHQL_VALIDATION_FAILED with the error's
  // text; requestLimits() drops it, so such an error is still masked.
  let server: ApolloServer;
  let url: string;
  beforeAll(async () => {
    const limits = requestLimits();
    server = new ApolloServer({
      typeDefs: 'type Query { hello: String }',
      resolvers: { Query: { hello: () => 'hi' } },
      includeStacktraceInErrorResponses: false,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      formatError: maskGatewayError(() => {}),
      validationRules: limits.validationRules,
      plugins: [
        ...limits.plugins,
        {
          async requestDidStart() {
            return {
              async didResolveSource({ source }) {
                if (source.includes('Boom')) throw new Error('connect ECONNREFUSED db password=hunter2');
              },
            };
          },
        },
      ],
    });
    ({ url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } }));
  });
  afterAll(() => server?.stop());

  it('still masks an unexpected error as INTERNAL_SERVER_ERROR', async () => {
    const response = await graphqlRequest(url, 'query Boom { hello }');
    expectErrorCode(response, 'INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(response.errors)).not.toContain('hunter2');
  });

  it('still refuses over the token limit with a typed error', async () => {
    expectRefused(await graphqlRequest(url, `{ ${'hello '.repeat(1001)}}`), 'Query is too long.');
  });
});
