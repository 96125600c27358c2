import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ApolloGateway } from '@apollo/gateway';
import type * as GraphQL from 'graphql';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { operationCost, rememberedOperationCost } from './cost';
import { readSupergraphSdl } from './supergraph';

// The copy of graphql graphql-query-complexity and Apollo load (CommonJS), as at run time; under
// vitest an `import` here would give the ESM copy, whose schema the library would not recognise.
const { buildSchema, parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const sdl = `
  type Query { me: User, greeting: String }
  type Mutation { pay(amount: Int!): Payment! }
  type User { id: ID! email: String! payments(first: Int = 10, after: String): PaymentConnection! accounts: [Account!]! }
  type Account { id: ID! bills(first: Int, after: String): BillConnection! }
  type PaymentConnection { edges: [PaymentEdge!]! }
  type PaymentEdge { cursor: String! node: Payment! }
  type Payment { id: ID! total: Money! }
  type Money { amount: String! currency: String! }
  type BillConnection { edges: [BillEdge!]! }
  type BillEdge { node: Bill! }
  type Bill { id: ID! }
`;
const schema = buildSchema(sdl);

const cost = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  operationCost({ schema, document: parse(query), variables, operationName });

// A page item here: edges (1) > node (1) > total (1) = 3 points; the page itself 1, `me` 1.
const paymentsPage = (first: string) => `payments${first} { edges { cursor node { id total { amount currency } } } }`;

describe('operation cost', () => {
  it('counts objects 1 and scalars 0, and an operation at least 1', () => {
    expect(cost('{ me { id email } }')).toBe(1);
    expect(cost('{ greeting }')).toBe(1);
    expect(cost('{ greeting me { id } }')).toBe(1);
  });

  it('multiplies a page by its literal `first`', () => {
    expect(cost(`{ me { ${paymentsPage('(first: 5)')} } }`)).toBe(1 + 1 + 5 * 3);
    expect(cost(`{ me { ${paymentsPage('(first: 0)')} } }`)).toBe(1 + 1);
  });

  it('multiplies a page by `first` given in a variable, as it would a literal', () => {
    const query = `query Page($first: Int) { me { ${paymentsPage('(first: $first)')} } }`;
    expect(cost(query, { first: 5 })).toBe(cost(`{ me { ${paymentsPage('(first: 5)')} } }`));
    expect(cost(query, { first: 100 })).toBe(1 + 1 + 100 * 3);
    // A variable's own default counts when the client sends none.
    expect(cost(`query Page($first: Int = 7) { me { ${paymentsPage('(first: $first)')} } }`)).toBe(1 + 1 + 7 * 3);
  });

  it('uses the field\'s SDL default without `first`, and the subgraphs\' default page size (20) without either', () => {
    expect(cost(`{ me { ${paymentsPage('')} } }`)).toBe(1 + 1 + 10 * 3);
    expect(cost(`query ($first: Int) { me { ${paymentsPage('(first: $first)')} } }`, { first: null })).toBe(1 + 1 + 10 * 3);
    expect(cost('{ me { accounts { bills { edges { node { id } } } } } }')).toBe(1 + 1 + 1 + 20 * 2);
  });

  it('prices a page at most at the cap of 100, however large `first` is', () => {
    const capped = 1 + 1 + 100 * 3;
    expect(cost(`{ me { ${paymentsPage('(first: 99999999)')} } }`)).toBe(capped);
    expect(cost(`query ($first: Int) { me { ${paymentsPage('(first: $first)')} } }`, { first: 2_000_000_000 })).toBe(capped);
    expect(cost(`{ me { ${paymentsPage('(first: -5)')} } }`)).toBe(1 + 1);
  });

  it('multiplies nested pages', () => {
    const nested = '{ me { accounts { bills(first: 3) { edges { node { id } } } } a: payments(first: 2) { edges { node { id } } } } }';
    expect(cost(nested)).toBe(1 + (1 + (1 + 3 * 2)) + (1 + 2 * 2));
  });

  it('counts named and inline fragments as the fields they stand for', () => {
    const plain = cost(`{ me { ${paymentsPage('(first: 4)')} } }`);
    expect(cost(`{ me { ...Payments } } fragment Payments on User { ${paymentsPage('(first: 4)')} }`)).toBe(plain);
    expect(cost(`{ me { ... on User { payments(first: 4) { edges { cursor node { ...Item } } } } } }
      fragment Item on Payment { id total { ...Amount } } fragment Amount on Money { amount currency }`)).toBe(plain);
    // A fragment spread twice is selected twice.
    expect(cost(`{ me { ...Payments b: payments(first: 4) { ...Page } } } fragment Payments on User { payments(first: 4) { ...Page } }
      fragment Page on PaymentConnection { edges { cursor node { id total { amount currency } } } }`)).toBe(plain * 2 - 1);
  });

  it('leaves out what @skip and @include leave out', () => {
    const query = `query ($full: Boolean!) { me { id ${paymentsPage('(first: 50) @include(if: $full)')} } }`;
    expect(cost(query, { full: false })).toBe(1);
    expect(cost(query, { full: true })).toBe(1 + 1 + 50 * 3);
  });

  it('charges a root mutation field 10 more than what it selects', () => {
    expect(cost('mutation { pay(amount: 5) { id total { amount } } }')).toBe(1 + 1 + 10);
    expect(cost('mutation { a: pay(amount: 5) { id } b: pay(amount: 6) { id } }')).toBe(2 * (1 + 10));
  });

  it('prices only the operation asked for in a document of several', () => {
    const document = `query Cheap { me { id } } query Dear { me { ${paymentsPage('(first: 100)')} } }`;
    expect(cost(document, {}, 'Cheap')).toBe(1);
    expect(cost(document, {}, 'Dear')).toBe(1 + 1 + 100 * 3);
  });

  it('refuses variables that do not fit their definitions, as execution would', () => {
    expect(() => cost(`query ($first: Int) { me { ${paymentsPage('(first: $first)')} } }`, { first: 'many' })).toThrow(/\$first/);
    expect(() => cost('mutation ($amount: Int!) { pay(amount: $amount) { id } }', {})).toThrow(/\$amount/);
  });
});

describe('remembered operation costs', () => {
  const query = `query Page($first: Int) { me { ${paymentsPage('(first: $first)')} } }`;

  it('price the same document anew for other variables or another operation', () => {
    const document = parse(`${query} query Cheap { me { id } }`);
    const remembered = (variables: Record<string, unknown>, operationName = 'Page') => rememberedOperationCost({ schema, document, variables, operationName });
    expect(remembered({ first: 5 })).toBe(cost(query, { first: 5 }));
    expect(remembered({ first: 100 })).toBe(cost(query, { first: 100 }));
    expect(remembered({ first: 5 })).toBe(cost(query, { first: 5 }));
    expect(remembered({ first: 100 }, 'Cheap')).toBe(1);
    for (let first = 0; first < 200; first += 1) expect(remembered({ first })).toBe(cost(query, { first }));
  });

  it('depend only on the variables the cost reads: page sizes and @include/@skip conditions', () => {
    const document = parse(`query Page($first: Int, $after: String, $withPayments: Boolean!) {
      me @include(if: $withPayments) { ${paymentsPage('(first: $first, after: $after)')} }
    }`);
    const remembered = (variables: Record<string, unknown>) => rememberedOperationCost({ schema, document, variables, operationName: 'Page' });
    const page = (first: number) => 1 + 1 + first * 3;
    const walks = vi.spyOn(schema, 'getMutationType');
    expect(remembered({ first: 5, after: 'a', withPayments: true })).toBe(page(5));
    // Another cursor costs the same: remembered, the document is not walked again.
    for (const after of ['b', 'c', 'd']) expect(remembered({ first: 5, after, withPayments: true })).toBe(page(5));
    expect(walks).toHaveBeenCalledTimes(1);
    walks.mockRestore();
    expect(remembered({ first: 50, after: 'b', withPayments: true })).toBe(page(50));
    expect(remembered({ first: 50, after: 'b', withPayments: false })).toBe(1);
    // A bad value of a variable the cost reads is refused every time.
    expect(() => remembered({ first: 'many', after: 'e', withPayments: true })).toThrow(/\$first/);
  });

  it('never remember a refusal: bad variables are refused every time', () => {
    const document = parse(query);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(() => rememberedOperationCost({ schema, document, variables: { first: 'many' } })).toThrow(/\$first/);
    }
  });

  it('are the schema\'s: the same document priced against another schema is priced anew', () => {
    const other = buildSchema(sdl.replace('payments(first: Int = 10, after: String)', 'payments(first: Int = 30, after: String)'));
    const document = parse(`{ me { ${paymentsPage('')} } }`);
    expect(rememberedOperationCost({ schema, document })).toBe(1 + 1 + 10 * 3);
    expect(rememberedOperationCost({ schema: other, document })).toBe(1 + 1 + 30 * 3);
  });
});

describe('the cost of Kabinet\'s own operations', () => {
  let apiSchema: GraphQL.GraphQLSchema;
  beforeAll(async () => {
    process.env.APOLLO_TELEMETRY_DISABLED = 'true';
    const gateway = new ApolloGateway({ supergraphSdl: readSupergraphSdl() });
    apiSchema = (await gateway.load()).schema;
    await gateway.stop();
  });

  it('keeps the Dashboard, every client\'s first query, cheap', () => {
    const dashboard = readFileSync(new URL('../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');
    const points = operationCost({ schema: apiSchema, document: parse(dashboard) });
    expect(points).toBeGreaterThan(10);
    expect(points).toBeLessThan(50);
  });
});
