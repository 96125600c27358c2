import { createRequire } from 'node:module';
import type { Viewer } from '@kabinet/auth';
import type { GraphQLFieldResolver } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { deny, shield } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import { guardSchema } from './guard';
import { allow, firstPartyOnly, needsScope, ownedBy, publicField, rootFieldAccessOf, type AnswerGrant } from './rules';

// The copy of graphql that graphql-shield and graphql-middleware load (CommonJS), not the one vite would inline.
// Every case runs with the rules applied as subgraphs apply them (`guardSchema`) and by graphql-shield itself.
const { buildSchema, graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** A schema shaped like a subgraph's: root fields declaring their access, and an owned type guarding itself. */
const typeDefs = `
  type Thing { id: ID!, owner: ID!, secret: String! }
  type Query { suppliers: [String!]!, thing(id: ID!): Thing, things: [Thing]! }
  type Mutation { make: Thing!, other: Thing!, settings: Boolean! }
`;

const things = [
  { id: 'a', owner: 'alice', secret: 'alice-secret' },
  { id: 'b', owner: 'bob', secret: 'bob-secret' },
];

const made: AnswerGrant[] = [{ mutation: 'make', scope: 'payments:write' }];
const rules = {
  Query: { suppliers: publicField(), thing: needsScope('accounts:read'), things: needsScope('accounts:read') },
  Mutation: { make: needsScope('payments:write'), other: needsScope('readings:write'), settings: firstPartyOnly() },
  Thing: ownedBy((thing: { owner: string }) => thing.owner, made),
};

type Applied = 'guardSchema' | 'graphql-shield';

function schemaWith(applied: Applied) {
  const schema = buildSchema(typeDefs);
  const resolve = (type: 'Query' | 'Mutation', field: string, resolver: GraphQLFieldResolver<unknown, unknown>) => {
    (type === 'Query' ? schema.getQueryType() : schema.getMutationType())!.getFields()[field]!.resolve = resolver;
  };
  resolve('Query', 'suppliers', () => ['Київ']);
  resolve('Query', 'thing', (_parent, args: { id: string }) => things.find((thing) => thing.id === args.id) ?? null);
  resolve('Query', 'things', () => things);
  resolve('Mutation', 'make', () => things[0]);
  resolve('Mutation', 'other', () => things[0]);
  resolve('Mutation', 'settings', () => true);
  return applied === 'guardSchema'
    ? guardSchema(schema, rules, { fallbackRule: deny, fallbackError: () => new Error('Not Authorised!') })
    : applyMiddleware(schema, shield(rules, { fallbackRule: deny, allowExternalErrors: true }));
}

const alice: Viewer = { userId: 'alice', role: 'CUSTOMER', sessionId: 's1' };
const delegated = (...scopes: NonNullable<Viewer['scopes']>) => ({ ...alice, clientId: 'demo-bank', scopes });

describe.each<Applied>(['guardSchema', 'graphql-shield'])('rules applied by %s', (applied) => {
  const schema = schemaWith(applied);

  async function run(viewer: Viewer | null, source: string) {
    const result = await graphql({ schema, source, contextValue: { viewer } });
    return {
      data: result.data,
      refusals: (result.errors ?? []).map((error) => ({ path: error.path?.join('.'), code: error.extensions.code, reason: error.extensions.reason, requiredScope: error.extensions.requiredScope })),
    };
  }

  describe('root fields and scopes', () => {
    it('declares each root field\'s access on its rule', () => {
      expect(rootFieldAccessOf(rules.Query.suppliers)).toBe('public');
      expect(rootFieldAccessOf(rules.Query.thing)).toBe('accounts:read');
      expect(rootFieldAccessOf(rules.Mutation.settings)).toBe('firstPartyOnly');
      expect(rootFieldAccessOf(allow)).toBeUndefined();
    });

    it('lets a first-party session do what its role allows, and refuses the anonymous a login field', async () => {
      expect(await run(alice, '{ thing(id: "a") { secret } }')).toEqual({ data: { thing: { secret: 'alice-secret' } }, refusals: [] });
      expect((await run(alice, 'mutation { settings }')).data).toEqual({ settings: true });
      expect((await run(null, '{ thing(id: "a") { id } }')).refusals).toEqual([{ path: 'thing', code: 'UNAUTHENTICATED', reason: undefined, requiredScope: undefined }]);
      expect((await run(null, '{ suppliers }')).data).toEqual({ suppliers: ['Київ'] });
    });

    it('refuses a delegated token a field outside its scopes, with the scope it lacks', async () => {
      expect((await run(delegated('readings:write'), '{ thing(id: "a") { id } }')).refusals).toEqual([
        { path: 'thing', code: 'FORBIDDEN', reason: 'MISSING_SCOPE', requiredScope: 'accounts:read' },
      ]);
      expect((await run(delegated('accounts:read'), '{ thing(id: "a") { secret } }')).data).toEqual({ thing: { secret: 'alice-secret' } });
      expect((await run(delegated(), '{ suppliers }')).data).toEqual({ suppliers: ['Київ'] });
    });

    it('refuses first-party-only fields to a delegated token whatever its scopes', async () => {
      expect((await run(delegated('accounts:read', 'readings:write', 'payments:write'), 'mutation { settings }')).refusals).toEqual([
        { path: 'settings', code: 'FORBIDDEN', reason: 'FIRST_PARTY_ONLY', requiredScope: undefined },
      ]);
    });
  });

  describe('owned types and the answer of a mutation', () => {
    it('shows the answer of a granted mutation without accounts:read, under an alias or a fragment too', async () => {
      const payer = delegated('payments:write');
      expect((await run(payer, 'mutation { make { secret } }')).data).toEqual({ make: { secret: 'alice-secret' } });
      expect((await run(payer, 'mutation { paid: make { secret } }')).data).toEqual({ paid: { secret: 'alice-secret' } });
      expect((await run(payer, 'mutation { ...M } fragment M on Mutation { ... on Mutation { paid: make { secret } } }')).data).toEqual({ paid: { secret: 'alice-secret' } });
    });

    it('keeps the same objects from a query, and from another mutation\'s answer, without accounts:read', async () => {
      expect((await run(delegated('payments:write'), '{ thing(id: "a") { secret } }')).refusals.map((refusal) => refusal.requiredScope)).toEqual(['accounts:read']);
      const other = await run(delegated('readings:write', 'payments:write'), 'mutation { other { secret } }');
      expect(other.data).toBeNull();
      expect(other.refusals).toEqual([{ path: 'other.secret', code: 'FORBIDDEN', reason: 'MISSING_SCOPE', requiredScope: 'accounts:read' }]);
    });

    it('decides per owner, never reusing one object\'s verdict for another\'s in the same request', async () => {
      for (const viewer of [alice, delegated('accounts:read')]) {
        const { data, refusals } = await run(viewer, '{ things { id secret } }');
        expect(data).toEqual({ things: [{ id: 'a', secret: 'alice-secret' }, null] });
        expect(refusals.length).toBeGreaterThan(0);
        for (const refusal of refusals) expect(refusal).toMatchObject({ path: expect.stringMatching(/^things\.1\./), code: 'FORBIDDEN', reason: undefined });
      }
    });
  });
});
