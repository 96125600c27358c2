import { TZDate } from '@date-fns/tz';
import { isCalendarDate } from '@kabinet/input/dates';

/**
 * Calendar arithmetic on plain strings: a `LocalDate` is `YYYY-MM-DD` and a `Period` (a
 * billing month) is `YYYY-MM`, both on a supplier's wall calendar. Instants become local
 * dates only through the supplier's time zone, so "the 1st" means the 1st in Kyiv.
 */
export type LocalDate = string;
export type Period = string;

const periodPattern = /^(\d{4})-(0[1-9]|1[0-2])$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayMs = 24 * 3600 * 1000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-calendar date of `instant` in `timeZone`. */
export function localDateIn(instant: Date, timeZone: string): LocalDate {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-CA formats as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(instant);
}

/** The instant a local date begins in `timeZone` (its local midnight). */
export function startOfLocalDate(date: LocalDate, timeZone: string): Date {
  const [year, month, day] = parts(date);
  return new Date(new TZDate(year, month - 1, day, timeZone).getTime());
}

function parts(date: LocalDate): [number, number, number] {
  const match = datePattern.exec(date);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

const fromUtc = (time: number): LocalDate => new Date(time).toISOString().slice(0, 10);
const utcOf = (date: LocalDate): number => {
  const [year, month, day] = parts(date);
  return Date.UTC(year, month - 1, day);
};

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtc(utcOf(date) + days * dayMs);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((utcOf(to) - utcOf(from)) / dayMs);
}

/** `YYYY-MM` whose first day PostgreSQL can store (there is no year 0). */
export function isPeriod(value: string): boolean {
  return periodPattern.test(value) && isCalendarDate(`${value}-01`);
}

export function periodOf(date: LocalDate): Period {
  return date.slice(0, 7);
}

export function addMonths(period: Period, months: number): Period {
  const match = periodPattern.exec(period);
  if (!match) throw new RangeError(`not a YYYY-MM period: ${period}`);
  const index = Number(match[1]) * 12 + Number(match[2]) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function firstDayOf(period: Period): LocalDate {
  return `${period}-01`;
}

// A billing run asks each of its accounts about the same few months: each answer is worked out once.
const lastDays = new Map<Period, LocalDate>();
const daysInPeriods = new Map<Period, number>();

export function lastDayOf(period: Period): LocalDate {
  let last = lastDays.get(period);
  if (last === undefined) lastDays.set(period, (last = addDays(firstDayOf(addMonths(period, 1)), -1)));
  return last;
}

export function daysInPeriod(period: Period): number {
  let days = daysInPeriods.get(period);
  if (days === undefined) daysInPeriods.set(period, (days = daysBetween(firstDayOf(period), firstDayOf(addMonths(period, 1)))));
  return days;
}

/** Periods from `from` to `to`, both included, oldest first. */
export function periodsBetween(from: Period, to: Period): Period[] {
  const periods: Period[] = [];
  for (let period = from; period <= to; period = addMonths(period, 1)) periods.push(period);
  return periods;
}
