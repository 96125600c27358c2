import { Big } from '@kabinet/money';
import { computeCharges, pricerOf, TariffMissingError, type BasisMeter, type ConsumptionToPrice, type Period } from '@kabinet/utility-core';
import { describe, expect, it } from 'vitest';
import { apportion } from './apportionment';
import { billedShareRecords, buildingsWithoutReading, heatChargeSources, normEstimate, type Building, type HeatPricingData, type HeatTariff, type Premises } from './charges';
import { noMeteredHeat } from './metered';
import { seasonSpans } from './season';

/*
 * Heat bills worked out by hand, to the kopiyka: every expected amount below is the quantity
 * (to three decimals) times the price, rounded half up.
 */

const tariff = (validFrom: string, prices: Partial<HeatTariff> = {}): HeatTariff => ({
  validFrom,
  heatPerGcal: '1654.18',
  hotWaterPerM3: '99.11',
  heatingNormGcalPerM2: '0.0185',
  hotWaterNormM3PerPerson: '3.2',
  subscriptionFee: '0',
  ...prices,
});

const premises = (accountId: string, fields: Partial<Premises>): Premises => ({
  accountId,
  heatedAreaM2: new Big('62.5'),
  occupants: 1,
  heating: 'NORM',
  hotWater: 'NONE',
  buildingId: null,
  ...fields,
});

function data(fields: Partial<HeatPricingData>): HeatPricingData {
  return {
    currency: 'UAH',
    tariffs: new Map([['RESIDENTIAL', [tariff('2024-01-01')]]]),
    seasons: [{ startsOn: '2026-10-16', endsOn: null }],
    premises: new Map(),
    buildings: new Map(),
    meteredHeat: () => noMeteredHeat,
    billedShares: new Map(),
    ...fields,
  };
}

const meter: BasisMeter = { id: 'm', serialNumber: 'M-1', zones: ['HEAT'], digits: 6, installedOn: '2020-01-01', removedOn: null };
const measured = (zone: 'HEAT' | 'HOT_WATER', quantity: string): ConsumptionToPrice => ({ meter: { ...meter, zones: [zone] }, zone, quantity: new Big(quantity) });

const priced = (pricing: HeatPricingData, accountId: string, period: string, consumption: ConsumptionToPrice[] = []) =>
  pricerOf(heatChargeSources(pricing, { id: accountId, kind: 'RESIDENTIAL' }))(period, consumption).map((line) => ({
    description: line.description,
    quantity: line.quantity?.toFixed(3) ?? null,
    amountMinor: line.amountMinor,
  }));

describe('heating season', () => {
  it('gives the days of a month inside seasons, merged', () => {
    expect(seasonSpans('2026-10', [{ startsOn: '2026-10-16', endsOn: null }])).toEqual([{ from: '2026-10-16', to: '2026-10-31' }]);
    expect(seasonSpans('2027-04', [{ startsOn: '2026-10-16', endsOn: '2027-04-10' }])).toEqual([{ from: '2027-04-01', to: '2027-04-10' }]);
    expect(seasonSpans('2027-06', [{ startsOn: '2026-10-16', endsOn: '2027-04-10' }])).toEqual([]);
    // Heating stopped for a warm week and restarted.
    expect(
      seasonSpans('2026-11', [
        { startsOn: '2026-10-16', endsOn: '2026-11-05' },
        { startsOn: '2026-11-13', endsOn: null },
      ]),
    ).toEqual([
      { from: '2026-11-01', to: '2026-11-05' },
      { from: '2026-11-13', to: '2026-11-30' },
    ]);
  });
});

