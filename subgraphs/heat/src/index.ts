import { fileURLToPath } from 'node:url';
import { subgraphTypeDefs, type SubgraphModule } from '@kabinet/subgraph';
import { seedUtilityDemo, utilityContextFactory, utilitySdlFile } from '@kabinet/utility-core';
import * as tables from './db/schema';
import { demoSuppliers } from './demo';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const typeDefs = subgraphTypeDefs(new URL('../schema.graphql', import.meta.url), utilitySdlFile);

export const heatModule: SubgraphModule = {
  name: 'heat',
  typeDefs,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  create: () => ({
    name: 'heat',
    typeDefs,
    resolvers: resolvers as never,
    permissions,
    createContext: utilityContextFactory(tables),
  }),
  seedDemo: (runtime) => seedUtilityDemo(runtime.database.db, tables, 'heat', demoSuppliers),
};
