import type { SignedLinks, Viewer } from '@kabinet/auth';
import { preparedPer, type Database } from '@kabinet/db';
import type { BaseContext } from '@kabinet/subgraph';
import type { Appeals } from '../appeals';
import type { UtilityRules } from '../billing/run';
import type { EReceipts } from '../bills/e-receipts';
import type { LinkingService } from '../linking/service';
import { createUtilityLoaders, prepareUtilityQueries, type UtilityLoaders } from './loaders';
import type { ReadingsService } from '../readings/service';
import type { SupplierRow, UtilityTables } from '../tables';

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
  return (base: BaseContext): UtilityContext | Promise<UtilityContext> => {
    const now = base.clock.now();
    const context: UtilityContext = { ...base, now, services, utility: createUtilityLoaders(queriesOf(base.db), now) };
    return needsStaffSupplier(base.viewer) ? staffOfThisUtility(context) : context;
  };
}

/** An operator of several suppliers (an organisation in several utilities): which one is here is looked up. */
const needsStaffSupplier = (viewer: Viewer | null) => viewer?.role === 'OPERATOR' && (viewer.supplierIds?.length ?? 0) > 1;

/**
 * The context with the operator acting for this utility's supplier among theirs (one statement,
 * for operators of several suppliers only): every staff check then compares one id, as for any
 * operator. Staff of none of this utility's suppliers act for none here.
 */
async function staffOfThisUtility(context: UtilityContext): Promise<UtilityContext> {
  const viewer = context.viewer!;
  const here = await context.utility.supplierById.loadMany([...viewer.supplierIds!]);
  const supplier = here.find((row): row is SupplierRow => row !== null && !(row instanceof Error));
  return { ...context, viewer: Object.freeze({ ...viewer, supplierId: supplier?.id }) };
}