describe('heating by the norm per m²', () => {
  it('takes a month partly in season by its days, and says the days', () => {
    // 62.5 m² × 0.0185 Gcal/m² × 16/31 days = 0.596774… → 0.597 Gcal × 1654.18 = 987.545… → 987.55.
    const pricing = data({ premises: new Map([['a', premises('a', {})]]) });
    expect(priced(pricing, 'a', '2026-10')).toEqual([
      { description: 'Опалення за нормою, 62,50 м² × 0,0185 Гкал/м², 16 дн. опалення, 16.10–31.10', quantity: '0.597', amountMinor: 98755 },
    ]);
    // A whole month in season: 1.156 Gcal (1.15625 rounded) × 1654.18 = 1912.232… → 1912.23.
    expect(priced(pricing, 'a', '2026-11')).toEqual([
      { description: 'Опалення за нормою, 62,50 м² × 0,0185 Гкал/м²', quantity: '1.156', amountMinor: 191223 },
    ]);
  });

  it('charges no heating outside the season', () => {
    const pricing = data({ premises: new Map([['a', premises('a', {})]]), seasons: [{ startsOn: '2026-10-16', endsOn: '2027-04-10' }] });
    expect(priced(pricing, 'a', '2027-06')).toEqual([]);
  });

  it('splits a month at a tariff change, pro rata by days', () => {
    // 50 m² × 0.02 Gcal/m² = 1 Gcal a month: 0.5 at 1000.00 (1–15 November) and 0.5 at 1200.00 (16–30).
    const pricing = data({
      tariffs: new Map([['RESIDENTIAL', [tariff('2024-01-01', { heatPerGcal: '1000.00', heatingNormGcalPerM2: '0.02' }), tariff('2026-11-16', { heatPerGcal: '1200.00', heatingNormGcalPerM2: '0.02' })]]]),
      premises: new Map([['a', premises('a', { heatedAreaM2: new Big(50) })]]),
    });
    expect(priced(pricing, 'a', '2026-11')).toEqual([
      { description: 'Опалення за нормою, 50,00 м² × 0,02 Гкал/м², 01.11–15.11', quantity: '0.500', amountMinor: 50000 },
      { description: 'Опалення за нормою, 50,00 м² × 0,02 Гкал/м², 16.11–30.11', quantity: '0.500', amountMinor: 60000 },
    ]);
  });
});

describe('a tariff change and the season\'s start in one month', () => {
  it('gives each part of the month its own heating days', () => {
    // Heating from 16 October; the price rises to 1700.00 on 21 October. 62.5 m² × 0.0185 Gcal/m² =
    // 1.15625 Gcal a month: 5 days (16–20) at the old price, 1.15625 × 5/31 = 0.186 Gcal × 1654.18
    // = 307.677… → 307.68; 11 days (21–31) at the new, 1.15625 × 11/31 = 0.410 Gcal × 1700 = 697.00.
    const pricing = data({
      tariffs: new Map([['RESIDENTIAL', [tariff('2024-01-01'), tariff('2026-10-21', { heatPerGcal: '1700.00' })]]]),
      premises: new Map([['a', premises('a', {})]]),
    });
    expect(priced(pricing, 'a', '2026-10')).toEqual([
      { description: 'Опалення за нормою, 62,50 м² × 0,0185 Гкал/м², 01.10–20.10, 5 дн. опалення, 16.10–20.10', quantity: '0.186', amountMinor: 30768 },
      { description: 'Опалення за нормою, 62,50 м² × 0,0185 Гкал/м², 21.10–31.10, 11 дн. опалення, 21.10–31.10', quantity: '0.410', amountMinor: 69700 },
    ]);
  });

  it('splits metered heat by the heating days each tariff covers, not by the month\'s calendar days', () => {
    // 1.6 Gcal measured over 16 heating days: 5 of them (16–20) at 1654.18, 1.6 × 5/16 = 0.5 Gcal =
    // 827.09; 11 (21–31) at 1700.00, 1.1 Gcal = 1870.00.
    const rise = (validFrom: string) => data({
      tariffs: new Map([['RESIDENTIAL', [tariff('2024-01-01'), tariff(validFrom, { heatPerGcal: '1700.00' })]]]),
      premises: new Map([['a', premises('a', { heating: 'METER' })]]),
    });
    expect(priced(rise('2026-10-21'), 'a', '2026-10', [measured('HEAT', '1.6')])).toEqual([
      { description: 'Опалення за лічильником, 01.10–20.10, 5 дн. опалення, 16.10–20.10', quantity: '0.500', amountMinor: 82709 },
      { description: 'Опалення за лічильником, 21.10–31.10, 11 дн. опалення, 21.10–31.10', quantity: '1.100', amountMinor: 187000 },
    ]);
    // A price changed before heating started prices all of it: 1.6 × 1700.00 = 2720.00.
    expect(priced(rise('2026-10-10'), 'a', '2026-10', [measured('HEAT', '1.6')])).toEqual([
      { description: 'Опалення за лічильником, 16 дн. опалення, 16.10–31.10', quantity: '1.600', amountMinor: 272000 },
    ]);
  });
});

