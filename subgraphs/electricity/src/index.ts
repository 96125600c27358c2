import { fileURLToPath } from 'node:url';
import { subgraphTypeDefs } from '@kabinet/subgraph';
import { cabinetSdlFile, seedUtilityDemo, utilitySdlFile, utilitySubgraphModule } from '@kabinet/utility-core';
import * as tables from './db/schema';
import { demoSuppliers, seedDemoTariffs } from './demo';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { electricityRules } from './tariffs/rules';

export const typeDefs = subgraphTypeDefs(new URL('../schema.graphql', import.meta.url), utilitySdlFile, cabinetSdlFile);

export const electricityModule = utilitySubgraphModule({
  name: 'electricity',
  typeDefs,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  tables,
  rules: electricityRules,
  resolvers: resolvers as never,
  permissions,
  seedDemo: (runtime) =>
    seedUtilityDemo({
      db: runtime.database.db,
      tables,
      rules: electricityRules,
      suppliers: demoSuppliers,
      now: runtime.clock.now(),
      logger: runtime.logger,
      seedSupplier: seedDemoTariffs,
    }),
});

/** The subgraph's drizzle tables, for tests and benchmarks that arrange data directly. */
export * as electricityTables from './db/schema';
