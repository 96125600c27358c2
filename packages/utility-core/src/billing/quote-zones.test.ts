import { describe, expect, it } from 'vitest';
import { isQuotableZoneSet } from './run';

const electricity = { meterZoneSets: [['SINGLE'], ['DAY', 'NIGHT'], ['NIGHT', 'HALF_PEAK', 'PEAK']] };
const heat = { meterZoneSets: [['HEAT'], ['HOT_WATER']], quotesHousehold: true };

describe('what the tariff calculator prices at once', () => {
  it('is one meter\'s zones, unless the utility quotes a household', () => {
    expect(isQuotableZoneSet(electricity, ['NIGHT', 'DAY'])).toBe(true);
    expect(isQuotableZoneSet(electricity, ['SINGLE', 'DAY', 'NIGHT'])).toBe(false);
    expect(isQuotableZoneSet(electricity, ['DAY'])).toBe(false);
  });

  it('is, for a household, any of its meters\' zone sets side by side, each zone once', () => {
    expect(isQuotableZoneSet(heat, ['HEAT'])).toBe(true);
    expect(isQuotableZoneSet(heat, ['HOT_WATER', 'HEAT'])).toBe(true);
    expect(isQuotableZoneSet(heat, ['HEAT', 'HEAT'])).toBe(false);
    expect(isQuotableZoneSet(heat, [])).toBe(false);
    expect(isQuotableZoneSet(heat, ['HEAT', 'DAY'])).toBe(false);
    // A set is taken whole: two-zone meters are not quoted by half.
    expect(isQuotableZoneSet({ ...electricity, quotesHousehold: true }, ['DAY'])).toBe(false);
    expect(isQuotableZoneSet({ ...electricity, quotesHousehold: true }, ['SINGLE', 'DAY', 'NIGHT'])).toBe(true);
  });
});
