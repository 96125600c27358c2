import { Big, toMinorUnits } from '@kabinet/money';
import { describe, expect, it } from 'vitest';
import type { BasisMeter, BilledConsumption } from './basis';
import { computeCharges, type Pricer, type PricedLine, type SourceRevision } from './charges';

const meter: BasisMeter = { id: 'm1', serialNumber: 'SN', zones: ['SINGLE'], digits: 6, installedOn: '2020-01-01', removedOn: null };
const other: BasisMeter = { ...meter, id: 'm2', serialNumber: 'SN2' };

/** A month's first 100 units at 1.00, the rest at 2.00: the price of a unit depends on the month's total. */
const tiered: Pricer = (_period, consumption) => {
  const total = consumption.reduce((sum, entry) => sum.plus(entry.quantity), new Big(0));
  const cheap = total.lt(100) ? total : new Big(100);
  const dear = total.minus(cheap);
  return [
    { description: 'first 100', zone: 'SINGLE' as const, quantity: cheap, unitPrice: new Big(1), amountMinor: toMinorUnits(cheap, 'UAH') },
    { description: 'above 100', zone: 'SINGLE' as const, quantity: dear, unitPrice: new Big(2), amountMinor: toMinorUnits(dear.times(2), 'UAH') },
  ].filter((line) => line.quantity.gt(0));
};

const row = (id: string, period: string, meterId: string, consumption: number, open = false): BilledConsumption => ({
  id,
  billId: `bill-${period}`,
  period,
  meterId,
  zone: 'SINGLE',
  consumption: new Big(consumption),
  estimated: open,
  open,
});

const zone = (m: BasisMeter, consumption: number) => ({
  meter: m,
  zone: 'SINGLE' as const,
  previousValue: new Big(0),
  currentValue: new Big(consumption),
  consumption: new Big(consumption),
  estimated: false,
});

describe('charges of a month', () => {
  it('price the month\'s consumption and add VAT for business accounts only', () => {
    const basis = { zones: [zone(meter, 150)], corrections: [] };
    const residential = computeCharges('2026-11', basis, [], [meter], tiered, null);
    expect([residential.chargesMinor, residential.vatMinor, residential.correctionsMinor]).toEqual([20_000, 0, 0]);
    const business = computeCharges('2026-11', basis, [], [meter], tiered, 2_000);
    expect([business.chargesMinor, business.vatMinor]).toEqual([20_000, 4_000]);
  });

  it('correct an estimated month by re-pricing the whole month, so tiers follow the corrected total', () => {
    // October: meter 1 estimated at 80, meter 2 measured 60 → 140 units, billed 100 + 40×2 = 180.00.
    const billed = [row('a', '2026-10', 'm1', 80, true), row('b', '2026-10', 'm2', 60)];
    // Meter 1's actual October share turns out to be 20: October is 80 units, all in the first tier.
    const basis = { zones: [zone(meter, 30), zone(other, 50)], corrections: [{ row: billed[0]!, actual: new Big(20) }] };
    const charges = computeCharges('2026-11', basis, billed, [meter, other], tiered, 2_000);
    expect(charges.corrections).toHaveLength(1);
    expect(charges.corrections[0]).toMatchObject({ period: '2026-10', netMinor: 8_000 - 18_000, vatMinor: 1_600 - 3_600 });
    expect(charges.correctionsMinor).toBe(-12_000);
    // Re-priced per row, meter 1's 60 fewer units would have been taken at the upper tier price (−120.00): wrong.
    expect(charges.correctionsMinor).not.toBe(-14_400);
  });

  it('correct upwards when the estimate was too low', () => {
    const billed = [row('a', '2026-10', 'm1', 50, true)];
    const basis = { zones: [zone(meter, 10)], corrections: [{ row: billed[0]!, actual: new Big(120) }] };
    const charges = computeCharges('2026-11', basis, billed, [meter], tiered, null);
    expect(charges.corrections[0]!.netMinor).toBe(14_000 - 5_000);
  });

  it('correct a month a non-metered source revised, alone or beside a meter estimate, with VAT on the month re-priced', () => {
    // A source that is not metered charges 25.00 for October now; it billed 30.00 (what it was worked out from changed since).
    const share = (amountMinor: number): PricedLine => ({ description: 'share', zone: null, quantity: null, unitPrice: null, amountMinor });
    const priced: Pricer = (period, consumption) => [...tiered(period, consumption), share(2_500)];
    const revision: SourceRevision = { period: '2026-10', billed: [share(3_000)], now: [share(2_500)], reason: 'revised' };

    const alone = computeCharges('2026-11', { zones: [zone(meter, 10)], corrections: [] }, [], [meter], priced, 2_000, [revision]);
    expect(alone.corrections).toEqual([{ period: '2026-10', netMinor: -500, vatMinor: 500 - 600, rows: [], revisions: [revision] }]);
    expect(alone.correctionsMinor).toBe(-600);

    // Meter 1's October estimate of 80 is corrected to 20 in the same month: one correction, the month priced
    // as billed (80 units and the source's 30.00: 110.00) and as it stands (20 units and 25.00: 45.00).
    const billed = [row('a', '2026-10', 'm1', 80, true)];
    const both = computeCharges('2026-11', { zones: [zone(meter, 10)], corrections: [{ row: billed[0]!, actual: new Big(20) }] }, billed, [meter], priced, null, [revision]);
    expect(both.corrections).toHaveLength(1);
    expect(both.corrections[0]).toMatchObject({ period: '2026-10', netMinor: 4_500 - 11_000, vatMinor: 0, revisions: [revision] });
  });
});
