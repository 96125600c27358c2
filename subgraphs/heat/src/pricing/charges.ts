import { DomainError } from '@kabinet/errors';
import { Big, toMinorUnits } from '@kabinet/money';
import {
  dayAndMonth,
  daysInPeriod,
  firstDayOf,
  lastDayOf,
  tariffOn,
  tariffSegments,
  type ChargeSource,
  type ConsumptionToPrice,
  type DatedTariff,
  type MeterZone,
  type Period,
  type PricedLine,
  type SourceRevision,
  type TariffSegment,
} from '@kabinet/utility-core';
import { apportion, type Apportioned, type BuildingMonth } from './apportionment';
import type { MeteredHeat } from './metered';
import { daysIn, overlap, seasonSpans, type DaySpan, type HeatingSeason } from './season';

/** A heat supplier's prices and norms from `validFrom` on (decimal strings, major units). */
export interface HeatTariff extends DatedTariff {
  heatPerGcal: string;
  hotWaterPerM3: string;
  /** Gcal per m² of heated area for a whole month of heating. */
  heatingNormGcalPerM2: string;
  /** m³ of hot water per registered occupant a month. */
  hotWaterNormM3PerPerson: string;
  /** The monthly fee of an individual contract. */
  subscriptionFee: string;
}

export type HeatingMethod = 'METER' | 'BUILDING' | 'NORM' | 'NONE';
export type HotWaterMethod = 'METER' | 'NORM' | 'NONE';

/** What a heat account is charged for besides its meters. */
export interface Premises {
  accountId: string;
  heatedAreaM2: Big;
  occupants: number;
  heating: HeatingMethod;
  hotWater: HotWaterMethod;
  buildingId: string | null;
}

/** An account without premises on record is charged by its meters alone, as before premises were kept. */
export const meteredOnly = (accountId: string): Premises => ({
  accountId,
  heatedAreaM2: new Big(0),
  occupants: 0,
  heating: 'METER',
  hotWater: 'METER',
  buildingId: null,
});

/** A building's meter month by month, and its premises. */
export interface Building {
  id: string;
  address: string;
  commonAreaShareBasisPoints: number;
  meterStartValue: Big;
  /** The meter's value closing each month (`YYYY-MM`). */
  readings: Map<Period, Big>;
  premises: Premises[];
}

/** Everything heat pricing reads for one supplier, loaded once. */
export interface HeatPricingData {
  currency: string;
  /** By account kind, oldest first. */
  tariffs: Map<string, HeatTariff[]>;
  seasons: HeatingSeason[];
  premises: Map<string, Premises>;
  buildings: Map<string, Building>;
  /**
   * What an individually metered premises' heat meters count for a month, as its own bills charge
   * them: billed (as corrected), or as the run now billing it bills and corrects it (`metered.ts`).
   */
  meteredHeat(accountId: string, period: Period): MeteredHeat;
  /**
   * By apportioned premises, the months it was billed a share of the rest for, each with the
   * metered Gcal the share was worked out with (as last corrected): the months a metered
   * neighbour's corrected estimate may have changed (`billed-shares.ts`).
   */
  billedShares: Map<string, Map<Period, Big>>;
}

const quantity3 = (value: Big) => value.round(3, Big.roundHalfUp);
const decimalComma = (value: Big | string) => String(value).replace('.', ',');

const gcalText = (value: Big) => `${decimalComma(value.toFixed(3))} Гкал`;
const areaText = (value: Big) => `${decimalComma(value.toFixed(2))} м²`;

/**
 * How a flat's share of its building's meter was worked out, as Ukrainian heat bills print it
 * ("за показами будинкового лічильника ..."), so a household can check it against the meter:
 * the building's Gcal, the common areas' share, what individually metered premises used, the
 * areas it was split by, and the flat's Gcal for the month (its lines may split it by tariff).
 */
