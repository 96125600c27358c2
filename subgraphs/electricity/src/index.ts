import { fileURLToPath } from 'node:url';
import { seedUtilityDemo, utilitySubgraphModule } from '@kabinet/utility-core';
import * as tables from './db/schema';
import { demoSuppliers, seedDemoTariffs } from './demo';
import { electricityRules } from './tariffs/rules';

/** Electricity is the shared personal cabinet under its own names, with its tariffs. */
export const electricitySpec = {
  name: 'electricity',
  names: { Utility: 'Electricity', utility: 'electricity', utilityWords: 'electricity' },
  ownSdlFile: new URL('../schema.graphql', import.meta.url),
} as const;

export const electricityModule = utilitySubgraphModule({
  ...electricitySpec,
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  tables,
  rules: electricityRules,
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

export const typeDefs = electricityModule.typeDefs;

/** The subgraph's drizzle tables, for tests and benchmarks that arrange data directly. */
export * as electricityTables from './db/schema';
/** Its rules, for the billing benchmark that runs the engine directly. */
export { electricityRules } from './tariffs/rules';
