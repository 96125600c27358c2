import { Big } from '@kabinet/money';
import { describe, expect, it } from 'vitest';
import { billedConsumption, estimateFromHistory, isUnusualConsumption, meterCapacity, readingAdvance, spreadByDays } from './consumption';

const big = (value: string | number) => new Big(value);

describe('reading advance', () => {
  it('is the difference to the previous reading', () => {
    expect(readingAdvance(big('18432.5'), big('18646'), 6)).toEqual({ consumption: big('213.5'), rolledOver: false });
    expect(readingAdvance(big(100), big(100), 6)?.consumption.toString()).toBe('0');
  });

  it('counts through a rollover at the digit capacity', () => {
    const advance = readingAdvance(big('99950'), big('120'), 5);
    expect(advance?.rolledOver).toBe(true);
    expect(advance?.consumption.toString()).toBe('170');
  });

  it('refuses a lower reading that is not a rollover', () => {
    expect(readingAdvance(big('18432'), big('18400'), 6)).toBeNull();
    // Near the top but the new value is not near zero: a typo, not a rollover.
    expect(readingAdvance(big('99950'), big('52000'), 5)).toBeNull();
    // Low previous value: a six-digit meter cannot roll over from 50000.
    expect(readingAdvance(big('50000'), big('10'), 6)).toBeNull();
  });

  it('knows the largest value a meter can show', () => {
    expect(meterCapacity(5).toString()).toBe('99999.999');
  });
});

describe('estimates', () => {
  it('average the last three months, to three decimals', () => {
    expect(estimateFromHistory([big(500), big(210), big(220), big(231)]).toString()).toBe('220.333');
    expect(estimateFromHistory([big(100)]).toString()).toBe('100');
    expect(estimateFromHistory([]).toString()).toBe('0');
  });

  it('flag consumption over three times the average and over the floor as unusual', () => {
    const history = [big(200), big(210), big(220)];
    expect(isUnusualConsumption(big(631), history, big(500))).toBe(true);
    expect(isUnusualConsumption(big(629), history, big(500))).toBe(false);
    expect(isUnusualConsumption(big(480), [big(10), big(10), big(10)], big(500))).toBe(false);
    expect(isUnusualConsumption(big(501), [], big(500))).toBe(true);
  });
});

describe('spreading a measured consumption over months by days', () => {
  it('follows the months\' lengths and adds up exactly', () => {
    const shares = spreadByDays(big(1000), ['2026-10', '2026-11', '2026-12']);
    expect([...shares.values()].map(String)).toEqual(['336.957', '326.087', '336.956']);
    expect([...shares.values()].reduce((sum, share) => sum.plus(share), big(0)).toString()).toBe('1000');
  });

  it('gives a single month everything', () => {
    expect(spreadByDays(big('12.5'), ['2027-02']).get('2027-02')?.toString()).toBe('12.5');
  });
});

describe('a billed month\'s consumption', () => {
  const unitOf = (zone: string) => ({ DAY: 'кВт·год', NIGHT: 'кВт·год', HEAT: 'Гкал', HOT_WATER: 'м³' })[zone] ?? '';
  const shown = (result: ReturnType<typeof billedConsumption>) => ({
    zones: result.zones.map((zone) => `${zone.zone} ${zone.value.toString()} ${zone.unit}`),
    total: result.total?.toString() ?? null,
  });

  it('adds zones of one unit, never Gcal and m³', () => {
    expect(shown(billedConsumption([{ zone: 'DAY', consumption: big('150') }, { zone: 'NIGHT', consumption: big('62.5') }], [], unitOf))).toEqual({
      zones: ['DAY 150 кВт·год', 'NIGHT 62.5 кВт·год'],
      total: '212.5',
    });
    expect(shown(billedConsumption([{ zone: 'HEAT', consumption: big('1.38') }, { zone: 'HOT_WATER', consumption: big('3.45') }], [], unitOf))).toEqual({
      zones: ['HEAT 1.38 Гкал', 'HOT_WATER 3.45 м³'],
      total: null,
    });
  });

  it('takes a zone without a meter from the charge lines: a building meter\'s shares, the norm', () => {
    const lines = [
      { zone: 'HEAT', quantity: big('16.272') },
      { zone: 'HEAT', quantity: big('1.54') },
      { zone: 'HOT_WATER', quantity: big('6.2') },
      { zone: null, quantity: null },
    ];
    expect(shown(billedConsumption([], lines, unitOf))).toEqual({ zones: ['HEAT 17.812 Гкал', 'HOT_WATER 6.2 м³'], total: null });
    // A metered zone is what its meter measured, whatever its lines priced (nothing outside the season).
    expect(shown(billedConsumption([{ zone: 'HEAT', consumption: big('4') }], [{ zone: 'HEAT', quantity: big('1.701') }, { zone: 'HOT_WATER', quantity: big('9.3') }], unitOf))).toEqual({
      zones: ['HEAT 4 Гкал', 'HOT_WATER 9.3 м³'],
      total: null,
    });
    expect(shown(billedConsumption([], [], unitOf))).toEqual({ zones: [], total: '0' });
  });
});
