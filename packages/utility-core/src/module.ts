import { fileURLToPath } from 'node:url';
import type { SubgraphName } from '@kabinet/config';
import { money } from '@kabinet/money';
import {
  allow,
  ownedBy,
  scalarResolvers,
  subgraphTypeDefs,
  type BaseContext,
  type SubgraphModule,
  type SubgraphRuntime,
} from '@kabinet/subgraph';
import { createUtilityLoaders, type AccountRow, type BillRow, type MeterRow, type ReadingRow, type UtilityLoaders } from './loaders';
import { isVerificationOverdue, nextVerificationDue, sortByZone } from './meters';
import { seedUtilityDemo, type DemoSupplier } from './seed';
import type { UtilityTables } from './tables';

export const utilitySdlFile = new URL('../schema.graphql', import.meta.url);

export interface UtilityContext extends BaseContext {
  utility: UtilityLoaders;
}

export interface UtilitySubgraphSpec {
  name: Extract<SubgraphName, 'electricity' | 'heat'>;
  /** The subgraph's own schema.graphql. */
  sdlFile: URL;
  migrationsFolder: URL;
  tables: UtilityTables;
  /** `ElectricityAccount` or `HeatAccount`. */
  accountType: string;
  /** The field it contributes to `User`: `electricityAccounts` or `heatAccounts`. */
  userField: string;
  demoSuppliers: DemoSupplier[];
}

const today = () => new Date().toISOString().slice(0, 10);

function resolvers(spec: UtilitySubgraphSpec) {
  return {
    ...scalarResolvers,
    User: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      [spec.userField]: (user: { id: string }, _args: unknown, context: UtilityContext) =>
        context.utility.accountsByHolder.load(user.id),
    },
    [spec.accountType]: {
      __resolveReference: (reference: { id: string }, context: UtilityContext) =>
        context.utility.accountById.load(reference.id),
      supplier: (account: AccountRow, _args: unknown, context: UtilityContext) =>
        context.utility.supplierById.load(account.supplierId),
      balance: async (account: AccountRow, _args: unknown, context: UtilityContext) =>
        money(await context.utility.balanceByAccount.load(account.id), account.currency),
      meters: (account: AccountRow, _args: unknown, context: UtilityContext) =>
        context.utility.metersByAccount.load(account.id),
      latestBill: (account: AccountRow, _args: unknown, context: UtilityContext) =>
        context.utility.latestBillByAccount.load(account.id),
    },
    Meter: {
      nextVerificationDue: (meter: MeterRow) => nextVerificationDue(meter),
      verificationOverdue: (meter: MeterRow) => isVerificationOverdue(meter, today()),
      latestReadings: async (meter: MeterRow, _args: unknown, context: UtilityContext) =>
        sortByZone(await context.utility.latestReadingsByMeter.load(meter.id)),
      latestReading: async (meter: MeterRow, _args: unknown, context: UtilityContext) => {
        const readings = await context.utility.latestReadingsByMeter.load(meter.id);
        return readings.find((reading) => reading.zone === meter.zones[0]) ?? null;
      },
    },
    MeterReading: {
      // numeric(14,3) arrives as e.g. "12345.000"; show it without trailing zeros.
      value: (reading: ReadingRow) => reading.value.replace(/\.?0+$/, ''),
    },
    Bill: {
      period: (bill: BillRow) => bill.period.slice(0, 7),
      amountDue: (bill: BillRow) => money(bill.amountDueMinor, bill.currency),
    },
  };
}

/**
 * Account data is for its holder only, on every path: the account type guards itself, so
 * fields reached through `_entities` are checked too. Meters, readings and bills have no key
 * and no root field: they are reachable only through an account.
 */
function permissions(spec: UtilitySubgraphSpec) {
  return {
    User: ownedBy((user: { id: string }) => user.id),
    [spec.accountType]: ownedBy((account: AccountRow) => account.holderUserId),
    Supplier: allow,
    Meter: allow,
    MeterReading: allow,
    Bill: allow,
    Money: allow,
  };
}

/** A utility subgraph (electricity or heat) from what differs between them. */
export function createUtilityModule(spec: UtilitySubgraphSpec): SubgraphModule {
  const typeDefs = subgraphTypeDefs(spec.sdlFile, utilitySdlFile);
  return {
    name: spec.name,
    typeDefs,
    migrationsFolder: fileURLToPath(spec.migrationsFolder),
    create: () => ({
      name: spec.name,
      typeDefs,
      resolvers: resolvers(spec) as never,
      permissions: permissions(spec) as never,
      createContext: (base): UtilityContext => ({ ...base, utility: createUtilityLoaders(base.db, spec.tables) }),
    }),
    seedDemo: (runtime: SubgraphRuntime) => seedUtilityDemo(runtime.database.db, spec.tables, spec.name, spec.demoSuppliers),
  };
}
