import { anyOf, byKey, preparedPer, validIds, type Database, type Transaction } from '@kabinet/db';
import type { UtilityContext } from '@kabinet/utility-core';
import DataLoader from 'dataloader';
import { desc, eq, getTableColumns, sql } from 'drizzle-orm';
import * as t from './db/schema';
import type { BuildingReadingRow, BuildingRow, PremisesRow } from './seasons';

const ids = sql.placeholder('ids');

/** A building meter's latest value, as a lateral subquery over the building of the outer row. */
const latestReadingOf = (db: Database | Transaction) =>
  db.select().from(t.buildingReadings).where(eq(t.buildingReadings.buildingId, t.buildings.id)).orderBy(desc(t.buildingReadings.period)).limit(1).as('latest_building_reading');

/** A subquery's columns as the building reading row: null as a whole when the left join found none. */
const readingFields = (latest: ReturnType<typeof latestReadingOf>) =>
  Object.fromEntries(Object.keys(getTableColumns(t.buildingReadings)).map((key) => [key, (latest as unknown as Record<string, unknown>)[key]])) as (typeof t.buildingReadings)['_']['columns'];

// Built once per database, as the shared cabinet's loaders are: drizzle builds a statement's SQL anew each time.
const queriesOf = preparedPer((db) => {
  const latest = latestReadingOf(db);
  return {
    // The premises come with their building and its latest reading: an account's page shows all three.
    premisesByAccount: db
      .select({ premises: t.premises, building: t.buildings, latestReading: readingFields(latest) })
      .from(t.premises)
      .leftJoin(t.buildings, eq(t.buildings.id, t.premises.buildingId))
      .leftJoinLateral(latest, sql`true`)
      .where(anyOf(t.premises.accountId, ids))
      .prepare('heat_premises_by_account'),
    buildingById: db.select().from(t.buildings).where(anyOf(t.buildings.id, ids)).prepare('heat_building_by_id'),
    latestReadingByBuilding: db
      .select(readingFields(latest))
      .from(t.buildings)
      .innerJoinLateral(latest, sql`true`)
      .where(anyOf(t.buildings.id, ids))
      .prepare('heat_latest_building_reading'),
  };
});

/** One request's loaders of heat's own rows: a constant number of statements however many accounts a login holds. */
function createHeatLoaders(db: Database | Transaction) {
  const queries = queriesOf(db);
  const loaders = {
    premisesByAccount: new DataLoader<string, PremisesRow | null>(async (keys) => {
      const valid = validIds(keys);
      const rows = valid.length ? await queries.premisesByAccount.execute({ ids: valid }) : [];
      for (const { building, latestReading } of rows) {
        if (!building) continue;
        loaders.buildingById.prime(building.id, building);
        loaders.latestReadingByBuilding.prime(building.id, latestReading);
      }
      return byKey(
        keys,
        rows.map((row) => row.premises),
        (row) => row.accountId,
      );
    }),
    buildingById: new DataLoader<string, BuildingRow | null>(async (keys) => {
      const valid = validIds(keys);
      return byKey(keys, valid.length ? await queries.buildingById.execute({ ids: valid }) : [], (row) => row.id);
    }),
    latestReadingByBuilding: new DataLoader<string, BuildingReadingRow | null>(async (keys) => {
      const valid = validIds(keys);
      return byKey(keys, valid.length ? await queries.latestReadingByBuilding.execute({ ids: valid }) : [], (row) => row.buildingId);
    }),
  };
  return loaders;
}

export type HeatLoaders = ReturnType<typeof createHeatLoaders>;

// The cabinet's context is made per request by the shared core; heat's loaders live beside it, as long as it does.
const perRequest = new WeakMap<UtilityContext, HeatLoaders>();

/** The request's heat loaders, made on first use. */
export function heatLoaders(context: UtilityContext): HeatLoaders {
  let loaders = perRequest.get(context);
  if (!loaders) perRequest.set(context, (loaders = createHeatLoaders(context.db)));
  return loaders;
}
