import { electricitySpec } from '@kabinet/electricity';
import { heatSpec } from '@kabinet/heat';
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

const keysOf = (map: unknown, type: string) => Object.keys((map as Record<string, Record<string, unknown>>)[type] ?? {}).sort();

describe.each([
  ['electricity', utilitySchemaParts(electricitySpec)],
  ['heat', utilitySchemaParts(heatSpec)],
])('the %s subgraph\'s root fields', (_name, parts) => {
  it.each(['Query', 'Mutation'] as const)('%s: each field in the SDL has exactly one resolver and one shield rule, and nothing else has', (type) => {
    const declared = rootFieldsOf(parts.typeDefs, type);
    expect(declared.length).toBeGreaterThan(0);
    expect(new Set(declared).size).toBe(declared.length);
    expect(keysOf(parts.resolvers, type)).toEqual(declared);
    expect(keysOf(parts.permissions, type)).toEqual(declared);
  });
});