function apportionmentWorking(share: Apportioned, areaM2: Big) {
  const { basis } = share;
  const percent = `${decimalComma(new Big(basis.commonAreaShareBasisPoints).div(100).toString())}%`;
  const meter = `за показами будинкового лічильника ${gcalText(basis.buildingGcal)}`;
  const estimated = basis.meteredEstimatedGcal.gt(0) ? ` (з них за оцінкою ${gcalText(basis.meteredEstimatedGcal)})` : '';
  return {
    own:
      `${meter} − місця загального користування ${percent} ${gcalText(basis.commonGcal)} − ` +
      `приміщення з власними лічильниками ${gcalText(basis.meteredGcal)}${estimated} = ${gcalText(basis.restGcal)}; ` +
      `${gcalText(basis.restGcal)} × ${areaText(areaM2)} / ${areaText(basis.unmeteredAreaM2)} площі приміщень без лічильників = ${gcalText(share.ownGcal)}`,
    common:
      `${meter} × ${percent} = ${gcalText(basis.commonGcal)}; ` +
      `${gcalText(basis.commonGcal)} × ${areaText(areaM2)} / ${areaText(basis.allAreaM2)} площі всіх приміщень = ${gcalText(share.commonGcal)}`,
  };
}

/** `zone` names the service a line is for (its unit on the bill), metered or not. */
function line(description: string, zone: MeterZone | null, quantity: Big, unitPrice: Big, currency: string): PricedLine {
  return { description, zone, quantity, unitPrice, amountMinor: toMinorUnits(quantity.times(unitPrice), currency) };
}

const heatingDays = (spans: DaySpan[]) => spans.reduce((sum, span) => sum + daysIn(span), 0);

/**
 * "15 дн. опалення, 16.10–31.10" when the season covers part of the month; nothing when all of it.
 * `within`: the part of the month a line is for (a tariff's days), whose own heating days it says.
 */
function seasonNote(period: Period, spans: DaySpan[], within?: DaySpan): string | null {
  if (heatingDays(spans) === daysInPeriod(period)) return null;
  const own = within ? spans.flatMap((span) => overlap(span, within) ?? []) : spans;
  return `${heatingDays(own)} дн. опалення, ${own.map((span) => `${dayAndMonth(span.from)}–${dayAndMonth(span.to)}`).join(', ')}`;
}

const withNote = (description: string, note: string | null) => (note ? `${description}, ${note}` : description);

/** A month's tariff segments, each weighted by its share of the month's days. */
const byCalendarDays = (segments: TariffSegment<HeatTariff>[]) => segments.map((segment) => ({ segment, share: segment.fraction }));

/**
 * A month's tariff segments weighted by their share of the month's heating days: heat measured in
 * a month partly in season was used on those days only. A segment without heating gets none.
 */
function byHeatingDays(segments: TariffSegment<HeatTariff>[], spans: DaySpan[]) {
  const total = heatingDays(spans);
  return segments
    .map((segment) => ({ segment, days: heatingDays(spans.flatMap((span) => overlap(span, segment) ?? [])) }))
    .filter(({ days }) => days > 0)
    .map(({ segment, days }) => ({ segment, share: new Big(days).div(total) }));
}

/**
 * A quantity for the whole month (what a meter measured, a share of a building's meter) priced at
 * each tariff in force during the month by the segment's share, to three decimals: the last part
 * takes the rounding remainder, so the parts add up to the quantity.
 */
function splitByTariffs(
  quantity: Big,
  parts: { segment: TariffSegment<HeatTariff>; share: Big }[],
  price: (tariff: HeatTariff) => string,
  describe: (segment: TariffSegment<HeatTariff>, many: boolean) => string,
  zone: MeterZone | null,
  currency: string,
): PricedLine[] {
  if (quantity.lte(0)) return [];
  let rest = quantity;
  return parts.map(({ segment, share }, index) => {
    const part = index === parts.length - 1 ? rest : quantity3(quantity.times(share));
    rest = rest.minus(part);
    return line(describe(segment, parts.length > 1), zone, part, new Big(price(segment.tariff)), currency);
  });
}

const segmentDays = (segment: TariffSegment, many: boolean) => (many ? `, ${dayAndMonth(segment.from)}–${dayAndMonth(segment.to)}` : '');

/**
 * The charge sources of one heat account, each by the supplier's rules (the Rules of heat
 * supply, CMU No. 830 of 2019, as Kabinet models them):
 * - heating by its own meter (Gcal × tariff), by its building's meter apportioned by area, or by
 *   the norm per m², and only inside the heating season: the norm is taken pro rata by the days
 *   of service, and every heating line of a month partly in season says those days;
 * - hot water by its meter (m³ × tariff) or by the norm per registered occupant;
 * - the monthly subscription fee, a line of its own.
 * A tariff change inside a month splits its lines pro rata by days, the fee too; heating by the
 * days of heating each tariff covers, and each part says its own heating days.
 */
