import { fileURLToPath } from 'node:url';
import { subgraphTypeDefs, type SubgraphModule } from '@kabinet/subgraph';
import { createPaymentsContext } from './context';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { seedPaymentsDemo } from './seed';

export const typeDefs = subgraphTypeDefs(new URL('../schema.graphql', import.meta.url));

export const paymentsModule: SubgraphModule = {
  name: 'payments',
  typeDefs,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  create: () => ({
    name: 'payments',
    typeDefs,
    resolvers,
    permissions,
    createContext: createPaymentsContext,
  }),
  seedDemo: (runtime) => seedPaymentsDemo(runtime.database.db),
};
