import { electricitySpec } from '@kabinet/electricity';
import { heatSpec } from '@kabinet/heat';
import { identityPermissions, typeDefs as identityTypeDefs } from '@kabinet/identity';
import { paymentsPermissions, typeDefs as paymentsTypeDefs } from '@kabinet/payments';
import { rootFieldAccessOf } from '@kabinet/subgraph';
import { utilitySchemaParts } from '@kabinet/utility-core';
import { Kind, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';

/** Root fields a subgraph's SDL declares (federation adds `_entities` and `_service` itself). */
function rootFieldsOf(typeDefs: DocumentNode, type: 'Query' | 'Mutation'): string[] {
  return typeDefs.definitions
    .flatMap((definition) =>
      (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) && definition.name.value === type
        ? (definition.fields ?? []).map((field) => field.name.value)
        : [],
    )
    .sort();
}

const fieldsOf = (map: unknown, type: string) => (map as Record<string, Record<string, unknown>>)[type] ?? {};
const keysOf = (map: unknown, type: string) => Object.keys(fieldsOf(map, type)).sort();

const utilities = [
  ['electricity', utilitySchemaParts(electricitySpec)],
  ['heat', utilitySchemaParts(heatSpec)],
] as const;

describe.each(utilities)('the %s subgraph\'s root fields', (_name, parts) => {
  it.each(['Query', 'Mutation'] as const)('%s: each field in the SDL has exactly one resolver and one shield rule, and nothing else has', (type) => {
    const declared = rootFieldsOf(parts.typeDefs, type);
    expect(declared.length).toBeGreaterThan(0);
    expect(new Set(declared).size).toBe(declared.length);
    expect(keysOf(parts.resolvers, type)).toEqual(declared);
    expect(keysOf(parts.permissions, type)).toEqual(declared);
  });
});

describe.each([
  ...utilities.map(([name, parts]) => [name, parts.typeDefs, parts.permissions] as const),
  ['identity', identityTypeDefs, identityPermissions] as const,
  ['payments', paymentsTypeDefs, paymentsPermissions] as const,
])('the %s subgraph\'s root fields and delegated tokens', (_name, typeDefs, permissions) => {
  it.each(['Query', 'Mutation'] as const)('%s: each field declares what a delegated token needs (public, a scope, or first-party only)', (type) => {
    const declared = rootFieldsOf(typeDefs, type);
    expect(keysOf(permissions, type)).toEqual(declared);
    const undeclared = declared.filter((field) => rootFieldAccessOf(fieldsOf(permissions, type)[field]) === undefined);
    expect(undeclared, 'root fields whose rule declares no access: use publicField(), needsScope() or firstPartyOnly()').toEqual([]);
  });
});