export function heatChargeSources(data: HeatPricingData, account: { id: string; kind: string }): ChargeSource[] {
  const premises = data.premises.get(account.id) ?? meteredOnly(account.id);
  const tariffs = data.tariffs.get(account.kind) ?? [];
  const { currency } = data;
  const segmentsOf = (period: Period) => tariffSegments(period, tariffs);

  const meteredZone = (zone: MeterZone, consumption: ConsumptionToPrice[]) =>
    consumption.filter((entry) => entry.zone === zone).reduce((sum, entry) => sum.plus(entry.quantity), new Big(0));

  const sources: ChargeSource[] = [];

  if (premises.heating === 'METER') {
    sources.push({
      metered: true,
      lines: (period, consumption) => {
        const spans = seasonSpans(period, data.seasons);
        if (!spans.length) return [];
        return splitByTariffs(meteredZone('HEAT', consumption), byHeatingDays(segmentsOf(period), spans), (tariff) => tariff.heatPerGcal,
          (segment, many) => withNote(`Опалення за лічильником${segmentDays(segment, many)}`, seasonNote(period, spans, segment)), 'HEAT', currency);
      },
    });
  }

  if (premises.buildingId && premises.heating !== 'NONE') {
    const building = data.buildings.get(premises.buildingId)!;
    /** The month's share, with what the metered premises' bills count now, or with `metered` (what a month was billed with). */
    const apportioned = (period: Period, metered?: MeteredHeat): PricedLine[] => {
      const spans = seasonSpans(period, data.seasons);
      if (!spans.length) return [];
      const share = apportion(buildingMonth(data, building, period, metered)).get(account.id)!;
      const area = decimalComma(premises.heatedAreaM2.toFixed(2));
      const parts = byHeatingDays(segmentsOf(period), spans);
      const note = (segment: TariffSegment) => seasonNote(period, spans, segment);
      const working = apportionmentWorking(share, premises.heatedAreaM2);
      return [
        ...splitByTariffs(share.ownGcal, parts, (tariff) => tariff.heatPerGcal,
          (segment, many) => `${withNote(`Опалення за будинковим лічильником, частка площі ${area} м²${segmentDays(segment, many)}`, note(segment))} (${working.own})`, 'HEAT', currency),
        ...splitByTariffs(share.commonGcal, parts, (tariff) => tariff.heatPerGcal,
          (segment, many) => `${withNote(`Опалення місць загального користування, частка площі ${area} м²${segmentDays(segment, many)}`, note(segment))} (${working.common})`, 'HEAT', currency),
      ];
    };
    sources.push({
      metered: false,
      lines: (period) => apportioned(period),
      // A share of the rest changes with what the metered premises' bills count: corrected when they are.
      ...(sharesTheRest(premises) ? { revisions: (period: Period) => shareRevisions(data, building, account.id, period, apportioned) } : {}),
    });
  }

  if (premises.heating === 'NORM') {
    sources.push({
      metered: false,
      lines: (period) => {
        const spans = seasonSpans(period, data.seasons);
        const monthDays = daysInPeriod(period);
        const area = premises.heatedAreaM2;
        const segments = segmentsOf(period);
        return segments.flatMap((segment) => {
          const days = heatingDays(spans.flatMap((span) => overlap(span, segment) ?? []));
          const norm = new Big(segment.tariff.heatingNormGcalPerM2);
          const gcal = quantity3(area.times(norm).times(days).div(monthDays));
          if (gcal.lte(0)) return [];
          const description = `Опалення за нормою, ${decimalComma(area.toFixed(2))} м² × ${decimalComma(norm.toString())} Гкал/м²${segmentDays(segment, segments.length > 1)}`;
          return [line(withNote(description, seasonNote(period, spans, segment)), 'HEAT', gcal, new Big(segment.tariff.heatPerGcal), currency)];
        });
      },
    });
  }

  if (premises.hotWater === 'METER') {
    sources.push({
      metered: true,
      lines: (period, consumption) =>
        splitByTariffs(meteredZone('HOT_WATER', consumption), byCalendarDays(segmentsOf(period)), (tariff) => tariff.hotWaterPerM3,
          (segment, many) => `Гаряча вода за лічильником${segmentDays(segment, many)}`, 'HOT_WATER', currency),
    });
  }

  if (premises.hotWater === 'NORM') {
    sources.push({
      metered: false,
      lines: (period) => {
        const segments = segmentsOf(period);
        return segments.flatMap((segment) => {
          const norm = new Big(segment.tariff.hotWaterNormM3PerPerson);
          const m3 = quantity3(norm.times(premises.occupants).times(segment.fraction));
          if (m3.lte(0)) return [];
          const description = `Гаряча вода за нормою, ${premises.occupants} ос. × ${decimalComma(norm.toString())} м³${segmentDays(segment, segments.length > 1)}`;
          return [line(description, 'HOT_WATER', m3, new Big(segment.tariff.hotWaterPerM3), currency)];
        });
      },
    });
  }

  // The fee is monthly: a tariff changing it inside a month charges each fee for its days.
  sources.push({
    metered: false,
    lines: (period) => {
      const segments = segmentsOf(period);
      return segments.flatMap((segment) => {
        const fee = new Big(segment.tariff.subscriptionFee).times(segment.fraction);
        if (fee.lte(0)) return [];
        return [{ description: `Абонентська плата${segmentDays(segment, segments.length > 1)}`, zone: null, quantity: null, unitPrice: null, amountMinor: toMinorUnits(fee, currency) }];
      });
    },
  });

  return sources;
}