describe('heating by its own meter', () => {
  it('charges what the meter measured inside the season, nothing outside', () => {
    // 1.62 Gcal × 1654.18 = 2679.7716 → 2679.77.
    const pricing = data({ premises: new Map([['a', premises('a', { heating: 'METER' })]]) });
    expect(priced(pricing, 'a', '2026-11', [measured('HEAT', '1.62')])).toEqual([{ description: 'Опалення за лічильником', quantity: '1.620', amountMinor: 267977 }]);
    const summer = data({ premises: new Map([['a', premises('a', { heating: 'METER' })]]), seasons: [{ startsOn: '2026-10-16', endsOn: '2027-04-10' }] });
    expect(priced(summer, 'a', '2027-07', [measured('HEAT', '0.04')])).toEqual([]);
  });

  it('charges an account without premises on record by its meters alone, as before', () => {
    expect(priced(data({}), 'x', '2026-11', [measured('HEAT', '1.62'), measured('HOT_WATER', '3.8')])).toEqual([
      { description: 'Опалення за лічильником', quantity: '1.620', amountMinor: 267977 },
      // 3.8 m³ × 99.11 = 376.618 → 376.62.
      { description: 'Гаряча вода за лічильником', quantity: '3.800', amountMinor: 37662 },
    ]);
  });
});

/**
 * A building of three flats, one with its own meter (60 m²) and two without (40 and 50 m²), 10% of
 * its heat for the common areas; `readings`: its meter's values closing each month.
 */
function sumskaBuilding(readings: [string, number][]): { flats: Premises[]; building: Building } {
  const flats: Premises[] = [
    premises('flat-1', { heatedAreaM2: new Big(60), heating: 'METER', buildingId: 'b' }),
    premises('flat-2', { heatedAreaM2: new Big(40), heating: 'BUILDING', buildingId: 'b' }),
    premises('flat-3', { heatedAreaM2: new Big(50), heating: 'BUILDING', buildingId: 'b' }),
  ];
  const building: Building = {
    id: 'b',
    address: 'м. Харків, вул. Сумська, 25',
    commonAreaShareBasisPoints: 1000,
    meterStartValue: new Big(1100),
    readings: new Map(readings.map(([period, value]) => [period as Period, new Big(value)])),
    premises: flats,
  };
  return { flats, building };
}

