import type { SignedLinks } from '@kabinet/auth';
import { preparedPer, type Database } from '@kabinet/db';
import type { BaseContext } from '@kabinet/subgraph';
import type { Appeals } from '../appeals';
import type { UtilityRules } from '../billing/run';
import type { EReceipts } from '../bills/e-receipts';
import type { LinkingService } from '../linking/service';
import { createUtilityLoaders, prepareUtilityQueries, type UtilityLoaders } from './loaders';
import type { ReadingsService } from '../readings/service';
import type { UtilityTables } from '../tables';

/** What a utility subgraph builds once at start and every request uses. */
export interface UtilityServices {
  db: Database;
  tables: UtilityTables;
  rules: UtilityRules;
  linking: LinkingService;
  readings: ReadingsService;
  eReceipts: EReceipts;
  appeals: Appeals;
  billLinks: SignedLinks;
}

export interface UtilityContext extends BaseContext {
  utility: UtilityLoaders;
  services: UtilityServices;
  /** The request's domain time: one instant for every rule a request applies. */
  now: Date;
}

/** `createContext` of a utility subgraph: fresh loaders per request, so nothing is cached across users. */
export function utilityContextFactory(services: UtilityServices) {
  // The loaders' statements, built once over the database requests come with (the subgraph's own).
  const queriesOf = preparedPer((db) => prepareUtilityQueries(db, services.tables));
  return (base: BaseContext): UtilityContext => {
    const now = base.clock.now();
    return { ...base, now, services, utility: createUtilityLoaders(queriesOf(base.db), now) };
  };
}
