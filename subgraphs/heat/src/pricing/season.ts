import { addDays, daysBetween, firstDayOf, lastDayOf, type LocalDate, type Period } from '@kabinet/utility-core';

/** A heating season: from its first day of service to its last (open while `endsOn` is null). */
export interface HeatingSeason {
  startsOn: LocalDate;
  endsOn: LocalDate | null;
}

/** Days of one stretch, both ends included. */
export interface DaySpan {
  from: LocalDate;
  to: LocalDate;
}

export const daysIn = (span: DaySpan) => daysBetween(span.from, span.to) + 1;

/** The part of `span` that `other` covers, or null. */
export function overlap(span: DaySpan, other: DaySpan): DaySpan | null {
  const from = span.from > other.from ? span.from : other.from;
  const to = span.to < other.to ? span.to : other.to;
  return from <= to ? { from, to } : null;
}

/** The days of `period` inside a heating season, as stretches in date order (a city may stop and restart heating). */
export function seasonSpans(period: Period, seasons: HeatingSeason[]): DaySpan[] {
  const month = { from: firstDayOf(period), to: lastDayOf(period) };
  return seasons
    .map((season) => overlap(month, { from: season.startsOn, to: season.endsOn ?? month.to }))
    .filter((span): span is DaySpan => span !== null)
    .sort((a, b) => (a.from < b.from ? -1 : 1))
    .reduce<DaySpan[]>((merged, span) => {
      const last = merged.at(-1);
      if (last && span.from <= addDays(last.to, 1)) last.to = span.to > last.to ? span.to : last.to;
      else merged.push({ ...span });
      return merged;
    }, []);
}
