import { Big } from '@kabinet/money';
import { describe, expect, it } from 'vitest';
import { estimateFromHistory, isUnusualConsumption, meterCapacity, readingAdvance, spreadByDays } from './consumption';

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
