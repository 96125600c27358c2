import { createRequire } from 'node:module';
import type { GraphQLFieldResolver } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, and, chain, deny, not, or, race, rule, shield } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import { guardSchema } from './guard';

// The copy of graphql that graphql-shield and graphql-middleware load (CommonJS), not the one vite would inline.
const { buildSchema, graphql } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

type Answer = boolean | string | Error;

interface Context {
  role: string;
  calls: string[];
}

// Rules of every kind shield has, answering synchronously, asynchronously, with strings, errors and exceptions.
const named = (name: string, answer: (context: Context) => Answer | Promise<Answer>, cache: 'contextual' | 'no_cache' | 'strict' = 'no_cache') =>
  rule({ cache })((_parent, _args, context: Context) => {
    context.calls.push(name);
    return answer(context);
  });
const isAdmin = named('isAdmin', (context) => context.role === 'admin' || new Error('admins only'), 'contextual');
const isStaff = named('isStaff', (context) => context.role === 'admin' || context.role === 'staff');
const later = named('later', async (context) => context.role !== 'nobody');
const says = named('says', () => 'a string refusal');
const throws = named('throws', () => {
  throw new Error('rule bug');
});
const rejects = named('rejects', async () => {
  throw new Error('async rule bug');
});
const byOwner = rule({ cache: (parent: { owner: string }) => parent.owner })((parent: { owner: string }, _args, context: Context) => {
  context.calls.push(`byOwner:${parent.owner}`);
  return parent.owner === context.role;
});
const strictArgs = rule({ cache: 'strict' })((_parent, args: { n?: number }) => (args.n ?? 0) > 1);

const typeDefs = `
  type Item { owner: String, name: String, price: Int }
  type Open { a: String, b: String }
  type Query {
    items: [Item]
    open: Open
    adminOnly: String
    staffAndAdmin: String
    staffOrAdmin: String
    chained: String
    raced: String
    negated: String
    negatedWithError: String
    asynchronous: String
    asyncInChain: String
    stringAnswer: String
    throwing: String
    rejecting: String
    denied: String
    strict(n: Int): String
    unlisted: String
  }
`;

const rules = {
  Query: {
    '*': isStaff,
    items: allow,
    open: allow,
    adminOnly: isAdmin,
    staffAndAdmin: and(isStaff, isAdmin),
    staffOrAdmin: or(isAdmin, isStaff),
    chained: chain(isStaff, isAdmin),
    raced: race(isAdmin, isStaff),
    negated: not(isAdmin),
    negatedWithError: not(isStaff, new Error('not for staff')),
    asynchronous: later,
    asyncInChain: chain(later, isAdmin, isStaff),
    stringAnswer: says,
    throwing: or(throws, deny),
    rejecting: rejects,
    denied: deny,
    strict: strictArgs,
  },
  Item: { '*': byOwner, price: chain(byOwner, isStaff) },
};

function schemaWith(applied: 'guardSchema' | 'graphql-shield') {
  const schema = buildSchema(typeDefs);
  const query = schema.getQueryType()!.getFields();
  for (const [name, field] of Object.entries(query)) field.resolve = (() => `${name}!`) as GraphQLFieldResolver<unknown, unknown>;
  query.items!.resolve = () => [
    { owner: 'staff', name: 'one', price: 1 },
    { owner: 'admin', name: 'two', price: 2 },
    { owner: 'staff', name: 'three', price: 3 },
  ];
  query.open!.resolve = () => ({ a: 'a', b: 'b' });
  const options = { fallbackRule: deny, fallbackError: () => new Error('Not Authorised!') };
  return applied === 'guardSchema' ? guardSchema(schema, rules, options) : applyMiddleware(schema, shield(rules, { ...options, allowExternalErrors: true }));
}

const schemas = { guardSchema: schemaWith('guardSchema'), 'graphql-shield': schemaWith('graphql-shield') };
const everyField = `{
  items { owner name price } open { a b } adminOnly staffAndAdmin staffOrAdmin chained raced negated negatedWithError
  asynchronous asyncInChain stringAnswer throwing rejecting denied low: strict(n: 1) high: strict(n: 2) unlisted
}`;

async function run(applied: keyof typeof schemas, role: string, source = everyField) {
  const context: Context = { role, calls: [] };
  const result = await graphql({ schema: schemas[applied], source, contextValue: context });
  const errors = (result.errors ?? []).map((error) => `${error.path?.join('.')}: ${error.message}`).sort();
  return { data: result.data, errors, calls: context.calls };
}

describe('guardSchema', () => {
  it.each(['admin', 'staff', 'customer', 'nobody'])('answers as graphql-shield does, field by field, for %s', async (role) => {
    const ours = await run('guardSchema', role);
    const theirs = await run('graphql-shield', role);
    expect(ours.data).toEqual(theirs.data);
    expect(ours.errors).toEqual(theirs.errors);
    expect(ours.errors.length).toBeGreaterThan(0);
  });

  it('evaluates a cached rule once per request and key, an uncached one every time', async () => {
    const { calls } = await run('guardSchema', 'staff', '{ items { owner name price } a: adminOnly b: adminOnly }');
    expect(calls.filter((call) => call.startsWith('byOwner'))).toEqual(['byOwner:staff', 'byOwner:admin']);
    expect(calls.filter((call) => call === 'isAdmin')).toHaveLength(1);
    // `price` chains the uncached isStaff after byOwner: once per item byOwner lets through.
    expect(calls.filter((call) => call === 'isStaff')).toHaveLength(2);
    // Each request decides afresh.
    expect((await run('guardSchema', 'staff', '{ adminOnly }')).calls).toEqual(['isAdmin']);
  });

  it('leaves the resolvers of allowed fields as they are, and guards the rest', () => {
    const plain = buildSchema(typeDefs);
    const resolveOpen = () => ({ a: 'a', b: 'b' });
    plain.getQueryType()!.getFields().open!.resolve = resolveOpen;
    const guarded = guardSchema(plain, rules, { fallbackRule: deny, fallbackError: () => new Error('Not Authorised!') });
    expect(guarded.getQueryType()!.getFields().open!.resolve).toBe(resolveOpen);
    expect(guarded.getQueryType()!.getFields().adminOnly!.resolve).toBeTypeOf('function');
    // `Open` has no rules of its own: the fallback (deny) guards its fields.
    expect((guarded.getType('Open') as import('graphql').GraphQLObjectType).getFields().a!.resolve).toBeTypeOf('function');
  });

  it('refuses rules for types or fields the schema does not have', () => {
    const options = { fallbackRule: deny, fallbackError: () => new Error('Not Authorised!') };
    expect(() => guardSchema(buildSchema(typeDefs), { Missing: allow }, options)).toThrow(/Missing/);
    expect(() => guardSchema(buildSchema(typeDefs), { Query: { nope: allow } }, options)).toThrow(/nope/);
  });
});
