import { addMonths } from '@kabinet/utility-core';
import { describe, expect, it } from 'vitest';
import { demoSeasons, seededHeatMonths } from './demo';

describe('the demo heat months', () => {
  // Started on the 10th of each month of a year, the newest closed month being the one before.
  const starts = Array.from({ length: 12 }, (_, index) => `2027-${String(index + 1).padStart(2, '0')}-10`);

  it.each(starts)('started on %s, shows a heating season ending and one starting', (today) => {
    const newest = addMonths(today.slice(0, 7), -1);
    const months = seededHeatMonths(newest);
    const periods = Array.from({ length: months }, (_, index) => addMonths(newest, index - months + 1));
    const seasons = demoSeasons(new Date(`${today}T12:00:00Z`));
    const seeded = (day: string | null) => day !== null && periods.includes(day.slice(0, 7));
    expect(seasons.some((season) => seeded(season.startsOn)), `${periods[0]}..${newest}`).toBe(true);
    expect(seasons.some((season) => seeded(season.endsOn)), `${periods[0]}..${newest}`).toBe(true);
    expect(months).toBeGreaterThanOrEqual(9);
    expect(months).toBeLessThanOrEqual(13);
  });
});