/** Refused: the building meters' readings for `period` are not entered yet, so their premises cannot be billed. */
export function buildingReadingMissing(buildings: Pick<Building, 'id' | 'address'>[], period: Period): DomainError {
  const addresses = buildings.map((building) => building.address).join('; ');
  const many = buildings.length > 1;
  return new DomainError(
    'BUILDING_READING_MISSING',
    {
      en: `${many ? 'The building meters' : 'The building meter'} of ${addresses} ${many ? 'have' : 'has'} no reading for ${period}: enter ${many ? 'them' : 'it'} before billing the month`,
      uk: `${many ? 'Будинкові лічильники' : 'Будинковий лічильник'} (${addresses}) не ${many ? 'мають' : 'має'} показання за ${period}: внесіть ${many ? 'їх' : 'його'} до розрахунку місяця`,
      ru: `${many ? 'Домовые счётчики' : 'Домовой счётчик'} (${addresses}) не ${many ? 'имеют' : 'имеет'} показания за ${period}: внесите ${many ? 'их' : 'его'} до расчёта месяца`,
    },
    { period, buildings: buildings.map((building) => ({ id: building.id, address: building.address })) },
  );
}

/**
 * The buildings whose meter these accounts' heating in `period` is apportioned from and which have
 * no reading for it yet. Outside the heating season a building's meter prices nothing.
 */
export function buildingsWithoutReading(data: HeatPricingData, period: Period, accountIds: readonly string[]): Building[] {
  if (!seasonSpans(period, data.seasons).length) return [];
  const ids = new Set<string>();
  for (const accountId of accountIds) {
    const premises = data.premises.get(accountId);
    if (premises?.buildingId && premises.heating !== 'NONE') ids.add(premises.buildingId);
  }
  return [...ids].flatMap((id) => data.buildings.get(id) ?? []).filter((building) => !building.readings.has(period));
}

/**
 * A building's month as apportionment takes it, with what its metered premises' bills count for
 * the month (or `metered`, what a share was billed with); refused when its meter has no value for
 * the month yet.
 */
export function buildingMonth(data: HeatPricingData, building: Building, period: Period, metered: MeteredHeat = meteredInBuilding(data, building, period)): BuildingMonth {
  const closing = building.readings.get(period);
  if (!closing) throw buildingReadingMissing([building], period);
  const earlier = [...building.readings.entries()].filter(([month]) => month < period).sort(([a], [b]) => (a < b ? 1 : -1))[0];
  const previous = earlier ? earlier[1] : building.meterStartValue;
  return {
    buildingGcal: closing.minus(previous),
    commonAreaShareBasisPoints: building.commonAreaShareBasisPoints,
    meteredGcal: metered.gcal,
    meteredEstimatedGcal: metered.estimatedGcal,
    premises: building.premises
      .filter((premises) => premises.heating !== 'NONE')
      .map((premises) => ({ accountId: premises.accountId, areaM2: premises.heatedAreaM2, individuallyMetered: premises.heating === 'METER' })),
  };
}

