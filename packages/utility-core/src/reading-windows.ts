import { addDays, addMonths, firstDayOf, periodOf, type LocalDate, type Period } from './calendar';

/**
 * When a supplier accepts the readings that close a billing month, as days counted from the 1st
 * of the following month (0 is the 1st, −1 the month's last day, −7 the last week):
 * electricity suppliers usually take days 1 to 5 ({ opensDay: 0, closesDay: 4 }); heat
 * suppliers the last week of the month through the 1st ({ opensDay: −7, closesDay: 0 }). A
 * window that opens on a day of the billing month itself counts its opening from that month's
 * 1st (`opensFrom: 'MONTH_START'`): Kyiv's heat supplier takes readings from the 5th to the end
 * of the month ({ opensFrom: 'MONTH_START', opensDay: 4, closesDay: −1 }).
 */
export interface ReadingWindowRule {
  opensDay: number;
  closesDay: number;
  opensFrom?: WindowAnchor;
}

export const windowAnchors = ['NEXT_MONTH_START', 'MONTH_START'] as const;
export type WindowAnchor = (typeof windowAnchors)[number];

export interface ReadingWindow {
  /** The billing month these readings close. */
  period: Period;
  /** First and last local dates of the window, both included. */
  opensOn: LocalDate;
  closesOn: LocalDate;
}

export const electricityWindowRule: ReadingWindowRule = { opensDay: 0, closesDay: 4 };
export const heatWindowRule: ReadingWindowRule = { opensDay: -7, closesDay: 0 };
/** Kyiv's heat supplier today: from the 5th to the end of the month. */
export const fifthToMonthEndWindowRule: ReadingWindowRule = { opensFrom: 'MONTH_START', opensDay: 4, closesDay: -1 };

/** Days from the 1st of the next month to the 1st of the billing month in its shortest case (February). */
const shortestMonth = 28;

/** A rule is usable when its window lies within four weeks around the 1st and is never empty, even in February. */
export function assertValidWindowRule(rule: ReadingWindowRule): void {
  const { opensDay, closesDay } = rule;
  const fromMonthStart = rule.opensFrom === 'MONTH_START';
  // As days from the next month's 1st in the shortest month: where the window opens at the latest.
  const latestOpening = fromMonthStart ? opensDay - shortestMonth : opensDay;
  const valid =
    [opensDay, closesDay].every(Number.isInteger) &&
    (!fromMonthStart || (opensDay >= 0 && opensDay < shortestMonth)) &&
    (fromMonthStart || opensDay >= -27) &&
    latestOpening <= closesDay &&
    closesDay <= 27 &&
    windowAnchors.includes(rule.opensFrom ?? 'NEXT_MONTH_START');
  if (!valid) throw new RangeError(`invalid reading window rule: ${JSON.stringify(rule)}`);
}

export function readingWindowOf(period: Period, rule: ReadingWindowRule): ReadingWindow {
  const next = firstDayOf(addMonths(period, 1));
  const opensFrom = rule.opensFrom === 'MONTH_START' ? firstDayOf(period) : next;
  return { period, opensOn: addDays(opensFrom, rule.opensDay), closesOn: addDays(next, rule.closesDay) };
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
