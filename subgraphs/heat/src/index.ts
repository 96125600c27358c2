import { createUtilityModule } from '@kabinet/utility-core';
import * as tables from './db/schema';
import { demoSuppliers } from './demo';

export const heatModule = createUtilityModule({
  name: 'heat',
  sdlFile: new URL('../schema.graphql', import.meta.url),
  migrationsFolder: new URL('../drizzle', import.meta.url),
  tables,
  accountType: 'HeatAccount',
  userField: 'heatAccounts',
  demoSuppliers,
});

export const typeDefs = heatModule.typeDefs;