/** What a building's individually metered premises' bills count for a month. */
export function meteredInBuilding(data: HeatPricingData, building: Building, period: Period): MeteredHeat {
  return building.premises
    .filter((premises) => premises.heating === 'METER')
    .map((premises) => data.meteredHeat(premises.accountId, period))
    .reduce((sum, heat) => ({ gcal: sum.gcal.plus(heat.gcal), estimatedGcal: sum.estimatedGcal.plus(heat.estimatedGcal) }), { gcal: new Big(0), estimatedGcal: new Big(0) });
}

/** A premises that takes a share of what its building's metered premises leave: its share moves with their bills. */
export const sharesTheRest = (premises: Premises): boolean => premises.buildingId !== null && premises.heating !== 'METER' && premises.heating !== 'NONE';

const totalMinor = (lines: PricedLine[]) => lines.reduce((sum, line) => sum + line.amountMinor, 0);

/**
 * The months before `period` an apportioned premises' share was billed with other metered Gcal than
 * its metered neighbours' bills count now (an estimate of theirs corrected by a real reading since),
 * and whose price that changes: each priced as billed and as it stands now, for the bill of
 * `period` to correct.
 */
function shareRevisions(data: HeatPricingData, building: Building, accountId: string, period: Period, linesOf: (period: Period, metered?: MeteredHeat) => PricedLine[]): SourceRevision[] {
  const months = [...(data.billedShares.get(accountId) ?? new Map<Period, Big>()).entries()].filter(([month]) => month < period).sort(([a], [b]) => (a < b ? -1 : 1));
  return months.flatMap(([month, billedGcal]): SourceRevision[] => {
    const now = meteredInBuilding(data, building, month);
    if (now.gcal.eq(billedGcal)) return [];
    const billed = linesOf(month, { gcal: billedGcal, estimatedGcal: new Big(0) });
    const current = linesOf(month);
    if (totalMinor(billed) === totalMinor(current)) return [];
    return [{ period: month, billed, now: current, reason: `частку будинкового лічильника перераховано за споживанням приміщень з власними лічильниками, ${gcalText(now.gcal)} замість ${gcalText(billedGcal)}` }];
  });
}

/**
 * What the bills just issued for `period` record of the building shares they charged: for each
 * premises that shares the rest, the metered Gcal its share of the month was worked out with, and
 * that of each month its bill corrected, so that no later bill corrects a month for the same change
 * again.
 */
export function billedShareRecords(data: HeatPricingData, period: Period, bills: { billId: string; account: { id: string; kind: string } }[]) {
  return bills.flatMap(({ billId, account }) => {
    const premises = data.premises.get(account.id);
    if (!premises || !sharesTheRest(premises)) return [];
    const building = data.buildings.get(premises.buildingId!)!;
    const revised = heatChargeSources(data, account).flatMap((source) => source.revisions?.(period) ?? []).map((revision) => revision.period);
    const months = [...(seasonSpans(period, data.seasons).length ? [period] : []), ...revised];
    return months.map((month) => ({ billId, period: month, meteredGcal: meteredInBuilding(data, building, month).gcal }));
  });
}

/**
 * A metered zone's estimate for an account with no billed month yet: the norm for the days of the
 * month the meter served (from its installation, to its removal), heating only on those of them in
 * the season, hot water per occupant; null when the account has no norm.
 */
export function normEstimate(
  data: HeatPricingData,
  account: { id: string; kind: string },
  zone: MeterZone,
  period: Period,
  meter?: { installedOn: string; removedOn: string | null },
): Big | null {
  const premises = data.premises.get(account.id);
  if (!premises) return null;
  const month = { from: firstDayOf(period), to: lastDayOf(period) };
  const served = overlap(month, { from: meter?.installedOn ?? month.from, to: meter?.removedOn ?? month.to });
  if (!served) return new Big(0);
  const tariff = tariffOn(firstDayOf(period), data.tariffs.get(account.kind) ?? []);
  const forDays = (monthly: Big, days: number) => quantity3(monthly.times(days).div(daysInPeriod(period)));
  if (zone === 'HOT_WATER') return forDays(new Big(tariff.hotWaterNormM3PerPerson).times(premises.occupants), daysIn(served));
  if (zone !== 'HEAT') return null;
  const heatingDays = seasonSpans(period, data.seasons).reduce((sum, span) => sum + (overlap(span, served) ? daysIn(overlap(span, served)!) : 0), 0);
  return forDays(premises.heatedAreaM2.times(tariff.heatingNormGcalPerM2), heatingDays);
}
