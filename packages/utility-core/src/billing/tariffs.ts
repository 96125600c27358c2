import { Big } from '@kabinet/money';
import { addDays, daysBetween, daysInPeriod, firstDayOf, lastDayOf, type LocalDate, type Period } from '../calendar';
import { tariffMissing } from '../suppliers';
import type { SupplierRow } from '../tables';

/** Anything priced by dated tariffs: each applies from `validFrom` until the next one starts. */
export interface DatedTariff {
  validFrom: LocalDate;
}

/** The days of a month one tariff covers, and their share of the month. */
export interface TariffSegment<TTariff extends DatedTariff = DatedTariff> {
  tariff: TTariff;
  from: LocalDate;
  to: LocalDate;
  fraction: Big;
}

/** Thrown by pricing when no tariff covers a day; the utility turns it into TARIFF_MISSING (`tariffMissing`). */
export class TariffMissingError extends Error {
  constructor(readonly date: LocalDate) {
    super(`no tariff in effect on ${date}`);
  }
}

/** Runs `compute`, telling the client which supplier lacks a tariff for which day when it does. */
export function withTariffs<T>(supplier: SupplierRow, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof TariffMissingError)) throw error;
    throw tariffMissing(supplier, error.date);
  }
}

/** The tariff in effect on `date`: the latest one that started on or before it. */
export function tariffOn<TTariff extends DatedTariff>(date: LocalDate, tariffs: TTariff[]): TTariff {
  const effective = tariffs.filter((tariff) => tariff.validFrom <= date).sort((a, b) => (a.validFrom < b.validFrom ? 1 : -1))[0];
  if (!effective) throw new TariffMissingError(date);
  return effective;
}

/** A month split at each tariff change inside it, each part with its share of the month's days (pro rata). */
export function tariffSegments<TTariff extends DatedTariff>(period: Period, tariffs: TTariff[]): TariffSegment<TTariff>[] {
  const first = firstDayOf(period);
  const last = lastDayOf(period);
  const days = daysInPeriod(period);
  const starts = [first, ...tariffs.map((tariff) => tariff.validFrom).filter((date) => date > first && date <= last)];
  const unique = [...new Set(starts)].sort();
  return unique.map((from, index) => {
    const to = index + 1 < unique.length ? addDays(unique[index + 1]!, -1) : last;
    return { tariff: tariffOn(from, tariffs), from, to, fraction: new Big(daysBetween(from, to) + 1).div(days) };
  });
}

/** One segment covering a whole month under the tariff in effect on `date` (the tariff calculator). */
export function wholeMonthSegment<TTariff extends DatedTariff>(date: LocalDate, tariffs: TTariff[]): TariffSegment<TTariff>[] {
  return [{ tariff: tariffOn(date, tariffs), from: date, to: date, fraction: new Big(1) }];
}

/** `2026-11-16` → `16.11`: how a bill line names the days a segment covers. */
export const dayAndMonth = (date: LocalDate) => `${date.slice(8, 10)}.${date.slice(5, 7)}`;
