import type { Viewer } from '@kabinet/auth';
import { isUuid, type Database } from '@kabinet/db';
import { DomainError, type Translations } from '@kabinet/errors';
import { Big, parseQuantity } from '@kabinet/money';
import { addDays, ensureStaff, findSupplier, firstDayOf, latestBilledPeriod, periodOf, supplierToday, type Period } from '@kabinet/utility-core';
import { and, desc, eq, gte, isNull } from 'drizzle-orm';
import * as t from './db/schema';

export type HeatingSeasonRow = typeof t.heatingSeasons.$inferSelect;
export type BuildingRow = typeof t.buildings.$inferSelect;
export type BuildingReadingRow = typeof t.buildingReadings.$inferSelect;
export type PremisesRow = typeof t.premises.$inferSelect;

const refuse = (code: string, message: Translations, details: Record<string, unknown> = {}) => new DomainError(code, message, details);

/** A change of a month already billed would make its bills wrong: it is refused, the month stays as billed. */
async function assertUnbilled(db: Database, supplierId: string, date: string, field: string): Promise<void> {
  const latest = await latestBilledPeriod(db, t, supplierId);
  if (latest && periodOf(date) <= latest) {
    throw refuse(
      'PERIOD_ALREADY_BILLED',
      {
        en: `${latest} is billed already: a date up to its end cannot change its bills`,
        uk: `${latest} уже розраховано: дата до його кінця не може змінити виставлені рахунки`,
        ru: `${latest} уже рассчитан: дата до его конца не может изменить выставленные счета`,
      },
      { field, lastBilledPeriod: latest },
    );
  }
}

/**
 * A building meter's month feeds the bills of that building's premises only: its value is refused
 * once one of them is billed for the month or a later one (the next month's consumption starts
 * from it), whatever the supplier's other premises have been billed for.
 */
async function assertBuildingUnbilled(db: Database, buildingId: string, period: Period): Promise<void> {
  const [billed] = await db
    .select({ period: t.bills.period })
    .from(t.bills)
    .innerJoin(t.premises, eq(t.premises.accountId, t.bills.accountId))
    .where(and(eq(t.premises.buildingId, buildingId), gte(t.bills.period, firstDayOf(period))))
    .orderBy(desc(t.bills.period))
    .limit(1);
  if (!billed) return;
  const latest = periodOf(billed.period);
  throw refuse(
    'PERIOD_ALREADY_BILLED',
    {
      en: `The building's flats are billed for ${latest}: a value for ${period} cannot change their bills`,
      uk: `Квартири будинку вже розраховано за ${latest}: значення за ${period} не може змінити їхні рахунки`,
      ru: `Квартиры дома уже рассчитаны за ${latest}: значение за ${period} не может изменить их счета`,
    },
    { field: 'period', lastBilledPeriod: latest },
  );
}

/**
 * The heating season is the city's decision, recorded by the supplier's operator: opened on the
 * first day of service, closed on the last. Heating is charged only inside it (pricing/charges.ts).
 */
export function createHeatingSeasons(db: Database) {
  const seasonsOf = (supplierId: string) =>
    db.select().from(t.heatingSeasons).where(eq(t.heatingSeasons.supplierId, supplierId)).orderBy(desc(t.heatingSeasons.startsOn));

  return {
    /** A supplier's seasons, newest first; an id naming no supplier (or no id at all) is SUPPLIER_NOT_FOUND. */
    async ofSupplier(supplierId: string): Promise<HeatingSeasonRow[]> {
      const supplier = await findSupplier(db, t, supplierId);
      return seasonsOf(supplier.id);
    },

    async open(viewer: Viewer | null, input: { startsOn: string; supplierId?: string | null }, now: Date): Promise<HeatingSeasonRow> {
      const { viewer: staff, supplierId } = ensureStaff(viewer, input.supplierId);
      const supplier = await findSupplier(db, t, supplierId);
      await assertUnbilled(db, supplierId, input.startsOn, 'startsOn');
      const [latest] = await seasonsOf(supplierId);
      if (latest && latest.endsOn === null) {
        throw refuse('HEATING_SEASON_ALREADY_OPEN', { en: `The heating season opened on ${latest.startsOn} is still open`, uk: `Опалювальний сезон, відкритий ${latest.startsOn}, ще триває`, ru: `Отопительный сезон, открытый ${latest.startsOn}, ещё идёт` }, { startsOn: latest.startsOn });
      }
      if (latest?.endsOn && input.startsOn <= latest.endsOn) {
        throw refuse('BAD_USER_INPUT', { en: `The last season ended on ${latest.endsOn}: a new one starts after it`, uk: `Останній сезон завершився ${latest.endsOn}: новий починається після нього`, ru: `Последний сезон завершился ${latest.endsOn}: новый начинается после него` }, { field: 'startsOn' });
      }
      if (input.startsOn > addDays(supplierToday(supplier, now), 31)) {
        throw refuse('BAD_USER_INPUT', { en: 'A season is opened at most a month ahead', uk: 'Сезон відкривають щонайбільше на місяць наперед', ru: 'Сезон открывают не более чем на месяц вперёд' }, { field: 'startsOn' });
      }
      const [season] = await db.insert(t.heatingSeasons).values({ supplierId, startsOn: input.startsOn, openedByUserId: staff.userId }).returning();
      return season!;
    },

    async close(viewer: Viewer | null, input: { endsOn: string; supplierId?: string | null }): Promise<HeatingSeasonRow> {
      const { viewer: staff, supplierId } = ensureStaff(viewer, input.supplierId);
      // An admin's supplierId is whatever was typed: checked before it reaches a uuid column.
      await findSupplier(db, t, supplierId);
      const [open] = await db.select().from(t.heatingSeasons).where(and(eq(t.heatingSeasons.supplierId, supplierId), isNull(t.heatingSeasons.endsOn)));
      if (!open) throw refuse('NO_HEATING_SEASON_OPEN', { en: 'No heating season is open', uk: 'Жоден опалювальний сезон не триває', ru: 'Ни один отопительный сезон не идёт' });
      await assertUnbilled(db, supplierId, input.endsOn, 'endsOn');
      if (input.endsOn < open.startsOn) {
        throw refuse('BAD_USER_INPUT', { en: `The season started on ${open.startsOn}: it ends on that day or later`, uk: `Сезон почався ${open.startsOn}: він закінчується того ж дня або пізніше`, ru: `Сезон начался ${open.startsOn}: он заканчивается в тот же день или позже` }, { field: 'endsOn' });
      }
      const [closed] = await db
        .update(t.heatingSeasons)
        .set({ endsOn: input.endsOn, closedByUserId: staff.userId })
        .where(and(eq(t.heatingSeasons.id, open.id), isNull(t.heatingSeasons.endsOn)))
        .returning();
      if (!closed) throw refuse('NO_HEATING_SEASON_OPEN', { en: 'No heating season is open', uk: 'Жоден опалювальний сезон не триває', ru: 'Ни один отопительный сезон не идёт' });
      return closed;
    },
  };
}

