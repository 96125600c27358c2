import { addDays, addMonths, firstDayOf, periodOf, type LocalDate, type Period } from './calendar';

/**
 * When a supplier accepts the readings that close a billing month, as days counted from
 * the 1st of the following month (0 is the 1st, −7 the last week of the month): electricity
 * suppliers usually take days 1 to 5 ({ opensDay: 0, closesDay: 4 }); heat suppliers the last
 * week of the month through the 1st ({ opensDay: −7, closesDay: 0 }).
 */
export interface ReadingWindowRule {
  opensDay: number;
  closesDay: number;
}

export interface ReadingWindow {
  /** The billing month these readings close. */
  period: Period;
  /** First and last local dates of the window, both included. */
  opensOn: LocalDate;
  closesOn: LocalDate;
}

export const electricityWindowRule: ReadingWindowRule = { opensDay: 0, closesDay: 4 };
export const heatWindowRule: ReadingWindowRule = { opensDay: -7, closesDay: 0 };

/** A rule is usable when its window lies within four weeks around the 1st and is not empty. */
export function assertValidWindowRule(rule: ReadingWindowRule): void {
  const { opensDay, closesDay } = rule;
  if (![opensDay, closesDay].every(Number.isInteger) || opensDay > closesDay || opensDay < -27 || closesDay > 27) {
    throw new RangeError(`invalid reading window rule: ${JSON.stringify(rule)}`);
  }
}

export function readingWindowOf(period: Period, rule: ReadingWindowRule): ReadingWindow {
  const anchor = firstDayOf(addMonths(period, 1));
  return { period, opensOn: addDays(anchor, rule.opensDay), closesOn: addDays(anchor, rule.closesDay) };
}

/** The windows that could contain or follow `date`: those of the month before, of, and after it. */
function windowsAround(date: LocalDate, rule: ReadingWindowRule): ReadingWindow[] {
  const month = periodOf(date);
  return [-2, -1, 0, 1].map((offset) => readingWindowOf(addMonths(month, offset), rule));
}

/** The window open on `today` (a local date), or null when readings are not taken today. */
export function openReadingWindow(today: LocalDate, rule: ReadingWindowRule): ReadingWindow | null {
  return windowsAround(today, rule).find((window) => window.opensOn <= today && today <= window.closesOn) ?? null;
}

/** The first window that opens after `today`. */
export function nextReadingWindow(today: LocalDate, rule: ReadingWindowRule): ReadingWindow {
  return windowsAround(today, rule).find((window) => window.opensOn > today)!;
}
