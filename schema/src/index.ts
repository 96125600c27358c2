import { composeServices } from '@apollo/composition';
import { defaultPorts } from '@kabinet/config';
import { subgraphModules } from '@kabinet/stack';
import type { DocumentNode } from 'graphql';

export const supergraphFile = new URL('../supergraph.graphql', import.meta.url);

export interface Composition {
  supergraphSdl: string | undefined;
  errors: string[];
  hints: string[];
}

export interface SubgraphSdl {
  name: keyof typeof defaultPorts;
  typeDefs: DocumentNode;
}

/** Every subgraph's SDL as its code declares it. */
export const subgraphSdls = (): SubgraphSdl[] => subgraphModules.map(({ name, typeDefs }) => ({ name, typeDefs }));

/** Composes the subgraphs' SDL with @apollo/composition, as `pnpm compose` does (tests pass changed SDL). */
export function composeSupergraph(subgraphs: SubgraphSdl[] = subgraphSdls()): Composition {
  const result = composeServices(
    subgraphs.map((subgraph) => ({
      name: subgraph.name,
      // The gateway replaces these with the configured URLs; they document the dev ports.
      url: `http://127.0.0.1:${defaultPorts[subgraph.name]}/graphql`,
      typeDefs: subgraph.typeDefs,
    })),
  );
  return {
    supergraphSdl: result.errors ? undefined : result.supergraphSdl,
    errors: (result.errors ?? []).map((error) => error.message),
    hints: (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`),
  };
}
