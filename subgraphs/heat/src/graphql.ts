import { Big } from '@kabinet/money';
import { firstPartyOnly, publicField } from '@kabinet/subgraph';
import { assertPeriod, type UtilityContext } from '@kabinet/utility-core';
import { allow } from 'graphql-shield';
import type { Resolvers } from './generated/resolvers-types';
import { heatLoaders } from './loaders';
import { createBuildingMeters, createHeatingSeasons } from './seasons';

/** Heat's own resolvers and shield rules, beside the shared cabinet's (`utilitySubgraphModule`). */
export function heatOwnFields() {
  const services = (context: UtilityContext) => ({ seasons: createHeatingSeasons(context.db), buildings: createBuildingMeters(context.db) });

  const resolvers = {
    HeatAccount: {
      premises: (account, _args, context) => heatLoaders(context).premisesByAccount.load(account.id),
    },
    HeatPremises: {
      heatedArea: (premises) => new Big(premises.heatedAreaM2).toFixed(2),
      building: (premises, _args, context) => (premises.buildingId ? heatLoaders(context).buildingById.load(premises.buildingId) : null),
    },
    HeatBuilding: {
      commonAreaShare: (building) => (building.commonAreaShareBasisPoints / 100).toFixed(2),
      latestReading: async (building, _args, context) => {
        const reading = await heatLoaders(context).latestReadingByBuilding.load(building.id);
        return reading ? { period: reading.period.slice(0, 7), value: reading.value } : null;
      },
    },
    Query: {
      heatingSeasons: (_, args, context) => services(context).seasons.ofSupplier(args.supplierId),
      heatBuildings: (_, _args, context) => services(context).buildings.ofSupplier(context.viewer),
    },
    Mutation: {
      openHeatingSeason: async (_, { input }, context) => ({
        season: await services(context).seasons.open(context.viewer, input, context.now),
      }),
      closeHeatingSeason: async (_, { input }, context) => ({
        season: await services(context).seasons.close(context.viewer, input),
      }),
      recordBuildingReading: async (_, { input }, context) => {
        const recorded = await services(context).buildings.record(context.viewer, { ...input, period: assertPeriod(input.period) }, context.now);
        return {
          building: recorded.building,
          reading: { period: recorded.reading.period.slice(0, 7), value: recorded.reading.value },
          consumption: recorded.consumption.toFixed(3),
        };
      },
    },
  } satisfies Resolvers;

  // Premises and buildings are reached through a guarded account, or by staff through their own
  // supplier's root fields (checked in the services, never delegated); seasons are public.
  const permissions = {
    Query: { heatingSeasons: publicField(), heatBuildings: firstPartyOnly() },
    Mutation: { openHeatingSeason: firstPartyOnly(), closeHeatingSeason: firstPartyOnly(), recordBuildingReading: firstPartyOnly() },
    HeatPremises: allow,
    HeatBuilding: allow,
    HeatBuildingReading: allow,
    HeatingSeason: allow,
    HeatingSeasonPayload: allow,
    RecordBuildingReadingPayload: allow,
  };

  return { resolvers, permissions };
}
