import { lastDayOf } from './calendar';

/**
 * A zone a meter measures (`DAY`, `HEAT`, ...): one of its utility's zones (`UtilityRules.meterZoneSets`),
 * named as in the API's `MeterZone` enum. The core never lists them: each utility brings its own.
 */
export type MeterZone = string;

/**
 * `YYYY-MM-DD` plus whole years; 29 February falls back to 28 February in common years. On the
 * text, without a Date: every meter of a Dashboard asks for its verification date.
 */
export function addYears(isoDate: string, years: number): string {
  const year = String(Number(isoDate.slice(0, 4)) + years).padStart(4, '0');
  const monthAndDay = isoDate.slice(4);
  return monthAndDay === '-02-29' ? lastDayOf(`${year}-02`) : year + monthAndDay;
}

export function nextVerificationDue(meter: { lastVerifiedOn: string; verificationIntervalYears: number }): string {
  return addYears(meter.lastVerifiedOn, meter.verificationIntervalYears);
}

/** Overdue from the day after the due date, judged on `today` (`YYYY-MM-DD`). */
export function isVerificationOverdue(
  meter: { lastVerifiedOn: string; verificationIntervalYears: number },
  today: string,
): boolean {
  return nextVerificationDue(meter) < today;
}

/** `readings` in the order of `zoneOrder` (the utility's, see `zoneOrderOf`). */
export function sortByZone<T extends { zone: string }>(readings: T[], zoneOrder: readonly string[]): T[] {
  return [...readings].sort((a, b) => zoneOrder.indexOf(a.zone) - zoneOrder.indexOf(b.zone));
}