/**
 * Buildings heated by their own meter: the operator enters the meter's value closing each month,
 * before billing it; a value entered again for the same month replaces the first.
 */
export function createBuildingMeters(db: Database) {
  return {
    async ofSupplier(viewer: Viewer | null): Promise<BuildingRow[]> {
      const { supplierId } = ensureStaff(viewer);
      return db.select().from(t.buildings).where(eq(t.buildings.supplierId, supplierId)).orderBy(t.buildings.address);
    },

    async record(viewer: Viewer | null, input: { buildingId: string; period: Period; value: string }, now: Date) {
      const { viewer: staff, supplierId } = ensureStaff(viewer);
      const notFound = () => refuse('BUILDING_NOT_FOUND', { en: 'Your supplier has no such building', uk: 'У вашого постачальника немає такого будинку', ru: 'У вашего поставщика нет такого дома' }, { field: 'buildingId' });
      const [building] = isUuid(input.buildingId) ? await db.select().from(t.buildings).where(eq(t.buildings.id, input.buildingId)) : [];
      if (!building || building.supplierId !== supplierId) throw notFound();
      const value = parseQuantity(input.value, 3);
      if (!value) throw refuse('INVALID_READING', { en: 'A meter value in Gcal, up to 3 decimals', uk: 'Показання лічильника в Гкал, до 3 знаків після коми', ru: 'Показание счётчика в Гкал, до 3 знаков после запятой' }, { field: 'value' });
      // A month's value is read at its end: the month running now (read on its last days) at the latest.
      const thisMonth = periodOf(supplierToday(await findSupplier(db, t, supplierId), now));
      if (input.period > thisMonth) {
        throw refuse(
          'PERIOD_NOT_STARTED',
          { en: `${input.period} has not begun: a month's value is recorded at its end`, uk: `${input.period} ще не почався: значення місяця записують наприкінці місяця`, ru: `${input.period} ещё не начался: значение месяца записывают в конце месяца` },
          { field: 'period', currentPeriod: thisMonth },
        );
      }
      await assertBuildingUnbilled(db, building.id, input.period);

      return db.transaction(async (tx) => {
        const readings = await tx.select().from(t.buildingReadings).where(eq(t.buildingReadings.buildingId, building.id)).orderBy(desc(t.buildingReadings.period));
        const period = firstDayOf(input.period);
        const previous = readings.find((reading) => reading.period < period);
        const next = [...readings].reverse().find((reading) => reading.period > period);
        const floor = previous ? new Big(previous.value) : new Big(building.meterStartValue);
        if (value.lt(floor) || (next && value.gt(new Big(next.value)))) {
          throw refuse(
            'READING_BELOW_PREVIOUS',
            { en: `The building meter read ${floor.toString()} before: a month's value is not lower`, uk: `Будинковий лічильник раніше показував ${floor.toString()}: значення місяця не менше`, ru: `Домовой счётчик раньше показывал ${floor.toString()}: значение месяца не меньше` },
            { field: 'value', previousValue: floor.toString() },
          );
        }
        const values = { value: value.toFixed(3), recordedAt: now, recordedByUserId: staff.userId };
        const [reading] = await tx
          .insert(t.buildingReadings)
          .values({ buildingId: building.id, period, ...values })
          .onConflictDoUpdate({ target: [t.buildingReadings.buildingId, t.buildingReadings.period], set: values })
          .returning();
        return { building, reading: reading!, consumption: value.minus(floor) };
      });
    },
  };
}
