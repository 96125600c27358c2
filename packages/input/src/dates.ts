/**
 * Dates and instants as the API takes them, limited to what PostgreSQL stores: a year from 1 to
 * 9999 (PostgreSQL has no year 0, and JavaScript dates reach years PostgreSQL refuses).
 */

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339: a full date, a time, and an offset; seconds and their fraction may be left out.
const instantPattern = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** `YYYY-MM-DD` naming a day that exists (no 30 February), year 1 to 9999. */
export function isCalendarDate(value: string): boolean {
  const match = datePattern.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An RFC 3339 instant with its offset, on a calendar date of year 1 to 9999; null otherwise. */
export function parseInstant(value: string): Date | null {
  const match = instantPattern.exec(value);
  if (!match || !isCalendarDate(match[1]!)) return null;
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return null;
  const year = instant.getUTCFullYear();
  return year >= 1 && year <= 9999 ? instant : null;
}
