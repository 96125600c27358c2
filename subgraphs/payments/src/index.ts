import { fileURLToPath } from 'node:url';
import { scalarResolvers, subgraphTypeDefs, type SubgraphModule } from '@kabinet/subgraph';

export const typeDefs = subgraphTypeDefs(new URL('../schema.graphql', import.meta.url));

export const paymentsModule: SubgraphModule = {
  name: 'payments',
  typeDefs,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  create: () => ({
    name: 'payments',
    typeDefs,
    resolvers: { ...scalarResolvers } as never,
    permissions: {},
    createContext: (base) => base,
  }),
};