describe('heating by the building\'s meter, apportioned by area', () => {
  // The building measured 30 Gcal in November (1200 → 1230); 10% heats its common areas (3 Gcal).
  // Flat 1 (60 m²) has its own meter: 4 Gcal. What is left, 30 − 3 − 4 = 23 Gcal, goes to flats 2
  // (40 m²) and 3 (50 m²) by area: 23 × 40/90 = 10.222 and 23 × 50/90 = 12.778. The 3 Gcal of the
  // common areas go to all three by area: 60/150 × 3 = 1.2, 40/150 × 3 = 0.8, 50/150 × 3 = 1.0.
  const { flats, building } = sumskaBuilding([
    ['2026-10', 1200],
    ['2026-11', 1230],
  ]);
  const pricing = data({
    tariffs: new Map([['RESIDENTIAL', [tariff('2024-01-01', { heatPerGcal: '1540.00' })]]]),
    premises: new Map(flats.map((flat) => [flat.accountId, flat])),
    buildings: new Map([['b', building]]),
    meteredHeat: (accountId) => (accountId === 'flat-1' ? { gcal: new Big(4), estimatedGcal: new Big(0) } : noMeteredHeat),
  });

  it('splits the building\'s Gcal as the Methodology does', () => {
    const shares = apportion({
      buildingGcal: new Big(30),
      commonAreaShareBasisPoints: 1000,
      meteredGcal: new Big(4),
      meteredEstimatedGcal: new Big(0),
      premises: flats.map((flat) => ({ accountId: flat.accountId, areaM2: flat.heatedAreaM2, individuallyMetered: flat.heating === 'METER' })),
    });
    expect(Object.fromEntries([...shares].map(([id, share]) => [id, [share.ownGcal.toFixed(3), share.commonGcal.toFixed(3)]]))).toEqual({
      'flat-1': ['0.000', '1.200'],
      'flat-2': ['10.222', '0.800'],
      'flat-3': ['12.778', '1.000'],
    });
  });

  it('bills each flat its share at the tariff, and the metered flat its meter and its common-area share', () => {
    // The building used 1230 − 1200 = 30 Gcal: 10% (3) heats the common areas, split among all 150 m²; the metered
    // flat's meter took 4; the 23 left are split among the 90 m² of the two flats without a meter.
    const own = (gcal: string, area = '40,00') =>
      `за показами будинкового лічильника 30,000 Гкал − місця загального користування 10% 3,000 Гкал − приміщення з власними лічильниками 4,000 Гкал = 23,000 Гкал; ` +
      `23,000 Гкал × ${area} м² / 90,00 м² площі приміщень без лічильників = ${gcal} Гкал`;
    const common = (gcal: string, area = '40,00') =>
      `за показами будинкового лічильника 30,000 Гкал × 10% = 3,000 Гкал; 3,000 Гкал × ${area} м² / 150,00 м² площі всіх приміщень = ${gcal} Гкал`;
    expect(priced(pricing, 'flat-2', '2026-11')).toEqual([
      // 10.222 × 1540 = 15741.88; 0.8 × 1540 = 1232.00. Each line shows how its Gcal were worked out from the building's meter.
      { description: `Опалення за будинковим лічильником, частка площі 40,00 м² (${own('10,222')})`, quantity: '10.222', amountMinor: 1574188 },
      { description: `Опалення місць загального користування, частка площі 40,00 м² (${common('0,800')})`, quantity: '0.800', amountMinor: 123200 },
    ]);
    expect(priced(pricing, 'flat-3', '2026-11')).toEqual([
      // 12.778 × 1540 = 19678.12; 1.0 × 1540 = 1540.00.
      { description: `Опалення за будинковим лічильником, частка площі 50,00 м² (${own('12,778', '50,00')})`, quantity: '12.778', amountMinor: 1967812 },
      { description: `Опалення місць загального користування, частка площі 50,00 м² (${common('1,000', '50,00')})`, quantity: '1.000', amountMinor: 154000 },
    ]);
    expect(priced(pricing, 'flat-1', '2026-11', [measured('HEAT', '4')])).toEqual([
      { description: 'Опалення за лічильником', quantity: '4.000', amountMinor: 616000 },
      // 1.2 × 1540 = 1848.00.
      { description: `Опалення місць загального користування, частка площі 60,00 м² (${common('1,200', '60,00')})`, quantity: '1.200', amountMinor: 184800 },
    ]);
  });

  it('refuses a month the building meter has no reading for', () => {
    expect(() => priced(pricing, 'flat-2', '2026-12')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BUILDING_READING_MISSING' }) }));
  });

  it('names, before a run, the buildings whose flats it would bill without their meter\'s month', () => {
    const ids = (period: string, accounts: string[]) => buildingsWithoutReading(pricing, period, accounts).map((missing) => missing.id);
    // Every flat of the building, the metered one too (its common-area share), and only in season.
    expect(ids('2026-12', ['flat-1'])).toEqual(['b']);
    expect(ids('2026-12', ['flat-2', 'flat-3'])).toEqual(['b']);
    expect(ids('2026-11', ['flat-1', 'flat-2', 'flat-3'])).toEqual([]);
    expect(ids('2026-12', [])).toEqual([]);
    expect(ids('2026-09', ['flat-2'])).toEqual([]);
  });
});

describe('a building share corrected once a metered neighbour\'s estimate is', () => {
  // The building of the case above: 30 Gcal in November, 32 in December (1230 → 1262), 10% of each for the common areas.
  // Flat 1's November was billed on an estimate of 4 Gcal, and so were its neighbours' shares; its December reading
  // since corrected November to 5.5 Gcal (its own bill's correction), and December counts 6.1.
  const { flats, building } = sumskaBuilding([
    ['2026-10', 1200],
    ['2026-11', 1230],
    ['2026-12', 1262],
  ]);
  const flat1 = (gcal: Record<string, string>) => (accountId: string, period: string) =>
    accountId === 'flat-1' && gcal[period] ? { gcal: new Big(gcal[period]), estimatedGcal: new Big(0) } : noMeteredHeat;
  const pricingWith = (november: string, billedWith: string) =>
    data({
      tariffs: new Map([['RESIDENTIAL', [tariff('2024-01-01', { heatPerGcal: '1540.00' })]]]),
      premises: new Map(flats.map((flat) => [flat.accountId, flat])),
      buildings: new Map([['b', building]]),
      meteredHeat: flat1({ '2026-11': november, '2026-12': '6.1' }),
      billedShares: new Map(['flat-2', 'flat-3'].map((id) => [id, new Map([['2026-11', new Big(billedWith)]])])),
    });
  const december = (pricing: HeatPricingData, accountId: string) => {
    const sources = heatChargeSources(pricing, { id: accountId, kind: 'RESIDENTIAL' });
    const revisions = sources.flatMap((source) => source.revisions?.('2026-12') ?? []);
    return computeCharges('2026-12', { zones: [], corrections: [] }, [], [], pricerOf(sources), null, revisions);
  };

  it('corrects each neighbour\'s November by its share priced now less as billed, on its December bill', () => {
    const pricing = pricingWith('5.5', '4');
    // Flat 2: November's rest was 30 − 3 − 4 = 23 Gcal, 23 × 40/90 = 10.222 Gcal = 15741.88; it is 30 − 3 − 5.5 = 21.5,
    // 21.5 × 40/90 = 9.556 Gcal = 14716.24: −1025.64.
    const flat2 = december(pricing, 'flat-2');
    expect(flat2.corrections.map(({ period, netMinor, vatMinor }) => [period, netMinor, vatMinor])).toEqual([['2026-11', 1_471_624 - 1_574_188, 0]]);
    expect(flat2.corrections[0]!.revisions[0]!.reason).toBe('частку будинкового лічильника перераховано за споживанням приміщень з власними лічильниками, 5,500 Гкал замість 4,000 Гкал');
    expect(flat2.correctionsMinor).toBe(-102_564);
    // Flat 3: 23 × 50/90 = 12.778 Gcal = 19678.12 billed, 21.5 × 50/90 = 11.944 Gcal = 18393.76 now: −1284.36. Together the
    // two give back 2310.00, the 1.5 Gcal flat 1 now pays for at 1540.00.
    expect(december(pricing, 'flat-3').correctionsMinor).toBe(1_839_376 - 1_967_812);
    // December itself: (32 − 3.2 − 6.1) × 40/90 = 10.089 Gcal = 15537.06, and 3.2 × 40/150 = 0.853 Gcal of the common areas = 1313.62.
    expect(flat2.lines.map((line) => [line.quantity?.toFixed(3), line.amountMinor])).toEqual([['10.089', 1_553_706], ['0.853', 131_362]]);
    // The metered flat's common-area share does not move with metered Gcal: nothing of its own to correct.
    expect(december(pricing, 'flat-1').corrections).toEqual([]);
  });

  it('records what each share was billed with, so that a month corrected is not corrected again', () => {
    const pricing = pricingWith('5.5', '4');
    const records = billedShareRecords(pricing, '2026-12', [
      { billId: 'bill-1', account: { id: 'flat-1', kind: 'RESIDENTIAL' } },
      { billId: 'bill-2', account: { id: 'flat-2', kind: 'RESIDENTIAL' } },
    ]);
    expect(records.map(({ billId, period, meteredGcal }) => [billId, period, meteredGcal.toFixed(3)])).toEqual([
      ['bill-2', '2026-12', '6.100'],
      ['bill-2', '2026-11', '5.500'],
    ]);
    // January's bill finds November billed with 5.5 Gcal, as flat 1's bills count it: nothing to correct.
    expect(december(pricingWith('5.5', '5.5'), 'flat-2').corrections).toEqual([]);
  });

  it('names no month whose price the change leaves as it was', () => {
    // 4.001 Gcal instead of 4: flat 2's share is 22.999 × 40/90 = 10.222 Gcal either way.
    expect(december(pricingWith('4.001', '4'), 'flat-2').corrections).toEqual([]);
  });

  it('records no share for a month out of season', () => {
    const summer = { ...pricingWith('5.5', '5.5'), seasons: [{ startsOn: '2026-10-16', endsOn: '2026-11-30' }] };
    expect(billedShareRecords(summer, '2026-12', [{ billId: 'bill-2', account: { id: 'flat-2', kind: 'RESIDENTIAL' } }])).toEqual([]);
  });
});

describe('hot water and the subscription fee', () => {
  it('charges hot water by the norm per occupant, and the fee as its own line', () => {
    // 2 occupants × 3.2 m³ = 6.4 m³ × 87.40 = 559.36; the fee 13.00.
    const pricing = data({
      tariffs: new Map([['RESIDENTIAL', [tariff('2024-01-01', { hotWaterPerM3: '87.40', subscriptionFee: '13.00' })]]]),
      premises: new Map([['a', premises('a', { heating: 'NONE', hotWater: 'NORM', occupants: 2 })]]),
    });
    expect(priced(pricing, 'a', '2026-11')).toEqual([
      { description: 'Гаряча вода за нормою, 2 ос. × 3,2 м³', quantity: '6.400', amountMinor: 55936 },
      { description: 'Абонентська плата', quantity: null, amountMinor: 1300 },
    ]);
  });

  it('takes the fee pro rata by days when a tariff changes inside the month', () => {
    // Poltava's fee rises from 12.50 to 15.00 on 16 December: 12.50 × 15/31 = 6.048… → 6.05 and
    // 15.00 × 16/31 = 7.741… → 7.74, 13.79 for the month (12.50 × 15/31 + 15.00 × 16/31 = 13.790…).
    const pricing = data({
      tariffs: new Map([['RESIDENTIAL', [tariff('2024-01-01', { subscriptionFee: '12.50' }), tariff('2026-12-16', { subscriptionFee: '15.00' })]]]),
      premises: new Map([['a', premises('a', { heating: 'NONE' })]]),
    });
    expect(priced(pricing, 'a', '2026-12')).toEqual([
      { description: 'Абонентська плата, 01.12–15.12', quantity: null, amountMinor: 605 },
      { description: 'Абонентська плата, 16.12–31.12', quantity: null, amountMinor: 774 },
    ]);
    // The months around it: one fee each, whole.
    expect(priced(pricing, 'a', '2026-11')).toEqual([{ description: 'Абонентська плата', quantity: null, amountMinor: 1250 }]);
    expect(priced(pricing, 'a', '2027-01')).toEqual([{ description: 'Абонентська плата', quantity: null, amountMinor: 1500 }]);
  });

  it('prices only metered zones for a preliminary charge', () => {
    const pricing = data({
      tariffs: new Map([['RESIDENTIAL', [tariff('2024-01-01', { subscriptionFee: '13.00' })]]]),
      premises: new Map([['a', premises('a', { heating: 'NORM', hotWater: 'METER' })]]),
    });
    const preliminary = pricerOf(heatChargeSources(pricing, { id: 'a', kind: 'RESIDENTIAL' }), 'metered')('2026-11', [measured('HOT_WATER', '3.8')]);
    expect(preliminary.map((line) => line.description)).toEqual(['Гаряча вода за лічильником']);
  });

  it('refuses a month no tariff covers', () => {
    const pricing = data({ tariffs: new Map([['RESIDENTIAL', [tariff('2027-01-01')]]]), premises: new Map([['a', premises('a', {})]]) });
    expect(() => priced(pricing, 'a', '2026-11')).toThrow(TariffMissingError);
  });
});

describe('estimates without history', () => {
  it('take the norm: heating by the season\'s days, hot water per occupant', () => {
    const pricing = data({ premises: new Map([['a', premises('a', { heating: 'METER', hotWater: 'METER', occupants: 3 })]]) });
    const account = { id: 'a', kind: 'RESIDENTIAL' };
    expect(normEstimate(pricing, account, 'HEAT', '2026-10')?.toFixed(3)).toBe('0.597');
    expect(normEstimate(pricing, account, 'HOT_WATER', '2026-10')?.toFixed(3)).toBe('9.600');
    expect(normEstimate(pricing, { id: 'unknown', kind: 'RESIDENTIAL' }, 'HEAT', '2026-10')).toBeNull();
  });

  it('take the norm for the days of the month the meter served, heating only on those in season', () => {
    const pricing = data({ premises: new Map([['a', premises('a', { heating: 'METER', hotWater: 'METER', occupants: 3 })]]) });
    const estimate = (zone: 'HEAT' | 'HOT_WATER', period: string, installedOn: string, removedOn: string | null = null) =>
      normEstimate(pricing, { id: 'a', kind: 'RESIDENTIAL' }, zone, period, { installedOn, removedOn })?.toFixed(3);
    // Installed on 28 October: 4 days of 31, all heated. 62.5 m² × 0.0185 Gcal/m² × 4/31 = 0.149193… → 0.149 Gcal;
    // 3 occupants × 3.2 m³ × 4/31 = 1.238709… → 1.239 m³.
    expect([estimate('HEAT', '2026-10', '2026-10-28'), estimate('HOT_WATER', '2026-10', '2026-10-28')]).toEqual(['0.149', '1.239']);
    // Installed on 10 October: 22 days served, of them the 16 heated from the 16th (as without a meter, 0.597 Gcal);
    // hot water 9.6 m³ × 22/31 = 6.812903… → 6.813 m³.
    expect([estimate('HEAT', '2026-10', '2026-10-10'), estimate('HOT_WATER', '2026-10', '2026-10-10')]).toEqual(['0.597', '6.813']);
    // Removed on 10 November: 10 days of 30, 1.15625 × 10/30 = 0.385 Gcal; a meter of earlier years serves the whole month.
    expect(estimate('HEAT', '2026-11', '2020-01-01', '2026-11-10')).toBe('0.385');
    expect([estimate('HEAT', '2026-11', '2020-01-01'), estimate('HOT_WATER', '2026-11', '2020-01-01')]).toEqual(['1.156', '9.600']);
  });
});
