import { fileURLToPath } from 'node:url';
import { subgraphTypeDefs, type SubgraphModule } from '@kabinet/subgraph';
import { createPaymentLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers, type PaymentsContext } from './resolvers';
import { seedPaymentsDemo } from './seed';

export const typeDefs = subgraphTypeDefs(new URL('../schema.graphql', import.meta.url));

export const paymentsModule: SubgraphModule = {
  name: 'payments',
  typeDefs,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  create: () => ({
    name: 'payments',
    typeDefs,
    resolvers: resolvers as never,
    permissions: permissions as never,
    createContext: (base): PaymentsContext => ({ ...base, payments: createPaymentLoaders(base.db) }),
  }),
  seedDemo: (runtime) => seedPaymentsDemo(runtime.database.db),
};
