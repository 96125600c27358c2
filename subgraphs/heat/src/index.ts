import { fileURLToPath } from 'node:url';
import { seedUtilityDemo, utilitySubgraphModule, type UtilitySubgraphSpec } from '@kabinet/utility-core';
import * as tables from './db/schema';
import { demoSuppliers, seedDemoPremises, seedDemoTariffs, seededHeatMonths } from './demo';
import { heatOwnFields } from './graphql';
import { heatRules } from './rules';

/** Heat & hot water is the shared personal cabinet under its own names, with its own rules. */
export const heatSpec = {
  name: 'heat' as const,
  names: { Utility: 'Heat', utility: 'heat', utilityWords: 'heat & hot water' },
  ownSdlFile: new URL('../schema.graphql', import.meta.url),
  ownResolvers: heatOwnFields().resolvers,
  ownPermissions: heatOwnFields().permissions,
} satisfies Partial<UtilitySubgraphSpec>;

export const heatModule = utilitySubgraphModule({
  ...heatSpec,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  tables,
  rules: heatRules,
  seedDemo: (runtime) =>
    seedUtilityDemo({
      db: runtime.database.db,
      tables,
      rules: heatRules,
      suppliers: demoSuppliers,
      now: runtime.clock.now(),
      logger: runtime.logger,
      months: seededHeatMonths,
      seedSupplier: seedDemoTariffs,
      seedAccounts: seedDemoPremises(runtime.clock.now()),
    }),
});

export const typeDefs = heatModule.typeDefs;

/** The subgraph's drizzle tables, for tests and benchmarks that arrange data directly. */
export * as heatTables from './db/schema';
export { heatRules } from './rules';
