import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';

/** The composed, checked-in supergraph (`pnpm compose` rebuilds it). */
export const supergraphPath = new URL('../../schema/supergraph.graphql', import.meta.url);

export function readSupergraphSdl(): string {
  return readFileSync(supergraphPath, 'utf8');
}

/**
 * The Query fields more than one subgraph resolves (`@shareable`, so the supergraph names no
 * single `@join__field` for them): each subgraph answers its own part of them.
 */
export function sharedRootFieldsOf(supergraphSdl: string): Set<string> {
  const shared = new Set<string>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || definition.name.value !== 'Query') continue;
    for (const field of definition.fields ?? []) {
      const graphs = (field.directives ?? []).filter((directive) => directive.name.value === 'join__field').length;
      if (graphs !== 1) shared.add(field.name.value);
    }
  }
  return shared;
}
