import { composeServices } from '@apollo/composition';
import { defaultPorts } from '@kabinet/config';
import { subgraphModules } from '@kabinet/stack';

export const supergraphFile = new URL('../supergraph.graphql', import.meta.url);

export interface Composition {
  supergraphSdl: string | undefined;
  errors: string[];
  hints: string[];
}

/** Composes the subgraphs' SDL with @apollo/composition, as `pnpm compose` does. */
export function composeSupergraph(): Composition {
  const result = composeServices(
    subgraphModules.map((module) => ({
      name: module.name,
      // The gateway replaces these with the configured URLs; they document the dev ports.
      url: `http://127.0.0.1:${defaultPorts[module.name]}/graphql`,
      typeDefs: module.typeDefs,
    })),
  );
  return {
    supergraphSdl: result.errors ? undefined : result.supergraphSdl,
    errors: (result.errors ?? []).map((error) => error.message),
    hints: (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`),
  };
}
